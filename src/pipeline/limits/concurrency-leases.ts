import { GatewayError } from '../../errors/gateway-error.ts';
import type { ConcurrencyRequest, ConcurrencyStore } from '../../storage/ports.ts';
import {
  limitSubjectOf,
  type RateLimitRuleInput,
  type RateLimitSubject,
} from './enforce-rate-limits.ts';

export interface ConcurrencyLeasesOptions {
  readonly store: ConcurrencyStore;
  /** How long a lease counts without renewal: how soon a crashed process's slots free up. */
  readonly ttlMs: number;
  /** How often live leases are renewed (well under `ttlMs`). */
  readonly renewEveryMs: number;
  readonly onRenewFailed: (error: unknown) => void;
}

/** A held slot; `release` frees it (once; later calls do nothing). */
export interface HeldConcurrency {
  release(): void;
}

const nothingHeld: HeldConcurrency = { release: () => undefined };

/**
 * Concurrency limits (`max_concurrent` in `limits:`): a request holds a lease on every limit that
 * applies to it, all or none, until it is over (a stream until its end). Leases expire unless
 * renewed, so a process that dies frees its slots within `ttlMs`; this one renews its live
 * leases every `renewEveryMs`.
 */
export class ConcurrencyLeases {
  readonly #options: ConcurrencyLeasesOptions;
  readonly #live = new Map<string, readonly string[]>();
  readonly #timer: NodeJS.Timeout;

  constructor(options: ConcurrencyLeasesOptions) {
    this.#options = options;
    this.#timer = setInterval(() => void this.#renewAll(), options.renewEveryMs);
    this.#timer.unref();
  }

  /**
   * Takes a slot under every rule with `maxConcurrent` that applies to `subject`, for `leaseId`.
   * Throws `GatewayError` `SB_ERR_RATE_LIMITED` (Retry-After 1 s) when one is full, and whatever
   * the store rejects with.
   */
  async acquire(
    rules: readonly RateLimitRuleInput[],
    subject: RateLimitSubject,
    leaseId: string,
  ): Promise<HeldConcurrency> {
    const requests: ConcurrencyRequest[] = [];
    const names: string[] = [];
    for (const rule of rules) {
      if (rule.maxConcurrent === undefined) continue;
      const subjectId = limitSubjectOf(rule, subject);
      if (subjectId === undefined) continue;
      requests.push({
        key: `concurrent:${rule.scope}:${rule.match ?? '*'}:${subjectId}`,
        limit: rule.maxConcurrent,
      });
      names.push(`${rule.scope} concurrency`);
    }
    if (requests.length === 0) return nothingHeld;
    const decision = await this.#options.store.acquire(requests, {
      id: leaseId,
      ttlMs: this.#options.ttlMs,
    });
    if (!decision.allowed) {
      const full = names.filter((_, index) => {
        const state = decision.limits[index];
        return state !== undefined && state.inFlight >= state.limit;
      });
      throw new GatewayError('SB_ERR_RATE_LIMITED', {
        detail: `Limit: ${[...new Set(full)].join(', ')}.`,
        retryAfterSeconds: 1,
      });
    }
    const keys = requests.map((request) => request.key);
    this.#live.set(leaseId, keys);
    return {
      release: () => {
        if (!this.#live.delete(leaseId)) return;
        this.#options.store.release(keys, leaseId).catch(() => undefined);
      },
    };
  }

  /** Stops renewing (at shutdown). */
  stop(): void {
    clearInterval(this.#timer);
  }

  async #renewAll(): Promise<void> {
    for (const [leaseId, keys] of this.#live) {
      try {
        await this.#options.store.renew(keys, leaseId, this.#options.ttlMs);
      } catch (error) {
        this.#options.onRenewFailed(error);
      }
    }
  }
}
