import { useEffect, useState } from 'preact/hooks';

/** The console's place: `#/risky`, `#/detections`, `#/principals/<id>`, `#/conditional-access`. */
export interface Route {
  page: string;
  id: string | null;
}

function parse(hash: string): Route {
  const [page = 'risky', id = null] = hash.replace(/^#\/?/, '').split('/').filter(Boolean);
  return { page, id: id === null ? null : decodeURIComponent(id) };
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
      if (location.hash.startsWith('#/') || location.hash === '') setRoute(parse(location.hash));
    };
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}
