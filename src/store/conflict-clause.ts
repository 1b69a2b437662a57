import { type OnConflictBuilder, sql } from 'kysely';
import type { Database } from './schema.ts';

/**
 * The ON CONFLICT clause of the bulk writes (insertIgnore, upsertRows) on either dialect: nothing on
 * conflict, or the `update` columns set from the row that conflicted.
 */
export function conflictClause(conflictColumns: readonly string[], update: readonly string[] | null) {
  // biome-ignore lint/suspicious/noExplicitAny: the table and columns are checked by the callers' signatures
  return (oc: OnConflictBuilder<Database, any>) => {
    // biome-ignore lint/suspicious/noExplicitAny: as above
    const target = oc.columns(conflictColumns as any);
    if (update === null) return target.doNothing();
    return target.doUpdateSet(
      // biome-ignore lint/suspicious/noExplicitAny: as above
      Object.fromEntries(update.map((c) => [c, sql.ref(`excluded.${c}`)])) as any,
    );
  };
}
