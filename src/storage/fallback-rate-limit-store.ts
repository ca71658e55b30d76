import { systemClock, type Clock } from '../lib/clock.ts';
import { oncePerInterval } from '../lib/once-per-interval.ts';
import type {
  RateLimitAdjustment,
  RateLimitDecision,
  RateLimitRequest,
  RateLimitState,
  RateLimitStore,
} from './ports.ts';
import { redisDeadlineMs, withRedisDeadline } from './redis/redis-deadline.ts';

/** Options for {@link FallbackRateLimitStore}. */
export interface FallbackRateLimitStoreOptions {
  /** The shared store (Redis). */
  readonly primary: RateLimitStore;
  /** The process-local store used while the primary fails. */
  readonly local: RateLimitStore;
  /** How many processes share the limits; each enforces 1/replicas locally. */
  readonly replicas: number;
  /** Called at most once per minute while the primary fails. */
  readonly onFailure: (error: unknown) => void;
  readonly clock?: Clock;
  /**
   * How long a primary call may take before it counts as a failure (default 1 s): a paused
   * Redis answers nothing, and requests must not wait for it. A charge that reaches the primary
   * after its deadline is kept there (conservative).
   */
  readonly primaryTimeoutMs?: number;
}

/** A limit scaled to one process's share, rounded up, at least 1. */
function share(value: number, replicas: number): number {
  return Math.max(1, Math.ceil(value / replicas));
}

/**
 * A {@link RateLimitStore} that uses a shared store and, when it rejects or does not answer within
 * `primaryTimeoutMs` (Redis unreachable or paused),
 * answers from a local store with every limit and burst divided by the number of replicas: a
 * conservative local share, so the fleet as a whole stays near the global limit. Invalid input
 * (`RangeError`) is rethrown, not masked.
 */
export class FallbackRateLimitStore implements RateLimitStore {
  readonly #options: FallbackRateLimitStoreOptions;
  readonly #timeoutMs: number;
  /** Reports a failure of the shared store at most once a minute. */
  readonly #warn: (error: unknown) => void;

  constructor(options: FallbackRateLimitStoreOptions) {
    this.#options = options;
    this.#warn = oncePerInterval<unknown>(options.clock ?? systemClock, 60_000, (error) => {
      options.onFailure(error);
    });
    this.#timeoutMs = options.primaryTimeoutMs ?? redisDeadlineMs;
  }

  async acquire(requests: readonly RateLimitRequest[]): Promise<RateLimitDecision> {
    try {
      return await withRedisDeadline(this.#options.primary.acquire(requests), this.#timeoutMs);
    } catch (error) {
      this.#failed(error);
      const replicas = this.#options.replicas;
      return this.#options.local.acquire(
        requests.map((request) => ({
          ...request,
          limit: share(request.limit, replicas),
          burst: share(request.burst, replicas),
        })),
      );
    }
  }

  async adjust(adjustments: readonly RateLimitAdjustment[]): Promise<RateLimitState[]> {
    try {
      return await withRedisDeadline(this.#options.primary.adjust(adjustments), this.#timeoutMs);
    } catch (error) {
      this.#failed(error);
      const replicas = this.#options.replicas;
      return this.#options.local.adjust(
        adjustments.map((adjustment) => ({
          ...adjustment,
          limit: share(adjustment.limit, replicas),
          burst: share(adjustment.burst, replicas),
        })),
      );
    }
  }

  #failed(error: unknown): void {
    if (error instanceof RangeError) throw error;
    this.#warn(error);
  }
}
