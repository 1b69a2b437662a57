import { useEffect, useMemo } from 'preact/hooks';
import type { SortOrder } from './components/data-table.tsx';
import { type FilterValues, PAGE_SIZES } from './components/filter-bar.tsx';
import { type HistoryMode, navigate } from './use-hash-route.ts';

/** What a report shows: its filters, its order and how many rows a page holds. */
export interface TableView {
  filters: FilterValues;
  sort: SortOrder;
  pageSize: number;
}

/** What a report's address may say, and what it shows when the address says nothing. */
export interface TableViewSpec {
  /** The properties the server sorts by; any other `sort` in an address is ignored. */
  sortable: readonly string[];
  defaultSort: SortOrder;
  /** The allowed values of each drop-down filter. */
  choices: Readonly<Record<'level' | 'state' | 'type', readonly string[]>>;
}

const DEFAULT_PAGE_SIZE = 25;
const DAY = /^\d{4}-\d\d-\d\d$/;
const MAX_SEARCH = 200;

/**
 * The view an address's query describes. A shared link may be old or edited by hand, so every value
 * is checked: what the report does not offer falls back to its default instead of asking the API
 * for a filter it would refuse.
 */
export function readTableView(query: string, spec: TableViewSpec): TableView {
  const p = new URLSearchParams(query);
  const choice = (name: 'level' | 'state' | 'type') => {
    const v = p.get(name) ?? '';
    return spec.choices[name].includes(v) ? v : '';
  };
  const day = (name: string) => {
    const v = p.get(name) ?? '';
    return DAY.test(v) ? v : '';
  };
  const property = p.get('sort');
  const sort: SortOrder =
    property !== null && spec.sortable.includes(property)
      ? { property, descending: p.get('order') === 'desc' }
      : spec.defaultSort;
  const size = Number(p.get('top'));
  return {
    filters: {
      level: choice('level'),
      state: choice('state'),
      type: choice('type'),
      from: day('from'),
      to: day('to'),
      search: (p.get('q') ?? '').trim().slice(0, MAX_SEARCH),
    },
    sort,
    pageSize: (PAGE_SIZES as readonly number[]).includes(size) ? size : DEFAULT_PAGE_SIZE,
  };
}

/** The `$orderby` of a view's order: `displayName asc`. */
export function orderByOf(sort: SortOrder): string {
  return `${sort.property} ${sort.descending ? 'desc' : 'asc'}`;
}

/** The view sorted by a column: ascending first, then the other way on each click of the same one. */
export function sortedBy(view: TableView, property: string): TableView {
  const same = view.sort.property === property;
  return { ...view, sort: { property, descending: same && !view.sort.descending } };
}

/** The query of a view, defaults left out so a plain report keeps a plain address. */
export function writeTableView(view: TableView, spec: TableViewSpec): string {
  const p = new URLSearchParams();
  const f = view.filters;
  for (const [key, value] of [
    ['level', f.level],
    ['state', f.state],
    ['type', f.type],
    ['from', f.from],
    ['to', f.to],
    ['q', f.search],
  ] as const) {
    if (value !== '') p.set(key, value);
  }
  const d = spec.defaultSort;
  if (view.sort.property !== d.property || view.sort.descending !== d.descending) {
    p.set('sort', view.sort.property);
    p.set('order', view.sort.descending ? 'desc' : 'asc');
  }
  if (view.pageSize !== DEFAULT_PAGE_SIZE) p.set('top', String(view.pageSize));
  return p.toString();
}

function hrefOf(page: string, query: string): string {
  return `#/${page}${query === '' ? '' : `?${query}`}`;
}

// The view each report last showed in this tab, for links back to it from elsewhere in the console.
const lastQueries = new Map<string, string>();

/** The address of a report as it was last seen in this tab (`#/risky?level=high`), or its plain one. */
export function reportHref(page: string): string {
  return hrefOf(page, lastQueries.get(page) ?? '');
}

/**
 * A report's view, kept in the address (`#/risky?level=high&sort=displayName&order=asc&top=10`) so
 * a reload or a shared link shows the same rows and Back returns to the previous filter. The address
 * is the only copy: changing the view navigates, and the page renders what the address says.
 */
export function useTableView(
  page: string,
  query: string,
  spec: TableViewSpec,
): [TableView, (next: TableView, mode: HistoryMode) => void] {
  const view = useMemo(() => readTableView(query, spec), [query, spec]);
  useEffect(() => {
    lastQueries.set(page, writeTableView(view, spec));
  }, [page, view, spec]);
  const change = (next: TableView, mode: HistoryMode) =>
    navigate(hrefOf(page, writeTableView(next, spec)), mode);
  return [view, change];
}
