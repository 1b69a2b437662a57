import { useCallback, useEffect, useState } from 'preact/hooks';
import { type ApiError, getJson, localPath, type Page } from './api.ts';

/** One page of a Graph collection and the controls to move through it. */
export interface Collection<T> {
  status: 'idle' | 'loading' | 'ready' | 'error';
  rows: T[];
  /** `@odata.count` of the last page read (kept while the next one loads, so nothing jumps). */
  count: number | null;
  error: ApiError | null;
  /** 1 for the first page. */
  pageNumber: number;
  hasNext: boolean;
  hasPrevious: boolean;
  next(): void;
  previous(): void;
  reload(): void;
}

/**
 * Reads a collection page by page with the server's `@odata.nextLink`. Keyset links only go
 * forward, so the links of the pages seen are kept as a stack: "previous" pops it. A new first
 * path (other filters or order) starts again from page 1.
 */
export function useCollection<T>(firstPath: string | null): Collection<T> {
  const [stack, setStack] = useState<string[]>(firstPath ? [firstPath] : []);
  const [page, setPage] = useState<Page<T> | null>(null);
  const [count, setCount] = useState<number | null>(null);
  const [status, setStatus] = useState<Collection<T>['status']>('idle');
  const [error, setError] = useState<ApiError | null>(null);
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    setStack(firstPath ? [firstPath] : []);
  }, [firstPath]);

  const current = stack[stack.length - 1];
  useEffect(() => {
    if (current === undefined) return;
    let live = true;
    setStatus('loading');
    getJson<Page<T>>(current).then(
      (p) => {
        if (!live) return;
        setPage(p);
        if (typeof p['@odata.count'] === 'number') setCount(p['@odata.count']);
        setError(null);
        setStatus('ready');
      },
      (err: ApiError) => {
        if (!live) return;
        setPage(null);
        setError(err);
        setStatus('error');
      },
    );
    return () => {
      live = false;
    };
  }, [current, generation]);

  const nextLink = status === 'ready' ? page?.['@odata.nextLink'] : undefined;
  return {
    status,
    rows: status === 'ready' ? (page?.value ?? []) : [],
    count,
    error,
    pageNumber: stack.length,
    hasNext: nextLink !== undefined,
    hasPrevious: stack.length > 1 && status !== 'loading',
    next: useCallback(() => {
      if (nextLink) setStack((s) => [...s, localPath(nextLink)]);
    }, [nextLink]),
    previous: useCallback(() => setStack((s) => (s.length > 1 ? s.slice(0, -1) : s)), []),
    reload: useCallback(() => setGeneration((g) => g + 1), []),
  };
}
