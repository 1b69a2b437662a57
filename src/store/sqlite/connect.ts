import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { type CompiledQuery, Kysely, SqliteDialect, sql } from 'kysely';
import type { InsertIgnore, ScanRows, StoreCapabilities, UpsertRows } from '../capabilities.ts';
import { conflictClause } from '../conflict-clause.ts';
import type { Database } from '../schema.ts';

// Rows handed over at once by scanRows. Small, because a page stays alive while it is evaluated: a
// few hundred rows fit the young generation, while thousands (a megabyte and more of strings) get
// copied by every scavenge and promoted; there is no round trip to save as on PostgreSQL.
const SCAN_PAGE_ROWS = 256;

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
  // 16 KiB pages for a new store (an existing one keeps its own): ingest writes every sign-in to its
  // table, four indexes and its scan row, and with transactions of thousands of rows larger pages
  // mean fewer pages and WAL frames per commit (the ingest benchmark ran 15% faster than with 4 KiB);
  // detection reads its scan rows in fewer pages too. Only takes effect before the first table
  // exists, so before WAL is set.
  raw.pragma('page_size = 16384');
  raw.pragma('journal_mode = WAL');
  raw.pragma('busy_timeout = 5000');
  raw.pragma('foreign_keys = ON');
  // NORMAL is durable across application crashes in WAL mode (only an OS crash can lose the last
  // transactions), which is the trade every WAL deployment makes for write speed.
  raw.pragma('synchronous = NORMAL');
  // 32 MiB of page cache instead of 2: indexes on random GUID keys outgrow the default at once,
  // and every miss during a batch is a read from the OS.
  raw.pragma('cache_size = -32768');
  // Checkpoint every 64 MiB of WAL instead of every 4: each checkpoint ends in an fsync, and a page
  // changed by many transactions is copied to the database once per checkpoint, not once each.
  // The WAL file is cut back to that size afterwards. The setting counts pages.
  const pageSize = Number(raw.pragma('page_size', { simple: true }));
  raw.pragma(`wal_autocheckpoint = ${Math.floor(67_108_864 / pageSize)}`);
  raw.pragma('journal_size_limit = 67108864');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: raw }) });

  // Statements compiled by Kysely once and prepared once: the per-row cost is then one bound run.
  // SQLite's connection is single and Kysely holds it for the whole transaction we are called in,
  // so running on the raw handle here is inside that transaction.
  const prepared = new Map<string, BetterSqlite3.Statement>();
  // One statement per table, columns and conflict handling: on conflict nothing, or the update columns
  // set from the row that conflicted.
  const statementFor = (
    table: keyof Database & string,
    columns: readonly string[],
    conflictColumns: readonly string[],
    update: readonly string[] | null,
  ): BetterSqlite3.Statement => {
    const key = `${table}|${columns.join(',')}|${conflictColumns.join(',')}|${update?.join(',') ?? '-'}`;
    let stmt = prepared.get(key);
    if (stmt === undefined) {
      const placeholder = Object.fromEntries(columns.map((c) => [c, null]));
      const compiled: CompiledQuery = db
        .insertInto(table)
        // biome-ignore lint/suspicious/noExplicitAny: a placeholder row only fixes the column order
        .values(placeholder as any)
        .onConflict(conflictClause(conflictColumns, update))
        .compile();
      stmt = raw.prepare(compiled.sql);
      prepared.set(key, stmt);
    }
    return stmt;
  };
  // Runs the statement once per row of the flat values (each row followed by the constants); says how
  // many rows it changed, and which ones to `onChanged`.
  const runRows = (
    stmt: BetterSqlite3.Statement,
    n: number,
    values: readonly unknown[],
    constants: readonly unknown[],
    onChanged?: (row: number) => void,
  ): number => {
    const row = new Array<unknown>(n + constants.length);
    for (let j = 0; j < constants.length; j++) row[n + j] = constants[j];
    let changed = 0;
    for (let k = 0; k < values.length; k += n) {
      for (let i = 0; i < n; i++) row[i] = values[k + i];
      const c = stmt.run(row).changes;
      changed += c;
      if (c > 0) onChanged?.(k / n);
    }
    return changed;
  };
  const insertIgnore: InsertIgnore = async (
    _trx,
    table,
    columns,
    conflictColumns,
    values,
    constants = {},
    onStored,
  ) => {
    const n = columns.length;
    if (values.length === 0 || n === 0) return 0;
    const constantColumns = Object.keys(constants);
    const stmt = statementFor(table, [...columns, ...constantColumns], conflictColumns, null);
    return runRows(
      stmt,
      n,
      values,
      constantColumns.map((c) => (constants as Record<string, unknown>)[c]),
      onStored,
    );
  };
  const upsertRows: UpsertRows = async (_trx, table, columns, conflictColumns, updateColumns, values) => {
    if (values.length === 0 || columns.length === 0) return;
    runRows(statementFor(table, columns, conflictColumns, updateColumns), columns.length, values, []);
  };

  // Raw mode iterates arrays straight from SQLite's row buffer; the callback is synchronous, so the
  // connection is never asked to run another statement while the iterator holds it.
  const scanRows: ScanRows = async (query, onRows) => {
    const stmt = raw.prepare(query.sql).raw(true);
    let page: unknown[][] = [];
    let rows = 0;
    for (const row of stmt.iterate(...(query.parameters as unknown[]))) {
      page.push(row as unknown[]);
      if (page.length === SCAN_PAGE_ROWS) {
        rows += page.length;
        onRows(page);
        page = [];
      }
    }
    if (page.length > 0) onRows(page);
    return rows + page.length;
  };

  return {
    db,
    capabilities: {
      location: `sqlite:${path}`,
      multiProcess: false,
      insertIgnore,
      upsertRows,
      scanRows,
      likeOperator: 'like',
      nullsSortLow: true,
      jsonArrayElements: (column, alias) => sql`json_each(${sql.ref(column)}) as ${sql.id(alias)}`,
    },
  };
}
