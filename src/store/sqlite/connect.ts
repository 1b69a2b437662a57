import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { type CompiledQuery, Kysely, SqliteDialect } from 'kysely';
import type { InsertIgnore, StoreCapabilities } from '../capabilities.ts';
import type { Database } from '../schema.ts';

/** Resolves `sqlite:<path>`, `sqlite://<path>` or a bare path to a file path. */
export function sqlitePath(url: string): string {
  if (url.startsWith('sqlite://')) return url.slice('sqlite://'.length);
  if (url.startsWith('sqlite:')) return url.slice('sqlite:'.length);
  return url;
}

/** Opens the embedded SQLite store: WAL, a busy timeout, foreign keys on. */
export function connectSqlite(url: string): { db: Kysely<Database>; capabilities: StoreCapabilities } {
  const path = sqlitePath(url);
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const raw = new BetterSqlite3(path);
  raw.pragma('journal_mode = WAL');
  raw.pragma('busy_timeout = 5000');
  raw.pragma('foreign_keys = ON');
  // NORMAL is durable across application crashes in WAL mode (only an OS crash can lose the last
  // transactions), which is the trade every WAL deployment makes for write speed.
  raw.pragma('synchronous = NORMAL');
  // 32 MiB of page cache instead of 2: indexes on random GUID keys outgrow the default at once,
  // and every miss during a batch is a read from the OS.
  raw.pragma('cache_size = -32768');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: raw }) });

  // Statements compiled by Kysely once and prepared once: the per-row cost is then one bound run.
  // SQLite's connection is single and Kysely holds it for the whole transaction we are called in,
  // so running on the raw handle here is inside that transaction.
  const prepared = new Map<string, { stmt: BetterSqlite3.Statement; columns: string[] }>();
  const insertIgnore: InsertIgnore = async (_trx, table, conflictColumns, rows) => {
    const first = rows[0];
    if (first === undefined) return 0;
    const columns = Object.keys(first);
    const key = `${table}|${columns.join(',')}`;
    let entry = prepared.get(key);
    if (entry === undefined) {
      const compiled: CompiledQuery = db
        .insertInto(table)
        // biome-ignore lint/suspicious/noExplicitAny: a placeholder row only fixes the column order
        .values(first as any)
        // biome-ignore lint/suspicious/noExplicitAny: conflict columns are checked by the signature
        .onConflict((oc) => oc.columns(conflictColumns as any).doNothing())
        .compile();
      entry = { stmt: raw.prepare(compiled.sql), columns };
      prepared.set(key, entry);
    }
    const { stmt, columns: cols } = entry;
    const n = cols.length;
    const values = new Array<unknown>(n);
    let inserted = 0;
    for (const row of rows) {
      const r = row as unknown as Record<string, unknown>;
      for (let i = 0; i < n; i++) values[i] = r[cols[i]!];
      inserted += stmt.run(values).changes;
    }
    return inserted;
  };

  return {
    db,
    capabilities: {
      location: `sqlite:${path}`,
      multiProcess: false,
      insertIgnore,
    },
  };
}
