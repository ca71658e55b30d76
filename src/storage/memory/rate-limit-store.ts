import { systemClock, type Clock } from '../../lib/clock.ts';
import type {
  RateLimitAdjustment,
  RateLimitDecision,
  RateLimitRequest,
  RateLimitState,
  RateLimitStore,
} from '../ports.ts';
import {
  gcraAcquire,
  gcraAdjust,
  validateRateLimitAdjustments,
  validateRateLimitRequests,
} from '../rate-limit-gcra.ts';

/** Runs `work` synchronously (so no other call interleaves) and settles a promise with it. */
function settle<T>(work: () => T): Promise<T> {
  try {
    return Promise.resolve(work());
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
}

/** Options for {@link MemoryRateLimitStore}. */
export interface MemoryRateLimitStoreOptions {
  /** The source of "now"; the process clock by default. */
  readonly clock?: Clock;
  /** The most keys held at once (default 100 000). */
  readonly maxKeys?: number;
}

/**
 * An in-process {@link RateLimitStore}: exact GCRA for one gateway process. Each call runs
 * synchronously to completion, so concurrent calls never over-admit.
 *
 * Memory is bounded: a key whose TAT has passed is equivalent to an unknown key and is not kept;
 * keys are held in least-recently-charged order, and when `maxKeys` would be exceeded, expired keys
 * are dropped from the old end and then, if still full, the least recently charged key is
 * forgotten (it fails open for that key: its remaining debt is forgiven). Amortised O(1).
 */
export class MemoryRateLimitStore implements RateLimitStore {
  readonly #clock: Clock;
  readonly #maxKeys: number;
  /** Key to TAT (ms since the epoch), in least-recently-written order. */
  readonly #tats = new Map<string, number>();

  constructor(options: MemoryRateLimitStoreOptions = {}) {
    this.#clock = options.clock ?? systemClock;
    this.#maxKeys = options.maxKeys ?? 100_000;
    if (!Number.isSafeInteger(this.#maxKeys) || this.#maxKeys < 1) {
      throw new RangeError('maxKeys must be a positive integer.');
    }
  }

  /** The number of keys held now (for tests and metrics). */
  get size(): number {
    return this.#tats.size;
  }

  acquire(requests: readonly RateLimitRequest[]): Promise<RateLimitDecision> {
    return settle(() => {
      validateRateLimitRequests(requests);
      const now = this.#clock.now();
      const result = gcraAcquire(now, requests, this.#read(requests, now));
      if (result.tats !== undefined) this.#write(requests, result.tats, now);
      return result.decision;
    });
  }

  adjust(adjustments: readonly RateLimitAdjustment[]): Promise<RateLimitState[]> {
    return settle(() => {
      validateRateLimitAdjustments(adjustments);
      const now = this.#clock.now();
      const result = gcraAdjust(now, adjustments, this.#read(adjustments, now));
      this.#write(adjustments, result.tats, now);
      return result.states;
    });
  }

  #read(limits: readonly { readonly key: string }[], now: number): (number | undefined)[] {
    return limits.map(({ key }) => {
      const tat = this.#tats.get(key);
      return tat === undefined || tat <= now ? undefined : tat;
    });
  }

  #write(limits: readonly { readonly key: string }[], tats: readonly number[], now: number): void {
    limits.forEach(({ key }, index) => {
      const tat = tats[index] ?? now;
      this.#tats.delete(key);
      if (tat > now) {
        this.#makeRoom(now);
        this.#tats.set(key, tat);
      }
    });
  }

  #makeRoom(now: number): void {
    for (const [key, tat] of this.#tats) {
      if (this.#tats.size < this.#maxKeys && tat > now) return;
      // Expired keys cluster at the old end because they were written longest ago; a live key
      // there is evicted only when the map is full.
      this.#tats.delete(key);
    }
  }
}
