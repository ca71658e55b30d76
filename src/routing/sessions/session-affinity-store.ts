/** Where a conversation was last served, and when. */
export interface WarmSession {
  readonly deploymentId: string;
  readonly servedAtMs: number;
}

/**
 * Which deployment served each conversation last, so later turns can stay where the provider's
 * prompt cache is warm. In memory, bounded: the oldest entries go first once `maxEntries` are
 * kept, and entries older than the group's time to live are ignored. One per gateway process
 * (replicas each keep their own; a conversation moved to another replica starts cold there).
 */
export class SessionAffinityStore {
  readonly #entries = new Map<string, WarmSession>();
  readonly #maxEntries: number;

  constructor(maxEntries = 100_000) {
    this.#maxEntries = maxEntries;
  }

  /** The deployment that served `key` within the last `ttlMs`, if any. */
  warm(key: string, nowMs: number, ttlMs: number): WarmSession | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    if (nowMs - entry.servedAtMs > ttlMs) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry;
  }

  /** Records that `deploymentId` served `key` now (its prompt cache now holds the prefix). */
  remember(key: string, deploymentId: string, nowMs: number): void {
    // Re-inserting moves the key to the end of the map's order: the map is kept oldest first.
    this.#entries.delete(key);
    this.#entries.set(key, { deploymentId, servedAtMs: nowMs });
    if (this.#entries.size > this.#maxEntries) {
      const oldest = this.#entries.keys().next();
      if (oldest.done !== true) this.#entries.delete(oldest.value);
    }
  }

  get size(): number {
    return this.#entries.size;
  }
}
