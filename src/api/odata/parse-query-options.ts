import { ApiError } from '../../errors/api-error.ts';
import { type CheckedFilter, checkFilter } from './check-filter.ts';
import { quoteInput } from './filter-syntax-error.ts';
import { parseFilter } from './parse-filter.ts';
import { MAX_ORDERBY_KEYS } from './query-limits.ts';
import type { QueryModel } from './query-model.ts';
import { decodeSkipToken, type OrderKey } from './skip-token.ts';

/** A collection request's OData query options, checked against its query model. */
export interface QueryOptions {
  filter: CheckedFilter | null;
  /** Always ends with the model's key (appended in the last key's direction if absent), so the order is total. */
  orderBy: OrderKey[];
  /** Page size: the model's default when absent, else 1..maxTop. */
  top: number;
  /** `$select`ed top-level properties; null when absent (every property). */
  select: string[] | null;
  count: boolean;
  /** Decoded `$skiptoken`: the sort-key values of the previous page's last row, aligned with orderBy. */
  after: unknown[] | null;
}

type OptionName = 'filter' | 'orderby' | 'top' | 'select' | 'count' | 'skiptoken';
const SUPPORTED = new Set<string>(['filter', 'orderby', 'top', 'select', 'count', 'skiptoken']);
const ORDER_ITEM = /^(\S+)(?:\s+(asc|desc))?$/i;
const TOP = /^\d{1,9}$/;

/**
 * Reads `$filter`, `$orderby`, `$top`, `$select`, `$count` and `$skiptoken` (names in any case) from
 * a parsed query string and checks them against the model. Any other `$` option, a repeated option
 * or a value the model does not allow is a 400; parameters without `$` are not OData's and are
 * left alone.
 */
export function parseQueryOptions(query: Record<string, unknown>, model: QueryModel): QueryOptions {
  const raw: Partial<Record<OptionName, string>> = {};
  for (const [key, value] of Object.entries(query)) {
    if (!key.startsWith('$')) continue;
    const name = key.slice(1).toLowerCase();
    if (!SUPPORTED.has(name)) {
      const hint = name === 'skip' ? ' Follow @odata.nextLink to page.' : '';
      throw new ApiError('BadRequest', `The query option ${quoteInput(key)} is not supported.${hint}`);
    }
    if (typeof value !== 'string' || raw[name as OptionName] !== undefined) {
      throw new ApiError('BadRequest', `The query option '$${name}' is given more than once.`);
    }
    raw[name as OptionName] = value;
  }
  const orderBy = parseOrderBy(raw.orderby, model);
  return {
    filter: raw.filter === undefined ? null : checkFilter(parseFilter(raw.filter), model),
    orderBy,
    top: parseTop(raw.top, model),
    select: raw.select === undefined ? null : parseSelect(raw.select, model),
    count: parseCount(raw.count),
    after: raw.skiptoken === undefined ? null : decodeSkipToken(raw.skiptoken, orderBy, model),
  };
}

function parseOrderBy(text: string | undefined, model: QueryModel): OrderKey[] {
  const keys: OrderKey[] = [];
  if (text === undefined) {
    keys.push(...model.defaultOrder);
  } else {
    const items = text.split(',').map((item) => item.trim());
    if (items.length > MAX_ORDERBY_KEYS) {
      throw new ApiError('BadRequest', `$orderby may name at most ${MAX_ORDERBY_KEYS} properties.`);
    }
    for (const item of items) {
      const m = ORDER_ITEM.exec(item);
      const property = m?.[1] ?? '';
      const declared = Object.hasOwn(model.properties, property) ? model.properties[property] : undefined;
      if (m === null || declared?.kind !== 'scalar' || declared.sort !== true) {
        const sortable = Object.entries(model.properties)
          .filter(([, p]) => p.kind === 'scalar' && p.sort === true)
          .map(([name]) => name);
        throw new ApiError(
          'BadRequest',
          `$orderby cannot sort ${model.name} by ${quoteInput(item)}. Sortable properties: ${sortable.join(', ')}; each may be followed by asc or desc.`,
        );
      }
      if (keys.some((k) => k.property === property)) {
        throw new ApiError('BadRequest', `$orderby names '${property}' more than once.`);
      }
      keys.push({ property, descending: m[2]?.toLowerCase() === 'desc' });
    }
  }
  if (!keys.some((k) => k.property === model.key.property)) {
    // The tie-breaker runs the way the last key does, so one index serves the whole order.
    keys.push({ property: model.key.property, descending: keys.at(-1)?.descending ?? false });
  }
  return keys;
}

function parseTop(text: string | undefined, model: QueryModel): number {
  if (text === undefined) return model.defaultTop;
  const top = TOP.test(text) ? Number(text) : 0;
  if (top < 1 || top > model.maxTop) {
    throw new ApiError('BadRequest', `$top must be a whole number from 1 to ${model.maxTop}.`);
  }
  return top;
}

function parseSelect(text: string, model: QueryModel): string[] {
  const names = text.split(',').map((name) => name.trim());
  for (const name of names) {
    if (!model.selectable.includes(name)) {
      throw new ApiError(
        'BadRequest',
        `$select cannot name ${quoteInput(name)} on ${model.name}. Selectable properties: ${model.selectable.join(', ')}.`,
      );
    }
  }
  return [...new Set(names)];
}

function parseCount(text: string | undefined): boolean {
  if (text === undefined) return false;
  const value = text.toLowerCase();
  if (value !== 'true' && value !== 'false')
    throw new ApiError('BadRequest', '$count must be true or false.');
  return value === 'true';
}
