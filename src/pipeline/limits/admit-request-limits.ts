import type { RateLimitStore } from '../../storage/ports.ts';
import type { ConcurrencyLeases } from './concurrency-leases.ts';
import {
  enforceRateLimits,
  type RateLimitRuleInput,
  type RateLimitSubject,
} from './enforce-rate-limits.ts';

/** Where limits are counted: rates in a rate-limit store, in-flight requests as leases. */
export interface LimitStores {
  readonly rateLimits: RateLimitStore;
  readonly concurrency: ConcurrencyLeases;
}

/** An admitted request (or attempt): its `x-ratelimit-*` headers and its release. */
export interface LimitAdmission {
  readonly headers: Readonly<Record<string, string>>;
  /**
   * Frees its concurrency slots and corrects its token limits by the actual tokens (0 refunds
   * the estimate; undefined keeps it). Call once, when the request or attempt is over.
   */
  release(actualTokens: number | undefined): void;
}

/**
 * Checks every rate and concurrency limit among `rules` that applies to `subject`: the rates
 * are charged all at once, then a slot is taken on every concurrency limit, all at once; when a
 * concurrency limit is full the rates are refunded. Throws `GatewayError` as the limits do
 * (`SB_ERR_RATE_LIMITED` with Retry-After).
 */
export async function admitLimits(
  stores: LimitStores,
  rules: readonly RateLimitRuleInput[],
  subject: RateLimitSubject,
  estimatedTokens: number,
  leaseId: string,
): Promise<LimitAdmission> {
  const rates = await enforceRateLimits(stores.rateLimits, rules, subject, estimatedTokens);
  let slots;
  try {
    slots = await stores.concurrency.acquire(rules, subject, leaseId);
  } catch (error) {
    void rates.settle(0);
    throw error;
  }
  const held = slots;
  return {
    headers: rates.headers,
    release(actualTokens) {
      held.release();
      void rates.settle(actualTokens);
    },
  };
}
