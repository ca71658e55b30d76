import type { Clock } from '../../lib/clock.ts';
import { maxRetryAfterSeconds } from '../../lib/parse-retry-after.ts';
import type { DeploymentLoad } from '../deployment-load.ts';
import type { ErrorClass } from '../error-class.ts';
import { AttemptTicket } from './attempt-ticket.ts';
import { defaultRetryPolicy } from './backoff-delay.ts';
import {
  CircuitBreaker,
  defaultBreakerPolicy,
  type BreakerPolicy,
  type BreakerState,
} from './circuit-breaker.ts';
import { DecayingAverage } from './decaying-average.ts';
import { failureEffect } from './failure-effect.ts';
import { RetryBudget, type RetryBudgetPolicy } from './retry-budget.ts';
import { SlidingWindowCounter } from './sliding-window-counter.ts';

/** The policies a deployment's health follows; from the routing defaults of the configuration. */
export interface HealthPolicies {
  readonly breaker: BreakerPolicy;
  readonly retries: RetryBudgetPolicy;
  /** How long a rate-limited deployment is skipped when the provider gave no Retry-After. */
  readonly cooldownMs: number;
}

/** The documented defaults (src/config/routing-schema.ts). */
export const defaultHealthPolicies: HealthPolicies = Object.freeze({
  breaker: defaultBreakerPolicy,
  retries: defaultRetryPolicy,
  cooldownMs: 5000,
});

/** The longest cooldown a Retry-After can impose, the same ceiling the gateway reads it with. */
const maxCooldownMs = maxRetryAfterSeconds * 1000;

/** The window of `requestsLastMinute` and `tokensLastMinute`. */
const loadWindowMs = 60_000;

/**
 * Whether planning may choose a deployment now. When not, `untilMs` (monotonic) is the earliest
 * time it could be chosen again, and `reason` names what holds it back until then.
 */
export type DeploymentAvailability =
  | { readonly available: true }
  | {
      readonly available: false;
      readonly reason: 'circuit-open' | 'cooling-down';
      readonly untilMs: number;
    };

const available: DeploymentAvailability = Object.freeze({ available: true });

/** A deployment's health for GET /admin/deployments. Times are wall-clock epoch milliseconds. */
export interface DeploymentHealthView {
  readonly id: string;
  readonly circuit: BreakerState;
  /** When an open circuit will let a probe through; only while `circuit` is `open`. */
  readonly circuitUntilMs?: number;
  /** When a rate-limit cooldown ends; only while cooling down. */
  readonly coolingDownUntilMs?: number;
  readonly latencyEwmaMs: number | undefined;
  readonly inFlight: number;
  readonly requestsLastMinute: number;
  readonly tokensLastMinute: number;
  /**
   * Failures over verdicts in the breaker's window, as the breaker counts them (request faults
   * and rate limits excluded); 0 without verdicts. Starts again from 0 when the breaker closes.
   */
  readonly errorRate: number;
  /** Failures counting against the deployment since its last success. */
  readonly consecutiveFailures: number;
}

/**
 * The health and load of one deployment: its circuit breaker, retry budget, rate-limit cooldown,
 * time-to-first-byte average, in-flight count, and requests and tokens over the last minute.
 *
 * Guarantees: every method is O(1) amortised; `begin` allocates its ticket, `load` and `view` their
 * answer, and nothing else allocates on the request path. All `nowMs` arguments are the caller's
 * `clock.monotonic()` readings; the clock is read only by `view`, to show times as wall-clock.
 * Reporting is idempotent per ticket, and tickets issued by another `DeploymentHealth` (say, one
 * dropped by a reload and created anew) are ignored.
 */
export class DeploymentHealth {
  readonly id: string;
  readonly #clock: Clock;
  #policies: HealthPolicies;
  readonly #breaker: CircuitBreaker;
  readonly #retryBudget: RetryBudget;
  readonly #latency = new DecayingAverage();
  readonly #requests = new SlidingWindowCounter(loadWindowMs);
  readonly #tokens = new SlidingWindowCounter(loadWindowMs);
  #inFlight = 0;
  #consecutiveFailures = 0;
  #coolingDownUntilMs = Number.NEGATIVE_INFINITY;

  constructor(id: string, clock: Clock, policies: HealthPolicies = defaultHealthPolicies) {
    this.id = id;
    this.#clock = clock;
    this.#policies = policies;
    this.#breaker = new CircuitBreaker(policies.breaker);
    this.#retryBudget = new RetryBudget(policies.retries);
  }

  get policies(): HealthPolicies {
    return this.#policies;
  }

  /** Applies new policies and keeps all state (see `CircuitBreaker.setPolicy`). */
  setPolicies(policies: HealthPolicies): void {
    this.#policies = policies;
    this.#breaker.setPolicy(policies.breaker);
    this.#retryBudget.setPolicy(policies.retries);
  }

  /**
   * Whether planning may choose the deployment. Pure: does not take the breaker's probe slot.
   * When both the breaker and a cooldown hold it back, reports whichever ends later.
   */
  availability(nowMs: number): DeploymentAvailability {
    const admission = this.#breaker.peek(nowMs);
    const coolingUntilMs = this.#coolingDownUntilMs;
    if (!admission.admitted && admission.retryAtMs >= coolingUntilMs) {
      return { available: false, reason: 'circuit-open', untilMs: admission.retryAtMs };
    }
    if (coolingUntilMs > nowMs) {
      return { available: false, reason: 'cooling-down', untilMs: coolingUntilMs };
    }
    return available;
  }

  /** A snapshot for routing strategies. */
  load(nowMs: number): DeploymentLoad {
    return {
      latencyEwmaMs: this.#latency.value,
      inFlight: this.#inFlight,
      requestsLastMinute: this.#requests.total(nowMs),
      tokensLastMinute: Math.max(0, this.#tokens.total(nowMs)),
    };
  }

  /**
   * Starts an attempt: admits it through the circuit breaker (taking the probe slot when half-open)
   * and counts it in flight, as a request, and with `estimatedTokens` in the token window; a first
   * attempt (not `isRetry`) also feeds the retry budget. Returns undefined, changing nothing, when
   * the breaker refuses. Does not check the cooldown: that is for planning (`availability`), and
   * a retry after a Retry-After pause may well start before a plain cooldown would end.
   */
  begin(nowMs: number, estimatedTokens: number, isRetry = false): AttemptTicket | undefined {
    const admission = this.#breaker.admit(nowMs);
    if (!admission.admitted) {
      return undefined;
    }
    this.#inFlight += 1;
    this.#requests.add(nowMs);
    if (Number.isFinite(estimatedTokens) && estimatedTokens > 0) {
      this.#tokens.add(nowMs, estimatedTokens);
    }
    if (!isRetry) {
      this.#retryBudget.recordFirstAttempt(nowMs);
    }
    return new AttemptTicket(this, this.id, admission.probe, isRetry, nowMs);
  }

  /** Whether the retry budget allows one more retry now; an allowed retry is counted. */
  tryRetry(nowMs: number): boolean {
    return this.#retryBudget.tryRetry(nowMs);
  }

  /**
   * Corrects the token window once actual usage is known: `delta` is actual minus estimated
   * tokens, and may be negative. Lands in the current bucket; the reported total never drops
   * below 0.
   */
  adjustTokens(nowMs: number, delta: number): void {
    if (Number.isFinite(delta) && delta !== 0) {
      this.#tokens.add(nowMs, delta);
    }
  }

  /** Reports a success with its time to first byte; feeds the breaker and the latency average. */
  succeeded(ticket: AttemptTicket, nowMs: number, latencyMs: number): void {
    if (ticket.issuer !== this || !ticket.takeVerdict()) {
      return;
    }
    this.#breaker.recordSuccess(nowMs, ticket.probe);
    this.#latency.add(nowMs, latencyMs);
    this.#consecutiveFailures = 0;
  }

  /**
   * Reports a failure. Deployment faults (see `failureEffect`) count against the breaker; a rate
   * limit cools the deployment down for `retryAfterMs`, or the policy's `cooldownMs` without one,
   * at most an hour; request faults change nothing. A probe that did not fail by the deployment's
   * fault frees the probe slot.
   */
  failed(
    ticket: AttemptTicket,
    nowMs: number,
    errorClass: ErrorClass,
    retryAfterMs?: number,
  ): void {
    if (ticket.issuer !== this || !ticket.takeVerdict()) {
      return;
    }
    switch (failureEffect(errorClass)) {
      case 'breaker-failure':
        this.#breaker.recordFailure(nowMs, ticket.probe);
        this.#consecutiveFailures += 1;
        return;
      case 'cool-down': {
        this.#breaker.release(ticket.probe);
        const usable =
          retryAfterMs !== undefined && Number.isFinite(retryAfterMs) && retryAfterMs >= 0;
        const durationMs = usable ? retryAfterMs : this.#policies.cooldownMs;
        this.coolDown(nowMs + Math.min(durationMs, maxCooldownMs));
        return;
      }
      case 'neutral':
        this.#breaker.release(ticket.probe);
        return;
    }
  }

  /** Reports that the attempt ended without a verdict (the client left); frees a probe slot. */
  released(ticket: AttemptTicket): void {
    if (ticket.issuer !== this || !ticket.takeVerdict()) {
      return;
    }
    this.#breaker.release(ticket.probe);
  }

  /**
   * Reports that the whole exchange ended, stream body included; idempotent. An attempt finished
   * without a verdict counts as released, and a verdict reported after that is ignored.
   */
  finished(ticket: AttemptTicket): void {
    if (ticket.issuer !== this || !ticket.takeFinish()) {
      return;
    }
    this.#inFlight = Math.max(0, this.#inFlight - 1);
    this.released(ticket);
  }

  /** Skips the deployment in planning until `untilMs` (monotonic); a later time wins. */
  coolDown(untilMs: number): void {
    if (untilMs > this.#coolingDownUntilMs) {
      this.#coolingDownUntilMs = untilMs;
    }
  }

  /** The deployment's health for the admin API, with times converted to wall-clock. */
  view(nowMs: number): DeploymentHealthView {
    const circuit = this.#breaker.state(nowMs);
    const requests = this.#breaker.requests(nowMs);
    // Wall-clock minus monotonic time: what turns a monotonic deadline into a time a person reads.
    const wallOffsetMs = this.#clock.now() - this.#clock.monotonic();
    const circuitUntilMs = this.#breaker.untilMs;
    return {
      id: this.id,
      circuit,
      ...(circuit === 'open' && circuitUntilMs !== undefined
        ? { circuitUntilMs: Math.round(circuitUntilMs + wallOffsetMs) }
        : {}),
      ...(this.#coolingDownUntilMs > nowMs
        ? { coolingDownUntilMs: Math.round(this.#coolingDownUntilMs + wallOffsetMs) }
        : {}),
      latencyEwmaMs: this.#latency.value,
      inFlight: this.#inFlight,
      requestsLastMinute: this.#requests.total(nowMs),
      tokensLastMinute: Math.max(0, this.#tokens.total(nowMs)),
      errorRate: requests === 0 ? 0 : this.#breaker.failures(nowMs) / requests,
      consecutiveFailures: this.#consecutiveFailures,
    };
  }
}
