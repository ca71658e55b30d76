import { createHash } from 'node:crypto';
import type { ResponseCacheAddress, ResponseCacheStore, StoredCacheEntry } from '../ports.ts';

/** The slice of a node-redis client the cache store uses. */
export interface RedisCacheClient {
  mGet(keys: string[]): Promise<(string | null)[]>;
  set(key: string, value: string, options: { PXAT: number }): Promise<unknown>;
  del(keys: string[]): Promise<number>;
  scanIterator(options: { MATCH: string; COUNT: number }): AsyncIterable<string | string[]>;
}

/** A short hash of a label: keys stay fixed-length and a label can never act as a glob. */
function label(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 32);
}

/**
 * Cached answers in Redis, shared by every replica: one string per entry, expiring by Redis' own
 * TTL (size is bounded by Redis' `maxmemory` and eviction policy, e.g. `allkeys-lru`). Keys are
 * `<prefix><org hash>:<alias hash>:<scope hash>:<digest>`, so invalidation by organisation or
 * alias is a SCAN.
 */
export class RedisResponseCacheStore implements ResponseCacheStore {
  readonly #client: RedisCacheClient;
  readonly #prefix: string;

  constructor(client: RedisCacheClient, prefix = 'signalbox:cache:') {
    this.#client = client;
    this.#prefix = prefix;
  }

  #key(address: ResponseCacheAddress): string {
    return `${this.#prefix}${label(address.org)}:${label(address.alias)}:${label(address.scope)}:${address.digest}`;
  }

  async get(
    addresses: readonly ResponseCacheAddress[],
    now: number,
  ): Promise<StoredCacheEntry | undefined> {
    if (addresses.length === 0) return undefined;
    const values = await this.#client.mGet(addresses.map((address) => this.#key(address)));
    for (const [index, value] of values.entries()) {
      const address = addresses[index];
      if (value === null || address === undefined) continue;
      const split = value.indexOf('\n');
      const expiresAt = Number(value.slice(0, split));
      if (split < 0 || !(expiresAt > now)) continue;
      return { address, entry: value.slice(split + 1), expiresAt };
    }
    return undefined;
  }

  async set(entry: StoredCacheEntry): Promise<void> {
    // PXAT: Redis drops the key at the entry's own expiry time.
    await this.#client.set(this.#key(entry.address), `${String(entry.expiresAt)}\n${entry.entry}`, {
      PXAT: Math.round(entry.expiresAt),
    });
  }

  async invalidate(filter: { readonly org?: string; readonly alias?: string }): Promise<number> {
    const org = filter.org === undefined ? '*' : label(filter.org);
    const alias = filter.alias === undefined ? '*' : label(filter.alias);
    let removed = 0;
    for await (const found of this.#client.scanIterator({
      MATCH: `${this.#prefix}${org}:${alias}:*`,
      COUNT: 1000,
    })) {
      const keys = Array.isArray(found) ? found : [found];
      if (keys.length > 0) removed += await this.#client.del(keys);
    }
    return removed;
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
