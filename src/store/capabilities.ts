import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';

/**
 * Inserts rows given as one flat array of values (row after row, in `columns` order), each row
 * also taking the `constants`; skips rows whose conflict columns match an existing row, and says
 * how many were new. Must be called inside a transaction that holds the store's connection.
 */
export type InsertIgnore = <T extends keyof Database & string>(
  trx: Kysely<Database>,
  table: T,
  columns: readonly (keyof Database[T] & string)[],
  conflictColumns: readonly (keyof Database[T] & string)[],
  values: readonly unknown[],
  constants?: Partial<Database[T]>,
) => Promise<number>;

/** What differs between dialects, as flags and seams; callers never branch on a dialect's name. */
export interface StoreCapabilities {
  /** A human-readable description of where data lives (for logs and the CLI). */
  readonly location: string;
  /** Whether the store can be shared by several processes writing at once (PostgreSQL). */
  readonly multiProcess: boolean;
  /** Bulk insert-or-skip, as fast as the dialect allows. */
  readonly insertIgnore: InsertIgnore;
}
