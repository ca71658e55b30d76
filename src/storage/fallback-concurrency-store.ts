import { systemClock, type Clock } from '../lib/clock.ts';
import { oncePerInterval } from '../lib/once-per-interval.ts';
import type {
  ConcurrencyDecision,
  ConcurrencyLease,
  ConcurrencyRequest,
  ConcurrencyStore,
} from './ports.ts';
import { redisDeadlineMs, withRedisDeadline } from './redis/redis-deadline.ts';

/** Options for {@link FallbackConcurrencyStore}. */
export interface FallbackConcurrencyStoreOptions {
  /** The shared store (Redis). */
  readonly primary: ConcurrencyStore;
  /** The process-local store used while the primary fails. */
  readonly local: ConcurrencyStore;
  /** How many processes share the limits; each enforces 1/replicas locally. */
  readonly replicas: number;
  /** Called at most once per minute while the primary fails. */
  readonly onFailure: (error: unknown) => void;
  readonly clock?: Clock;
  /** The most lease ids remembered at once (default 100 000); the oldest is forgotten first. */
  readonly maxLeases?: number;
  /**
   * How long a primary call may take before it counts as a failure (default 1 s): a paused
   * Redis answers nothing, and requests must not wait for it. A lease the primary grants after
   * its deadline is released there at once (nobody holds it).
   */
  readonly primaryTimeoutMs?: number;
}

/** Which store admitted a lease. */
type Holder = 'primary' | 'local';

/** A limit scaled to one process's share, rounded up, at least 1. */
function share(value: number, replicas: number): number {
  return Math.max(1, Math.ceil(value / replicas));
}

/**
 * A {@link ConcurrencyStore} that uses a shared store and, when it rejects or does not answer
 * within `primaryTimeoutMs` (Redis unreachable or paused),
 * admits from a local store with every limit divided by the number of replicas (rounded up, at
 * least 1): a conservative local share, so the fleet as a whole stays near the global limit.
 * Invalid input (`RangeError`) is rethrown, not masked.
 *
 * It remembers which store admitted each lease id, so `release` and `renew` go to that store. A
 * lease it does not know (forgotten because more than `maxLeases` were held, or admitted through
 * another instance) goes to both. `release` and `renew` never reject on a primary failure: the
 * lease then simply expires at its TTL, and `renew` resolves false. A primary call that failed
 * after Redis had in fact admitted the lease leaves a lease there that also expires at its TTL.
 */
export class FallbackConcurrencyStore implements ConcurrencyStore {
  readonly #options: FallbackConcurrencyStoreOptions;
  readonly #clock: Clock;
  readonly #maxLeases: number;
  readonly #timeoutMs: number;
  /** Lease id to the store that admitted it, oldest first. */
  readonly #holders = new Map<string, Holder>();
  /** Reports a failure of the shared store at most once a minute. */
  readonly #warn: (error: unknown) => void;

  constructor(options: FallbackConcurrencyStoreOptions) {
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
    this.#warn = oncePerInterval<unknown>(this.#clock, 60_000, (error) => {
      options.onFailure(error);
    });
    this.#maxLeases = options.maxLeases ?? 100_000;
    this.#timeoutMs = options.primaryTimeoutMs ?? redisDeadlineMs;
    if (!Number.isSafeInteger(this.#maxLeases) || this.#maxLeases < 1) {
      throw new RangeError('maxLeases must be a positive integer.');
    }
  }

  /** The number of lease ids remembered now (for tests and metrics). */
  get rememberedLeases(): number {
    return this.#holders.size;
  }

  async acquire(
    requests: readonly ConcurrencyRequest[],
    lease: ConcurrencyLease,
  ): Promise<ConcurrencyDecision> {
    let holder: Holder = 'primary';
    let decision: ConcurrencyDecision;
    try {
      const keys = requests.map((request) => request.key);
      decision = await withRedisDeadline(
        this.#options.primary.acquire(requests, lease),
        this.#timeoutMs,
        (late) => {
          if (late.allowed) this.#options.primary.release(keys, lease.id).catch(() => undefined);
        },
      );
    } catch (error) {
      this.#failed(error);
      holder = 'local';
      const replicas = this.#options.replicas;
      decision = await this.#options.local.acquire(
        requests.map((request) => ({ ...request, limit: share(request.limit, replicas) })),
        lease,
      );
    }
    if (decision.allowed) this.#remember(lease.id, holder);
    return decision;
  }

  async release(keys: readonly string[], leaseId: string): Promise<void> {
    const holder = this.#holders.get(leaseId);
    if (holder !== 'primary') await this.#options.local.release(keys, leaseId);
    if (holder !== 'local') {
      try {
        await withRedisDeadline(this.#options.primary.release(keys, leaseId), this.#timeoutMs);
      } catch (error) {
        this.#failed(error);
      }
    }
    this.#holders.delete(leaseId);
  }

  async renew(keys: readonly string[], leaseId: string, ttlMs: number): Promise<boolean> {
    const holder = this.#holders.get(leaseId);
    let renewed = false;
    if (holder !== 'primary') renewed = await this.#options.local.renew(keys, leaseId, ttlMs);
    if (holder !== 'local') {
      try {
        const primary = this.#options.primary.renew(keys, leaseId, ttlMs);
        renewed = (await withRedisDeadline(primary, this.#timeoutMs)) || renewed;
      } catch (error) {
        this.#failed(error);
      }
    }
    // A lease that could not be renewed is forgotten: a later release then goes to both stores.
    if (holder !== undefined && renewed) this.#remember(leaseId, holder);
    else this.#holders.delete(leaseId);
    return renewed;
  }

  /** Records the holder as the newest entry, forgetting the oldest beyond `maxLeases`. */
  #remember(leaseId: string, holder: Holder): void {
    this.#holders.delete(leaseId);
    this.#holders.set(leaseId, holder);
    for (const oldest of this.#holders.keys()) {
      if (this.#holders.size <= this.#maxLeases) break;
      this.#holders.delete(oldest);
    }
  }

  #failed(error: unknown): void {
    if (error instanceof RangeError) throw error;
    this.#warn(error);
  }
}
