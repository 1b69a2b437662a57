import type { ComponentChildren } from 'preact';
import { useId } from 'preact/hooks';
import type { ApiError } from '../api.ts';
import type { Collection } from '../use-collection.ts';

/** One column: its header, the property the server sorts it by (if any), and how a cell renders. */
export interface Column<T> {
  header: string;
  sort?: string;
  cell: (row: T) => ComponentChildren;
  className?: string;
}

/** The server-side order of a table. */
export interface SortOrder {
  property: string;
  descending: boolean;
}

/** Which rows are selected, for tables whose rows can be acted on. */
export interface Selection<T> {
  isSelected(row: T): boolean;
  toggle(row: T): void;
  /** Selects every row given, or clears them when all are already selected. */
  toggleAll(rows: T[]): void;
  label(row: T): string;
}

/** What a DataTable shows. */
export interface DataTableProps<T> {
  caption: string;
  columns: Column<T>[];
  rows: T[];
  rowKey: (row: T) => string;
  status: 'idle' | 'loading' | 'ready' | 'error';
  error: ApiError | null;
  empty: string;
  /** Rows reserved while loading, so the page does not jump when they arrive. */
  placeholderRows: number;
  sort?: SortOrder;
  onSort?: (property: string) => void;
  selection?: Selection<T>;
}

/**
 * A data table with sortable headers (buttons, `aria-sort`), optional row selection, skeleton rows
 * while loading, and clear empty and error states. It scrolls sideways on a narrow window.
 */
export function DataTable<T>(props: DataTableProps<T>) {
  const captionId = useId();
  const { columns, rows, selection, sort } = props;
  const width = columns.length + (selection ? 1 : 0);
  const allSelected =
    selection !== undefined && rows.length > 0 && rows.every((r) => selection.isSelected(r));
  let body: ComponentChildren;
  if (props.status === 'loading' || props.status === 'idle') {
    body = Array.from({ length: props.placeholderRows }, (_, i) => (
      <tr key={i} class="placeholder">
        {Array.from({ length: width }, (_, j) => (
          <td key={j}>
            <span class="skeleton" />
          </td>
        ))}
      </tr>
    ));
  } else if (props.status === 'error') {
    body = (
      <tr>
        <td colSpan={width} class="state error" role="alert">
          {props.error?.message ?? 'Something went wrong.'}
          {props.error?.code ? <span class="code"> ({props.error.code})</span> : null}
        </td>
      </tr>
    );
  } else if (rows.length === 0) {
    body = (
      <tr>
        <td colSpan={width} class="state">
          {props.empty}
        </td>
      </tr>
    );
  } else {
    body = rows.map((row) => {
      const key = props.rowKey(row);
      const selected = selection?.isSelected(row) ?? false;
      return (
        <tr key={key} class={selected ? 'selected' : undefined}>
          {selection ? (
            <td class="select">
              <input
                type="checkbox"
                checked={selected}
                onChange={() => selection.toggle(row)}
                aria-label={`Select ${selection.label(row)}`}
              />
            </td>
          ) : null}
          {columns.map((c) => (
            <td key={c.header} class={c.className}>
              {c.cell(row)}
            </td>
          ))}
        </tr>
      );
    });
  }
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be reachable by keyboard
    <section class="table-wrap reserve" aria-labelledby={captionId} tabIndex={0}>
      <table aria-busy={props.status === 'loading'}>
        <caption id={captionId}>{props.caption}</caption>
        <thead>
          <tr>
            {selection ? (
              <th scope="col" class="select">
                <input
                  type="checkbox"
                  checked={allSelected}
                  disabled={rows.length === 0}
                  onChange={() => selection.toggleAll(rows)}
                  aria-label="Select every row on this page"
                />
              </th>
            ) : null}
            {columns.map((c) => {
              const active = c.sort !== undefined && sort?.property === c.sort;
              const ariaSort = active ? (sort?.descending ? 'descending' : 'ascending') : undefined;
              return (
                <th key={c.header} scope="col" aria-sort={ariaSort} class={c.className}>
                  {c.sort && props.onSort ? (
                    <button type="button" class="sort" onClick={() => props.onSort?.(c.sort as string)}>
                      {c.header}
                      <span aria-hidden="true" class="arrow">
                        {active ? (sort?.descending ? ' ▼' : ' ▲') : ' ↕'}
                      </span>
                    </button>
                  ) : (
                    c.header
                  )}
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>{body}</tbody>
      </table>
    </section>
  );
}

/** Previous/next buttons and where the reader is, for a server-paged table. */
export function Pager(props: { collection: Collection<unknown>; pageSize: number; noun: string }) {
  const c = props.collection;
  const first = (c.pageNumber - 1) * props.pageSize + 1;
  const last = first + c.rows.length - 1;
  const range = c.rows.length === 0 ? 'none' : `${first.toLocaleString('en')}–${last.toLocaleString('en')}`;
  return (
    <nav class="pager" aria-label={`Pages of ${props.noun}`}>
      <button type="button" onClick={c.previous} disabled={!c.hasPrevious}>
        ← Previous
      </button>
      <span class="where" aria-live="polite">
        Page {c.pageNumber} · {range}
        {c.count === null ? '' : ` of ${c.count.toLocaleString('en')}`}
      </span>
      <button type="button" onClick={c.next} disabled={!c.hasNext}>
        Next →
      </button>
    </nav>
  );
}
