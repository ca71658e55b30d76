/** What the client asked of the cache for one request. */
export interface CacheDirectives {
  /** Serve from the cache when an entry exists (false for `Cache-Control: no-cache`). */
  readonly read: boolean;
  /** Store the fresh answer (false for `no-store` or `x-signalbox-cache-ttl: 0`). */
  readonly write: boolean;
  /** The client's TTL for the stored answer, in milliseconds, if it gave one. */
  readonly ttlMs: number | undefined;
}

/** The header a client sets a stored answer's TTL with, in seconds (0: do not store). */
export const cacheTtlHeader = 'x-signalbox-cache-ttl';

type Headers = Readonly<Record<string, string | string[] | undefined>>;

function headerText(headers: Headers, name: string): string {
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : (value ?? '');
}

/**
 * Reads `Cache-Control` (`no-store`: neither read nor write; `no-cache`: do not read, but store
 * the fresh answer) and `x-signalbox-cache-ttl` (whole seconds, at most `maxTtlMs`). Throws
 * `RangeError` for a TTL that is not a whole number of seconds. Pure.
 */
export function readCacheDirectives(headers: Headers, maxTtlMs: number): CacheDirectives {
  const control = headerText(headers, 'cache-control')
    .split(',')
    .map((directive) => directive.trim().toLowerCase());
  const noStore = control.includes('no-store');
  const noCache = noStore || control.includes('no-cache') || control.includes('max-age=0');
  const ttlText = headerText(headers, cacheTtlHeader).trim();
  let ttlMs: number | undefined;
  if (ttlText !== '') {
    if (!/^\d{1,10}$/.test(ttlText)) {
      throw new RangeError(`${cacheTtlHeader} must be a whole number of seconds`);
    }
    ttlMs = Math.min(Number(ttlText) * 1000, maxTtlMs);
  }
  return { read: !noCache, write: !noStore && ttlMs !== 0, ttlMs };
}
