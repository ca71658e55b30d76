import type { Random } from '../../lib/random.ts';

/** Retries on one deployment; `retries` in the routing YAML, in milliseconds. */
export interface RetryPolicy {
  /** Retries on the same deployment after a retryable failure; 0 disables retrying. */
  readonly maxRetries: number;
  /** Cap of the first backoff; each further retry doubles it. */
  readonly initialDelayMs: number;
  /** Largest backoff cap. */
  readonly maxDelayMs: number;
  /** Longest Retry-After honoured by waiting; a longer one falls back at once instead. */
  readonly retryAfterCapMs: number;
  /** Retries allowed per first attempt over the budget's 10 s window; in [0, 1]. */
  readonly budgetRatio: number;
  /** Retries always allowed per second, whatever the ratio, so that low traffic can retry. */
  readonly minRetriesPerSecond: number;
}

/** The documented defaults of `retries` (src/config/routing-schema.ts). */
export const defaultRetryPolicy: RetryPolicy = Object.freeze({
  maxRetries: 1,
  initialDelayMs: 250,
  maxDelayMs: 8000,
  retryAfterCapMs: 30_000,
  budgetRatio: 0.2,
  minRetriesPerSecond: 2,
});

/**
 * How long to wait before retry number `retryIndex` (0 for the first retry), or undefined when the
 * provider asked for a longer pause than `retryAfterCapMs` and the caller should fall back to
 * another deployment instead of waiting.
 *
 * Without a Retry-After: exponential backoff with full jitter, uniform in
 * [0, min(maxDelayMs, initialDelayMs × 2^retryIndex)), so that clients failing together do not
 * retry together. With a Retry-After (ms, from the provider) within the cap: exactly that, no
 * jitter on top. The provider named the time it will take traffic again; adding jitter would
 * only make this request later, and the retry budget, not jitter, is what bounds a retry storm.
 * A negative or non-finite `retryAfterMs` counts as absent.
 *
 * Pure apart from drawing one number from `random` (only when there is no usable Retry-After).
 * Does not check `maxRetries` or the retry budget; the caller does.
 */
export function backoffDelayMs(
  retryIndex: number,
  policy: Pick<RetryPolicy, 'initialDelayMs' | 'maxDelayMs' | 'retryAfterCapMs'>,
  random: Random,
  retryAfterMs?: number,
): number | undefined {
  if (retryAfterMs !== undefined && Number.isFinite(retryAfterMs) && retryAfterMs >= 0) {
    return retryAfterMs > policy.retryAfterCapMs ? undefined : retryAfterMs;
  }
  // 2 ** a large index is Infinity, which Math.min turns back into maxDelayMs.
  const capMs = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** Math.max(0, retryIndex));
  return random.next() * capMs;
}
