import { useEffect, useState } from 'react';

/** The current hash route as path segments: `#/requests/abc` → `['requests', 'abc']`. */
export function useHashRoute(): readonly string[] {
  const [hash, setHash] = useState(() => window.location.hash);
  useEffect(() => {
    const update = (): void => setHash(window.location.hash);
    window.addEventListener('hashchange', update);
    return () => window.removeEventListener('hashchange', update);
  }, []);
  return hash
    .replace(/^#\/?/, '')
    .split('/')
    .filter((segment) => segment !== '')
    .map((segment) => decodeURIComponent(segment));
}

/** The href of a console route; segments are encoded so ids cannot add segments. */
export function routeHref(...segments: readonly string[]): string {
  return `#/${segments.map((segment) => encodeURIComponent(segment)).join('/')}`;
}
