import { useCallback, useEffect, useState } from 'preact/hooks';
import { ApiError } from './api.ts';

/** The state of one asynchronous read. */
export interface Loaded<T> {
  status: 'loading' | 'ready' | 'error';
  data: T | null;
  error: ApiError | null;
  reload(): void;
}

/** Runs `load` when its dependencies change, and keeps its outcome; a stale answer is dropped. */
export function useLoad<T>(load: () => Promise<T>, deps: readonly unknown[]): Loaded<T> {
  const [state, setState] = useState<Omit<Loaded<T>, 'reload'>>({
    status: 'loading',
    data: null,
    error: null,
  });
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, status: 'loading' }));
    load().then(
      (data) => live && setState({ status: 'ready', data, error: null }),
      (err: unknown) =>
        live &&
        setState({
          status: 'error',
          data: null,
          error: err instanceof ApiError ? err : new ApiError(0, 'Error', String(err)),
        }),
    );
    return () => {
      live = false;
    };
  }, [...deps, generation]);
  return { ...state, reload: useCallback(() => setGeneration((g) => g + 1), []) };
}
