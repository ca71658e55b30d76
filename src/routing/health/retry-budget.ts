import type { RetryPolicy } from './backoff-delay.ts';
import { SlidingWindowCounter } from './sliding-window-counter.ts';

/** The part of a retry policy the budget reads. */
export type RetryBudgetPolicy = Pick<RetryPolicy, 'budgetRatio' | 'minRetriesPerSecond'>;

/** The window a retry budget counts first attempts and retries over. */
export const retryBudgetWindowMs = 10_000;

/**
 * A retry budget for one deployment: over a sliding 10 s window, a retry is allowed only while
 * retries < budgetRatio × first attempts + minRetriesPerSecond × 10.
 *
 * Guarantees: `tryRetry` counts the retry it allows, so the bound holds at every moment: the
 * retries in the window never exceed ⌈budgetRatio × first attempts in it + minRetriesPerSecond ×
 * 10⌉. With budgetRatio ≤ 1, retries therefore never more than double the load a deployment
 * sees, plus the small floor, however many attempts fail. The window slides in 1 s buckets, so
 * an event leaves it between 9 and 10 s after it happened. O(1) amortised; no allocation after
 * construction; time is the caller's monotonic milliseconds.
 */
export class RetryBudget {
  #policy: RetryBudgetPolicy;
  readonly #firstAttempts = new SlidingWindowCounter(retryBudgetWindowMs);
  readonly #retries = new SlidingWindowCounter(retryBudgetWindowMs);

  constructor(policy: RetryBudgetPolicy) {
    this.#policy = policy;
  }

  get policy(): RetryBudgetPolicy {
    return this.#policy;
  }

  /** Applies a new policy; the counts in the window are kept. */
  setPolicy(policy: RetryBudgetPolicy): void {
    this.#policy = policy;
  }

  /** Counts a first attempt (one that is not a retry). */
  recordFirstAttempt(nowMs: number): void {
    this.#firstAttempts.add(nowMs);
  }

  /** Whether a retry fits in the budget; if it does, it is counted. */
  tryRetry(nowMs: number): boolean {
    const allowed =
      this.#policy.budgetRatio * this.#firstAttempts.total(nowMs) +
      this.#policy.minRetriesPerSecond * (retryBudgetWindowMs / 1000);
    if (this.#retries.total(nowMs) >= allowed) {
      return false;
    }
    this.#retries.add(nowMs);
    return true;
  }
}
