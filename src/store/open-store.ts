import { type Kysely, Migrator } from 'kysely';
import type { StoreCapabilities } from './capabilities.ts';
import { migrations } from './migrations/index.ts';
import { connectPostgres } from './postgres/connect.ts';
import type { Database } from './schema.ts';
import { connectSqlite } from './sqlite/connect.ts';

/** An open store: the query builder and what its dialect can do. */
export interface Store {
  readonly db: Kysely<Database>;
  readonly capabilities: StoreCapabilities;
  /** How the store was opened: another thread opens its own connection to the same data with it. */
  readonly openOptions: OpenStoreOptions;
  /** Applies pending migrations; returns the names applied. */
  migrate(): Promise<string[]>;
  close(): Promise<void>;
}

/** Where the store is. */
export interface OpenStoreOptions {
  databaseUrl: string;
  databaseSchema?: string | null;
  /** Apply pending migrations on open (the default: Vigil migrates on start). */
  migrate?: boolean;
}

/** Whether a database URL names PostgreSQL. */
export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}

/** Opens the store the URL names (SQLite file or PostgreSQL) and migrates it. */
export async function openStore(options: OpenStoreOptions): Promise<Store> {
  const { db, capabilities } = isPostgresUrl(options.databaseUrl)
    ? await connectPostgres(options.databaseUrl, options.databaseSchema ?? null)
    : connectSqlite(options.databaseUrl);
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    migrationTableName: 'vigil_migrations',
    migrationLockTableName: 'vigil_migrations_lock',
    // Named explicitly: otherwise the migrator may find its tables in another schema of the same
    // database (side-by-side deployments, parallel tests) and skip creating its own.
    ...(options.databaseSchema ? { migrationTableSchema: options.databaseSchema } : {}),
  });
  const store: Store = {
    db,
    capabilities,
    openOptions: { ...options },
    async migrate() {
      const { error, results } = await migrator.migrateToLatest();
      if (error) throw error instanceof Error ? error : new Error(String(error));
      return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
    },
    async close() {
      await db.destroy();
    },
  };
  if (options.migrate !== false) {
    try {
      await store.migrate();
    } catch (err) {
      await db.destroy();
      throw err;
    }
  }
  return store;
}
