import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type Store } from '../../src/store/open-store.ts';

/** PostgreSQL server the store tests run against (a real one; CI starts it). */
export const POSTGRES_URL = process.env.VIGIL_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A store under test plus how to reach it again from another process. */
export interface TestStore {
  store: Store;
  /** Environment that points a `vigil` child process at the same store. */
  env: Record<string, string>;
  cleanup(): Promise<void>;
}

/** The dialects every store test runs on. Set VIGIL_TEST_DIALECTS=sqlite to skip PostgreSQL locally. */
export const dialects = (process.env.VIGIL_TEST_DIALECTS ?? 'sqlite,postgres').split(',') as (
  | 'sqlite'
  | 'postgres'
)[];

/** Opens a fresh, migrated, empty store of the dialect: a temp SQLite file or a new PostgreSQL schema. */
export async function createTestStore(dialect: 'sqlite' | 'postgres'): Promise<TestStore> {
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-test-'));
    const url = join(dir, 'vigil.db');
    const store = await openStore({ databaseUrl: url });
    return {
      store,
      env: { VIGIL_DATABASE_URL: url },
      async cleanup() {
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const store = await openStore({ databaseUrl: POSTGRES_URL, databaseSchema: schema });
  return {
    store,
    env: { VIGIL_DATABASE_URL: POSTGRES_URL, VIGIL_DATABASE_SCHEMA: schema },
    // The schema is left for the test runner to drop once every test has finished: dropping it now
    // would race with other test processes, whose migrations list every schema's tables (Kysely's
    // introspection) and fail when one vanishes under them.
    async cleanup() {
      await store.close();
    },
  };
}
