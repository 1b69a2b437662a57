import { Migrator } from 'kysely';
import { migrations } from '../../src/store/migrations/index.ts';
import type { Store } from '../../src/store/open-store.ts';

/**
 * Undoes every migration after `name`, as an older release would have left the store, then migrates
 * up again: what migrations fill in from existing data is then checked against what ingest wrote.
 * Returns the names undone, newest first.
 */
export async function remigrateAfter(store: Store, name: string): Promise<string[]> {
  const migrator = new Migrator({
    db: store.db,
    provider: { getMigrations: async () => migrations },
    migrationTableName: 'vigil_migrations',
    migrationLockTableName: 'vigil_migrations_lock',
    ...(store.openOptions.databaseSchema ? { migrationTableSchema: store.openOptions.databaseSchema } : {}),
  });
  const down = await migrator.migrateTo(name);
  if (down.error !== undefined) throw down.error;
  await store.migrate();
  return (down.results ?? []).map((r) => r.migrationName);
}
