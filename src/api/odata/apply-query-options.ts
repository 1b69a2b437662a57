import { type RawBuilder, type SelectQueryBuilder, type SqlBool, sql } from 'kysely';
import type { StoreCapabilities } from '../../store/capabilities.ts';
import { type CheckedFilter, LIKE_ESCAPE } from './check-filter.ts';
import type { ComparisonOperator } from './filter-ast.ts';
import type { QueryOptions } from './parse-query-options.ts';
import type { CollectionProperty, QueryModel, ScalarProperty } from './query-model.ts';
import { encodeSkipToken } from './skip-token.ts';

/** A select over a route's own tables and joins; the model names every column used here. */
// biome-ignore lint/suspicious/noExplicitAny: the builder's tables and row type vary per route
export type AnySelect = SelectQueryBuilder<any, any, any>;

/** The dialect seams the compiled SQL needs. */
export type QueryCapabilities = Pick<
  StoreCapabilities,
  'likeOperator' | 'jsonArrayElements' | 'nullsSortLow'
>;

// `ne` compiles as a negated `eq`.
const SQL_OPERATOR: Record<Exclude<ComparisonOperator, 'ne'>, string> = {
  eq: '=',
  gt: '>',
  ge: '>=',
  lt: '<',
  le: '<=',
};
const NEGATED_OPERATOR: Record<Exclude<ComparisonOperator, 'ne'>, string> = {
  eq: '<>',
  gt: '<=',
  ge: '<',
  lt: '>=',
  le: '>',
};
const ELEMENTS = '__e';
const NEVER = sql<SqlBool>`1 = 0`;

/** The alias under which applyQueryOptions selects the `i`-th sort key. */
export function sortKeyAlias(i: number): string {
  return `__k${i}`;
}

/** Adds the `$filter` (only) as a WHERE condition: what a `$count` query needs. */
export function applyFilter<QB extends AnySelect>(
  qb: QB,
  options: QueryOptions,
  model: QueryModel,
  caps: QueryCapabilities,
): QB {
  if (options.filter === null) return qb;
  return qb.where(compile(options.filter, false, { model, caps, element: null })) as QB;
}

/**
 * Adds the filter, the keyset condition of `$skiptoken`, the order and a limit of one row more
 * than the page, so pageOf can tell whether a next page exists. Each sort key is also selected
 * as `__k0`, `__k1`, … (see sortKeyAlias): the page's last row carries the next token's values.
 */
export function applyQueryOptions<QB extends AnySelect>(
  qb: QB,
  options: QueryOptions,
  model: QueryModel,
  caps: QueryCapabilities,
): QB {
  let q: AnySelect = applyFilter(qb, options, model, caps);
  const keys = options.orderBy.map((k) => ({ ...k, ...columnInfoOf(k.property, model) }));
  if (options.after !== null) q = q.where(keysetCondition(keys, options.after, caps.nullsSortLow));
  keys.forEach((key, i) => {
    const column = sql.ref(key.column);
    // No NULLS clause: each dialect's default order is the one its indexes serve in both directions.
    q = q.select(column.as(sortKeyAlias(i))).orderBy(column, key.descending ? 'desc' : 'asc');
  });
  return q.limit(options.top + 1) as QB;
}

/**
 * Cuts the rows of an applyQueryOptions query to the page, and makes the `$skiptoken` of the next
 * page from the last row's sort keys; null when no row was left over.
 */
export function pageOf<T>(rows: T[], options: QueryOptions): { rows: T[]; skipToken: string | null } {
  if (rows.length <= options.top) return { rows, skipToken: null };
  const last = rows[options.top - 1] as Record<string, unknown>;
  const values = options.orderBy.map((_, i) => last[sortKeyAlias(i)] ?? null);
  return { rows: rows.slice(0, options.top), skipToken: encodeSkipToken(options.orderBy, values) };
}

/**
 * The `@odata.nextLink`: `baseUrl` joined to `path` (already in URL form), with the request's
 * query parameters in their order (any old `$skiptoken` dropped) and the new `$skiptoken` last.
 */
export function nextLink(
  baseUrl: string,
  path: string,
  query: Record<string, unknown>,
  skipToken: string,
): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(query)) {
    if (key.toLowerCase() === '$skiptoken') continue;
    const name = key.startsWith('$') ? `$${encodeURIComponent(key.slice(1))}` : encodeURIComponent(key);
    for (const v of Array.isArray(value) ? value : [value]) {
      if (v !== undefined) parts.push(`${name}=${encodeURIComponent(String(v))}`);
    }
  }
  // base64url needs no escaping.
  parts.push(`$skiptoken=${skipToken}`);
  return `${baseUrl.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}?${parts.join('&')}`;
}

function columnInfoOf(property: string, model: QueryModel): { column: string; nullable: boolean } {
  if (property === model.key.property) return { column: model.key.column, nullable: false };
  const p = model.properties[property] as ScalarProperty;
  return { column: p.column, nullable: p.nullable === true };
}

/**
 * Rows strictly after the cursor in the order: later in the first key, or equal in it and after
 * in the rest. NULLs of nullable keys sit where the dialect sorts them (`nullsSortLow`).
 */
function keysetCondition(
  keys: readonly { column: string; descending: boolean; nullable: boolean }[],
  after: unknown[],
  nullsSortLow: boolean,
): RawBuilder<SqlBool> {
  let rest: RawBuilder<SqlBool> | null = null;
  for (let i = keys.length - 1; i >= 0; i--) {
    const { descending, nullable } = keys[i]!;
    const column = sql.ref(keys[i]!.column);
    const value = after[i] ?? null;
    const nullsFirst = nullsSortLow !== descending;
    const cmp = sql.raw(descending ? '<' : '>');
    const same = value === null ? sql<SqlBool>`${column} is null` : sql<SqlBool>`${column} = ${value}`;
    let beyond: RawBuilder<SqlBool> | null;
    if (value === null) beyond = nullsFirst ? sql<SqlBool>`${column} is not null` : null;
    else if (nullable && !nullsFirst) beyond = sql`(${column} ${cmp} ${value} or ${column} is null)`;
    else beyond = sql`${column} ${cmp} ${value}`;
    const tie: RawBuilder<SqlBool> | null = rest === null ? null : sql`(${same} and ${rest})`;
    rest = beyond !== null && tie !== null ? sql`(${beyond} or ${tie})` : (beyond ?? tie ?? NEVER);
  }
  const first = keys[0];
  const start = after[0] ?? null;
  if (first && !first.nullable && start !== null && rest !== null) {
    // The same condition, plus a plain bound on the first key that lets the planner start its
    // index range at the cursor instead of filtering every row before it.
    const bound = sql.raw(first.descending ? '<=' : '>=');
    return sql<SqlBool>`(${sql.ref(first.column)} ${bound} ${start} and ${rest})`;
  }
  return rest ?? NEVER;
}

interface Context {
  model: QueryModel;
  caps: QueryCapabilities;
  /** Inside a lambda: the column holding its element. */
  element: string | null;
}

/**
 * Compiles a checked filter to SQL with every value bound. OData's logic is two-valued: a
 * comparison with a NULL column is false, and `not` makes it true. So `not` is pushed down to the
 * comparisons (De Morgan), and a negated comparison also holds for NULL: `x ne 'a'` includes rows
 * where x is NULL, as does `not (x gt 5)`.
 */
function compile(filter: CheckedFilter, negated: boolean, c: Context): RawBuilder<SqlBool> {
  switch (filter.kind) {
    case 'and':
    case 'or': {
      const joiner = (filter.kind === 'and') !== negated ? 'and' : 'or';
      return sql`(${compile(filter.left, negated, c)} ${sql.raw(joiner)} ${compile(filter.right, negated, c)})`;
    }
    case 'not':
      return compile(filter.operand, !negated, c);
    case 'compare': {
      const column = sql.ref(c.element ?? columnInfoOf(filter.property, c.model).column);
      if (filter.value === null) {
        return (filter.operator === 'eq') !== negated ? sql`${column} is null` : sql`${column} is not null`;
      }
      // `ne` is `not eq`, so it holds for NULL too.
      const positive = filter.operator === 'ne' ? negated : !negated;
      const operator = filter.operator === 'ne' ? 'eq' : filter.operator;
      return positive
        ? sql`${column} ${sql.raw(SQL_OPERATOR[operator])} ${filter.value}`
        : sql`(${column} ${sql.raw(NEGATED_OPERATOR[operator])} ${filter.value} or ${column} is null)`;
    }
    case 'in': {
      const column = sql.ref(c.element ?? columnInfoOf(filter.property, c.model).column);
      const list = sql.join(filter.values);
      return negated ? sql`(${column} not in (${list}) or ${column} is null)` : sql`${column} in (${list})`;
    }
    case 'like': {
      const column = sql.ref(c.element ?? columnInfoOf(filter.property, c.model).column);
      const match = sql<SqlBool>`${column} ${sql.raw(c.caps.likeOperator)} ${filter.pattern} escape ${sql.lit(LIKE_ESCAPE)}`;
      return negated ? sql`(not (${match}) or ${column} is null)` : match;
    }
    case 'lambda':
      return compileLambda(filter, negated, c);
  }
}

/**
 * `any(p)` is "some element satisfies p"; `all(p)` is "no element fails p". Negation flips between
 * "some element" and "no element", so every case is an EXISTS or NOT EXISTS over the elements.
 */
function compileLambda(
  filter: Extract<CheckedFilter, { kind: 'lambda' }>,
  negated: boolean,
  c: Context,
): RawBuilder<SqlBool> {
  const some = (filter.quantifier === 'any') !== negated;
  const failing = filter.quantifier === 'all';
  const { storage } = c.model.properties[filter.collection] as CollectionProperty;
  if ('single' in storage) {
    // The collection is the column's one value, or empty when it is NULL.
    const column = sql.ref(storage.single);
    const inner = { ...c, element: storage.single };
    if (filter.body === null) return some ? sql`${column} is not null` : sql`${column} is null`;
    return some
      ? sql`(${column} is not null and ${compile(filter.body, failing, inner)})`
      : sql`(${column} is null or ${compile(filter.body, !failing, inner)})`;
  }
  const elements = c.caps.jsonArrayElements(storage.json, ELEMENTS);
  const where =
    filter.body === null
      ? sql``
      : sql` where ${compile(filter.body, failing, { ...c, element: `${ELEMENTS}.value` })}`;
  const exists = sql<SqlBool>`exists (select 1 from ${elements}${where})`;
  return some ? exists : sql`not ${exists}`;
}
