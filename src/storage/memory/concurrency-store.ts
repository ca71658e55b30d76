import { systemClock, type Clock } from '../../lib/clock.ts';
import {
  validateConcurrencyAcquire,
  validateConcurrencyKeys,
  validateLeaseId,
  validateLeaseTtl,
} from '../concurrency-validation.ts';
import type {
  ConcurrencyDecision,
  ConcurrencyLease,
  ConcurrencyRequest,
  ConcurrencyStore,
} from '../ports.ts';

/** Runs `work` synchronously (so no other call interleaves) and settles a promise with it. */
function settle<T>(work: () => T): Promise<T> {
  try {
    return Promise.resolve(work());
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
}

/** Options for {@link MemoryConcurrencyStore}. */
export interface MemoryConcurrencyStoreOptions {
  /** The source of "now"; the process clock by default. */
  readonly clock?: Clock;
}

/** Below this many keys the store never sweeps: a sweep would cost more than it frees. */
const MINIMUM_SWEEP_KEYS = 1_024;

/**
 * An in-process {@link ConcurrencyStore}: exact for one gateway process. Each call runs
 * synchronously to completion, so concurrent calls never over-admit.
 *
 * Memory is bounded by the live leases: a key's expired leases are dropped whenever the key is
 * touched, a key with no leases is deleted, and keys nobody touches again are swept whenever the
 * number of keys has doubled since the last sweep (amortised O(1) per new key). A key never holds
 * more than its limit of live leases.
 */
export class MemoryConcurrencyStore implements ConcurrencyStore {
  readonly #clock: Clock;
  /** Key to its leases (lease id to expiry, ms since the epoch). */
  readonly #keys = new Map<string, Map<string, number>>();
  #sweepAt = MINIMUM_SWEEP_KEYS;

  constructor(options: MemoryConcurrencyStoreOptions = {}) {
    this.#clock = options.clock ?? systemClock;
  }

  /** The number of keys held now, expired or not (for tests and metrics). */
  get size(): number {
    return this.#keys.size;
  }

  acquire(
    requests: readonly ConcurrencyRequest[],
    lease: ConcurrencyLease,
  ): Promise<ConcurrencyDecision> {
    return settle(() => {
      validateConcurrencyAcquire(requests, lease);
      const now = this.#clock.now();
      const leases = requests.map((request) => this.#live(request.key, now));
      const allowed = requests.every((request, index) => {
        const held = leases[index];
        return held === undefined || held.has(lease.id) || held.size < request.limit;
      });
      if (allowed) {
        requests.forEach((request, index) => {
          const held = leases[index];
          if (held !== undefined) {
            held.set(lease.id, now + lease.ttlMs);
            return;
          }
          const created = new Map([[lease.id, now + lease.ttlMs]]);
          leases[index] = created;
          this.#keys.set(request.key, created);
          // The new key already holds a live lease, so the sweep keeps it.
          this.#sweepIfGrown(now);
        });
      }
      return {
        allowed,
        limits: requests.map((request, index) => ({
          key: request.key,
          limit: request.limit,
          inFlight: leases[index]?.size ?? 0,
        })),
      };
    });
  }

  release(keys: readonly string[], leaseId: string): Promise<void> {
    return settle(() => {
      validateConcurrencyKeys(keys);
      validateLeaseId(leaseId);
      const now = this.#clock.now();
      for (const key of keys) {
        const held = this.#live(key, now);
        held?.delete(leaseId);
        if (held?.size === 0) this.#keys.delete(key);
      }
    });
  }

  renew(keys: readonly string[], leaseId: string, ttlMs: number): Promise<boolean> {
    return settle(() => {
      validateConcurrencyKeys(keys);
      validateLeaseId(leaseId);
      validateLeaseTtl(ttlMs);
      const now = this.#clock.now();
      let renewed = 0;
      for (const key of keys) {
        const held = this.#live(key, now);
        if (held?.has(leaseId) === true) {
          held.set(leaseId, now + ttlMs);
          renewed += 1;
        }
      }
      return renewed === keys.length;
    });
  }

  /** The live leases of `key` after dropping expired ones; undefined (and deleted) when none. */
  #live(key: string, now: number): Map<string, number> | undefined {
    const held = this.#keys.get(key);
    if (held === undefined) return undefined;
    for (const [id, expiresAt] of held) {
      if (expiresAt <= now) held.delete(id);
    }
    if (held.size > 0) return held;
    this.#keys.delete(key);
    return undefined;
  }

  #sweepIfGrown(now: number): void {
    if (this.#keys.size < this.#sweepAt) return;
    for (const key of this.#keys.keys()) this.#live(key, now);
    this.#sweepAt = Math.max(MINIMUM_SWEEP_KEYS, 2 * this.#keys.size);
  }
}
