import { useEffect, useState } from 'preact/hooks';

/**
 * The console's place: `#/risky`, `#/detections`, `#/principals/<id>`, `#/conditional-access`, with
 * an optional `?query` after the path (a report's filters, order and page size).
 */
export interface Route {
  page: string;
  id: string | null;
  /** What follows `?` in the fragment, undecoded; empty when there is none. */
  query: string;
}

function parse(hash: string): Route {
  const body = hash.replace(/^#\/?/, '');
  const at = body.indexOf('?');
  const path = at < 0 ? body : body.slice(0, at);
  const [page = 'risky', id = null] = path.split('/').filter(Boolean);
  return {
    page,
    id: id === null ? null : decodeURIComponent(id),
    query: at < 0 ? '' : body.slice(at + 1),
  };
}

/**
 * How a change of place enters the browser's history: `push` adds an entry (Back returns to the
 * place before), `replace` changes the current one, and `typing` adds one entry for a run of
 * keystrokes and then keeps replacing it, so Back skips the letters typed but not the search.
 */
export type HistoryMode = 'push' | 'replace' | 'typing';

interface EntryState {
  vigilTyping?: boolean;
}

const listeners = new Set<() => void>();

function typingEntry(): boolean {
  return (history.state as EntryState | null)?.vigilTyping === true;
}

/**
 * Moves to a `#/…` place through the History API. pushState and replaceState fire no event, so every
 * useHashRoute is told here.
 */
export function navigate(hash: string, mode: HistoryMode): void {
  const typing = mode === 'typing';
  if (hash === location.hash) {
    // The same place committed (Enter on a search already applied): the next keystroke starts a new entry.
    if (!typing && typingEntry()) history.replaceState(null, '', hash);
    return;
  }
  const state: EntryState | null = typing ? { vigilTyping: true } : null;
  if (mode === 'replace' || (typing && typingEntry())) history.replaceState(state, '', hash);
  else history.pushState(state, '', hash);
  for (const listener of listeners) listener();
}

/**
 * The route from the address's fragment. Hash routes keep every console URL at `/` on the server,
 * so no console path can shadow an API route.
 */
export function useHashRoute(): Route {
  const [route, setRoute] = useState(() => parse(location.hash));
  useEffect(() => {
    // Only `#/…` is a route: `#main` (the skip link) moves focus and leaves the page as it is.
    const onChange = () => {
      if (!location.hash.startsWith('#/') && location.hash !== '') return;
      const next = parse(location.hash);
      setRoute((r) => (r.page === next.page && r.id === next.id && r.query === next.query ? r : next));
    };
    // Back and Forward fire popstate (and hashchange when the fragment differs); a typed address fires both.
    window.addEventListener('hashchange', onChange);
    window.addEventListener('popstate', onChange);
    listeners.add(onChange);
    return () => {
      window.removeEventListener('hashchange', onChange);
      window.removeEventListener('popstate', onChange);
      listeners.delete(onChange);
    };
  }, []);
  return route;
}
