import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { InsertIgnore, ScanRows, StoreCapabilities, UpsertRows } from '../capabilities.ts';
import { conflictClause } from '../conflict-clause.ts';
import type { Database } from '../schema.ts';

const SCAN_PAGE_ROWS = 10_000;

// PostgreSQL caps bound parameters at 65535 per statement; chunks stay well below it.
const MAX_PARAMETERS = 30_000;

/** Opens a PostgreSQL store; `schema` (created if missing) isolates tests and side-by-side deployments. */
export async function connectPostgres(
  url: string,
  schema: string | null,
): Promise<{ db: Kysely<Database>; capabilities: StoreCapabilities }> {
  if (schema !== null) {
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      // The schema name is validated as a plain identifier by the config schema.
      await admin.query(`create schema if not exists "${schema}"`);
    } finally {
      await admin.end();
    }
  }
  const pool = new pg.Pool({
    connectionString: url,
    max: 10,
    ...(schema !== null ? { options: `-c search_path="${schema}"` } : {}),
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  // Multi-row statements of as many rows as the parameter cap allows; on conflict nothing, or the
  // update columns set from the row that conflicted. Says how many rows were inserted or updated, and
  // which to `onWritten`: the statement then returns the conflict columns of the rows it wrote.
  const writeRows = async (
    trx: Kysely<Database>,
    table: keyof Database & string,
    columns: readonly string[],
    conflictColumns: readonly string[],
    update: readonly string[] | null,
    values: readonly unknown[],
    constants: Record<string, unknown>,
    onWritten?: (row: number) => void,
  ): Promise<number> => {
    const n = columns.length;
    if (values.length === 0 || n === 0) return 0;
    const width = n + Object.keys(constants).length;
    const chunk = Math.max(1, Math.floor(MAX_PARAMETERS / width));
    let written = 0;
    for (let start = 0; start < values.length; start += chunk * n) {
      const rows: Record<string, unknown>[] = [];
      const end = Math.min(values.length, start + chunk * n);
      for (let k = start; k < end; k += n) {
        const row: Record<string, unknown> = { ...constants };
        for (let i = 0; i < n; i++) row[columns[i]!] = values[k + i];
        rows.push(row);
      }
      const insert = trx
        .insertInto(table)
        // biome-ignore lint/suspicious/noExplicitAny: rows are built from the typed column list
        .values(rows as any)
        .onConflict(conflictClause(conflictColumns, update));
      if (onWritten === undefined) {
        const result = await insert.executeTakeFirst();
        written += Number(result.numInsertedOrUpdatedRows ?? 0);
        continue;
      }
      const first = start / n;
      const keyOf = (r: Record<string, unknown>) => conflictColumns.map((c) => String(r[c])).join('\u0000');
      // biome-ignore lint/suspicious/noExplicitAny: the conflict columns are columns of `table`
      const back = await insert.returning(conflictColumns as any).execute();
      const keys = new Set(back.map((r) => keyOf(r as Record<string, unknown>)));
      // A key twice in one statement was written once, by its first row.
      for (let i = 0; i < rows.length; i++) if (keys.delete(keyOf(rows[i]!))) onWritten(first + i);
      written += back.length;
    }
    return written;
  };
  const insertIgnore: InsertIgnore = (
    trx,
    table,
    columns,
    conflictColumns,
    values,
    constants = {},
    onStored,
  ) => writeRows(trx, table, columns, conflictColumns, null, values, constants, onStored);
  const upsertRows: UpsertRows = async (trx, table, columns, conflictColumns, updateColumns, values) => {
    await writeRows(trx, table, columns, conflictColumns, updateColumns, values, {});
  };
  // A server-side cursor in a read-only transaction on a connection of its own: pages are fetched
  // as arrays, so memory holds one page however large the result.
  const scanRows: ScanRows = async (query, onRows) => {
    const client = await pool.connect();
    let rows = 0;
    try {
      await client.query('begin read only');
      await client.query({
        text: `declare vigil_scan no scroll cursor for ${query.sql}`,
        values: [...query.parameters],
      });
      for (;;) {
        const page = await client.query({
          text: `fetch ${SCAN_PAGE_ROWS} from vigil_scan`,
          rowMode: 'array',
        });
        if (page.rows.length === 0) break;
        rows += page.rows.length;
        onRows(page.rows as unknown[][]);
      }
      await client.query('commit');
    } catch (err) {
      await client.query('rollback').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
    return rows;
  };
  const safe = new URL(url);
  safe.password = '';
  return {
    db,
    capabilities: {
      location: `${safe.toString()}${schema ? ` (schema ${schema})` : ''}`,
      multiProcess: true,
      insertIgnore,
      upsertRows,
      scanRows,
      likeOperator: 'ilike',
      nullsSortLow: false,
      jsonArrayElements: (column, alias) =>
        sql`json_array_elements_text(${sql.ref(column)}::json) as ${sql.id(alias)}(value)`,
    },
  };
}
