import type { CompiledQuery, Kysely, RawBuilder } from 'kysely';
import type { Database } from './schema.ts';

/**
 * Inserts rows given as one flat array of values (row after row, in `columns` order), each row
 * also taking the `constants`; skips rows whose conflict columns match an existing row, and says
 * how many were new, and which (their row numbers) to `onStored`. Must be called inside a transaction
 * that holds the store's connection.
 */
export type InsertIgnore = <T extends keyof Database & string>(
  trx: Kysely<Database>,
  table: T,
  columns: readonly (keyof Database[T] & string)[],
  conflictColumns: readonly (keyof Database[T] & string)[],
  values: readonly unknown[],
  constants?: Partial<Database[T]>,
  onStored?: (row: number) => void,
) => Promise<number>;

/**
 * Inserts rows given as one flat array of values (row after row, in `columns` order); a row whose
 * conflict columns match an existing row updates that row's `updateColumns` to the new values
 * instead. Must be called inside a transaction that holds the store's connection.
 */
export type UpsertRows = <T extends keyof Database & string>(
  trx: Kysely<Database>,
  table: T,
  columns: readonly (keyof Database[T] & string)[],
  conflictColumns: readonly (keyof Database[T] & string)[],
  updateColumns: readonly (keyof Database[T] & string)[],
  values: readonly unknown[],
) => Promise<void>;

/**
 * Runs a read query and hands its rows to `onRows` page by page, each row an array of the selected
 * columns in select order. Rows are never all in memory at once, and no object is built per row:
 * detection passes read millions of sign-ins this way. `onRows` is synchronous and must not use the
 * store. Runs on its own connection, outside any open transaction. Resolves to the number of rows.
 */
export type ScanRows = (
  query: CompiledQuery,
  onRows: (rows: readonly unknown[][]) => void,
) => Promise<number>;

/** What differs between dialects, as flags and seams; callers never branch on a dialect's name. */
export interface StoreCapabilities {
  /** A human-readable description of where data lives (for logs and the CLI). */
  readonly location: string;
  /** Whether the store can be shared by several processes writing at once (PostgreSQL). */
  readonly multiProcess: boolean;
  /** Bulk insert-or-skip, as fast as the dialect allows. */
  readonly insertIgnore: InsertIgnore;
  /** Bulk insert-or-update, as fast as the dialect allows. */
  readonly upsertRows: UpsertRows;
  /** Streaming read of large results. */
  readonly scanRows: ScanRows;
  /** The operator that matches a LIKE pattern ignoring case (SQLite's LIKE ignores ASCII case). */
  readonly likeOperator: 'like' | 'ilike';
  /**
   * Where NULL sorts when an ORDER BY names no NULLS clause: as the smallest value (SQLite) or the
   * largest (PostgreSQL). Pages sort the dialect's way, because an explicit clause against the
   * default keeps PostgreSQL from walking an index backwards; keyset paging follows it.
   */
  readonly nullsSortLow: boolean;
  /**
   * A FROM item listing the strings of the JSON array in `column` (a qualified column name) as
   * rows of one column, `value`, under the table alias `alias`.
   */
  readonly jsonArrayElements: (column: string, alias: string) => RawBuilder<unknown>;
}
