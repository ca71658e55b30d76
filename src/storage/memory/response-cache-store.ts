import type { ResponseCacheAddress, ResponseCacheStore, StoredCacheEntry } from '../ports.ts';

/** The map key of an address: scope and digest (the digest already covers the scope). */
function mapKey(address: ResponseCacheAddress): string {
  return `${address.scope}\u0000${address.digest}`;
}

/**
 * Cached answers in this process: a map in least-recently-used order (a hit moves its entry to
 * the end), bounded by entry count and by the total characters of the stored entries; expired
 * entries are dropped when met. Lookups are synchronous map reads.
 */
export class MemoryResponseCacheStore implements ResponseCacheStore {
  readonly #entries = new Map<string, StoredCacheEntry>();
  readonly #maxEntries: number;
  readonly #maxChars: number;
  #chars = 0;

  constructor(options: { readonly maxEntries: number; readonly maxChars: number }) {
    this.#maxEntries = options.maxEntries;
    this.#maxChars = options.maxChars;
  }

  get size(): number {
    return this.#entries.size;
  }

  get(
    addresses: readonly ResponseCacheAddress[],
    now: number,
  ): Promise<StoredCacheEntry | undefined> {
    for (const address of addresses) {
      const key = mapKey(address);
      const stored = this.#entries.get(key);
      if (stored === undefined) continue;
      this.#entries.delete(key);
      if (stored.expiresAt <= now) {
        this.#chars -= stored.entry.length;
        continue;
      }
      this.#entries.set(key, stored);
      return Promise.resolve(stored);
    }
    return Promise.resolve(undefined);
  }

  /** Entries are kept in the order of their use, so the time of use is not needed. */
  set(entry: StoredCacheEntry): Promise<void> {
    const key = mapKey(entry.address);
    const previous = this.#entries.get(key);
    if (previous !== undefined) {
      this.#entries.delete(key);
      this.#chars -= previous.entry.length;
    }
    this.#entries.set(key, entry);
    this.#chars += entry.entry.length;
    for (const [oldest, stored] of this.#entries) {
      if (this.#entries.size <= this.#maxEntries && this.#chars <= this.#maxChars) break;
      this.#entries.delete(oldest);
      this.#chars -= stored.entry.length;
    }
    return Promise.resolve();
  }

  invalidate(filter: { readonly org?: string; readonly alias?: string }): Promise<number> {
    let removed = 0;
    for (const [key, stored] of this.#entries) {
      if (filter.org !== undefined && stored.address.org !== filter.org) continue;
      if (filter.alias !== undefined && stored.address.alias !== filter.alias) continue;
      this.#entries.delete(key);
      this.#chars -= stored.entry.length;
      removed += 1;
    }
    return Promise.resolve(removed);
  }

  close(): Promise<void> {
    this.#entries.clear();
    this.#chars = 0;
    return Promise.resolve();
  }
}
