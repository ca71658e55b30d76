import { SlidingWindowCounter } from './sliding-window-counter.ts';

/** When a breaker opens and how it recovers; `breaker` in the routing YAML, in milliseconds. */
export interface BreakerPolicy {
  /** Window over which the failure rate is measured. */
  readonly windowMs: number;
  /** Verdicts (successes plus failures) needed in the window before the breaker may open; ≥ 1. */
  readonly minRequests: number;
  /** Failure share in (0, 1] at or above which the breaker opens. */
  readonly failureRate: number;
  /** How long an open breaker refuses traffic before it admits a probe. */
  readonly openMs: number;
  /** Consecutive successful probes that close the breaker again; ≥ 1. */
  readonly halfOpenProbes: number;
}

/** The documented defaults of `breaker` (src/config/routing-schema.ts). */
export const defaultBreakerPolicy: BreakerPolicy = Object.freeze({
  windowMs: 30_000,
  minRequests: 10,
  failureRate: 0.5,
  openMs: 30_000,
  halfOpenProbes: 1,
});

export type BreakerState = 'closed' | 'open' | 'half-open';

/**
 * Whether an attempt may go to the deployment. A probe is the one attempt a half-open breaker lets
 * through; its verdict decides whether the breaker closes or opens again. When refused,
 * `retryAtMs` is the earliest time the breaker could admit something.
 */
export type BreakerAdmission =
  | { readonly admitted: true; readonly probe: boolean }
  | { readonly admitted: false; readonly retryAtMs: number };

// Shared answers, so that the common path of an admission allocates nothing.
const admittedNormally: BreakerAdmission = Object.freeze({ admitted: true, probe: false });
const admittedAsProbe: BreakerAdmission = Object.freeze({ admitted: true, probe: true });

/**
 * A circuit breaker for one deployment: closed → open when, over a sliding window, there were at
 * least `minRequests` verdicts and failures/verdicts ≥ `failureRate` → half-open after `openMs`,
 * admitting one probe at a time → closed (with an empty window) after `halfOpenProbes`
 * consecutive probe successes, or open again for a fresh `openMs` on a probe failure.
 *
 * Guarantees: every method is O(1) amortised and allocates only when refusing; time is the
 * caller's monotonic milliseconds and is never read here. A probe slot taken `openMs` ago or more
 * counts as lost and may be taken again, so a probe that never reports cannot wedge the breaker.
 * Verdicts of non-probe attempts that arrive while the breaker is open are ignored: those
 * attempts were admitted before it opened and say nothing about recovery.
 */
export class CircuitBreaker {
  #policy: BreakerPolicy;
  #requests: SlidingWindowCounter;
  #failures: SlidingWindowCounter;
  #open = false;
  #openedAtMs = 0;
  #openUntilMs = 0;
  #probeHeld = false;
  #probeTakenAtMs = 0;
  #probeSuccesses = 0;

  constructor(policy: BreakerPolicy = defaultBreakerPolicy) {
    this.#policy = policy;
    this.#requests = new SlidingWindowCounter(policy.windowMs);
    this.#failures = new SlidingWindowCounter(policy.windowMs);
  }

  get policy(): BreakerPolicy {
    return this.#policy;
  }

  /**
   * Applies a new policy and keeps the state: an open breaker stays open until the time it was
   * given. The window keeps its counts unless its length changed, in which case it starts empty.
   */
  setPolicy(policy: BreakerPolicy): void {
    if (policy.windowMs !== this.#policy.windowMs) {
      this.#requests = new SlidingWindowCounter(policy.windowMs);
      this.#failures = new SlidingWindowCounter(policy.windowMs);
    }
    this.#policy = policy;
  }

  state(nowMs: number): BreakerState {
    if (!this.#open) {
      return 'closed';
    }
    return nowMs < this.#openUntilMs ? 'open' : 'half-open';
  }

  /** When the breaker last opened; undefined while closed. */
  get openedAtMs(): number | undefined {
    return this.#open ? this.#openedAtMs : undefined;
  }

  /** When the current open period ends and a probe may go; undefined while closed. */
  get untilMs(): number | undefined {
    return this.#open ? this.#openUntilMs : undefined;
  }

  /** Admits an attempt, taking the probe slot if the breaker is half-open and the slot is free. */
  admit(nowMs: number): BreakerAdmission {
    const admission = this.peek(nowMs);
    if (admission === admittedAsProbe) {
      this.#probeHeld = true;
      this.#probeTakenAtMs = nowMs;
    }
    return admission;
  }

  /** What `admit` would answer, without taking the probe slot. Pure. */
  peek(nowMs: number): BreakerAdmission {
    if (!this.#open) {
      return admittedNormally;
    }
    if (nowMs < this.#openUntilMs) {
      return { admitted: false, retryAtMs: this.#openUntilMs };
    }
    const lostAtMs = this.#probeTakenAtMs + this.#policy.openMs;
    if (this.#probeHeld && nowMs < lostAtMs) {
      return { admitted: false, retryAtMs: lostAtMs };
    }
    return admittedAsProbe;
  }

  /** Records a successful attempt; `probe` says whether it was admitted as the probe. */
  recordSuccess(nowMs: number, probe: boolean): void {
    if (this.#open) {
      if (probe && nowMs >= this.#openUntilMs) {
        this.#probeHeld = false;
        this.#probeSuccesses += 1;
        if (this.#probeSuccesses >= this.#policy.halfOpenProbes) {
          this.#close();
        }
      }
      return;
    }
    this.#requests.add(nowMs);
    this.#openIfDue(nowMs);
  }

  /** Records a failure that counts against the deployment; `probe` as for `recordSuccess`. */
  recordFailure(nowMs: number, probe: boolean): void {
    if (this.#open) {
      if (probe && nowMs >= this.#openUntilMs) {
        this.#openAt(nowMs);
      }
      return;
    }
    this.#requests.add(nowMs);
    this.#failures.add(nowMs);
    this.#openIfDue(nowMs);
  }

  /**
   * Frees the probe slot of a probe that ended without a verdict (the client left, or the failure
   * was the request's own fault). Does nothing for a non-probe attempt.
   */
  release(probe: boolean): void {
    if (probe) {
      this.#probeHeld = false;
    }
  }

  /** Verdicts in the window ending at `nowMs`. */
  requests(nowMs: number): number {
    return this.#requests.total(nowMs);
  }

  /** Failures in the window ending at `nowMs`. */
  failures(nowMs: number): number {
    return this.#failures.total(nowMs);
  }

  #openIfDue(nowMs: number): void {
    const requests = this.#requests.total(nowMs);
    if (
      requests >= this.#policy.minRequests &&
      this.#failures.total(nowMs) / requests >= this.#policy.failureRate
    ) {
      this.#openAt(nowMs);
    }
  }

  #openAt(nowMs: number): void {
    this.#open = true;
    this.#openedAtMs = nowMs;
    this.#openUntilMs = nowMs + this.#policy.openMs;
    this.#probeHeld = false;
    this.#probeSuccesses = 0;
  }

  #close(): void {
    this.#open = false;
    this.#probeHeld = false;
    this.#probeSuccesses = 0;
    // The failures that opened the breaker are history once probes proved it healthy again.
    this.#requests.reset();
    this.#failures.reset();
  }
}
