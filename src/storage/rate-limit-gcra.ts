import type {
  RateLimitAdjustment,
  RateLimitDecision,
  RateLimitRequest,
  RateLimitState,
} from './ports.ts';

/**
 * Slack, in milliseconds, for floating-point error in comparisons: an emission interval such as
 * 60 000 / 7 is not exact, and a steady client arriving exactly on time must still be admitted.
 * The Redis script uses the same value, so both backends decide identically.
 */
export const GCRA_EPSILON_MS = 1e-6;

/** The shape both requests and adjustments share. */
type LimitParameters = Pick<RateLimitRequest, 'key' | 'limit' | 'periodMs' | 'burst'>;

/** What an acquire computes from the stored TATs; `tats` is what to store, or undefined if denied. */
export interface GcraAcquireResult {
  readonly decision: RateLimitDecision;
  readonly tats: readonly number[] | undefined;
}

/** What an adjustment computes from the stored TATs: the states and the TATs to store. */
export interface GcraAdjustResult {
  readonly states: RateLimitState[];
  readonly tats: readonly number[];
}

/** The emission interval `T = periodMs / limit`, in milliseconds per unit. */
export function emissionInterval(parameters: LimitParameters): number {
  return parameters.periodMs / parameters.limit;
}

/** The burst tolerance `burst * T`, in milliseconds. */
export function burstTolerance(parameters: LimitParameters): number {
  return parameters.burst * emissionInterval(parameters);
}

function isPositiveInteger(value: number): boolean {
  return Number.isSafeInteger(value) && value > 0;
}

function validateParameters(parameters: LimitParameters, seen: Set<string>): void {
  if (typeof parameters.key !== 'string' || parameters.key === '') {
    throw new RangeError('A rate limit key must be a non-empty string.');
  }
  if (seen.has(parameters.key)) {
    throw new RangeError(`The rate limit key "${parameters.key}" is listed twice in one call.`);
  }
  seen.add(parameters.key);
  for (const field of ['limit', 'periodMs', 'burst'] as const) {
    if (!isPositiveInteger(parameters[field])) {
      throw new RangeError(`Rate limit "${parameters.key}": ${field} must be a positive integer.`);
    }
  }
}

/**
 * Throws `RangeError` unless every request has a non-empty key listed once, positive integer
 * limit, period and burst, and a non-negative integer cost. Pure.
 */
export function validateRateLimitRequests(requests: readonly RateLimitRequest[]): void {
  const seen = new Set<string>();
  for (const request of requests) {
    validateParameters(request, seen);
    if (!Number.isSafeInteger(request.cost) || request.cost < 0) {
      throw new RangeError(`Rate limit "${request.key}": cost must be a non-negative integer.`);
    }
  }
}

/** Like {@link validateRateLimitRequests}, for adjustments (any integer `costDelta`). Pure. */
export function validateRateLimitAdjustments(adjustments: readonly RateLimitAdjustment[]): void {
  const seen = new Set<string>();
  for (const adjustment of adjustments) {
    validateParameters(adjustment, seen);
    if (!Number.isSafeInteger(adjustment.costDelta)) {
      throw new RangeError(`Rate limit "${adjustment.key}": costDelta must be an integer.`);
    }
  }
}

/**
 * The state of one limit whose TAT is `tat` at `nowMs`, for a request of `cost` units. Pure.
 * `retryAfterMs` is the exact wait rounded up: at `nowMs + retryAfterMs` the cost fits, one
 * millisecond earlier it does not.
 */
export function gcraState(
  nowMs: number,
  parameters: LimitParameters,
  tat: number,
  cost: number,
): RateLimitState {
  const interval = emissionInterval(parameters);
  const tolerance = burstTolerance(parameters);
  const debt = Math.max(0, tat - nowMs);
  const remaining = Math.min(
    parameters.burst,
    Math.max(0, Math.floor((tolerance - debt + GCRA_EPSILON_MS) / interval)),
  );
  let retryAfterMs: number | null = null;
  if (cost <= parameters.burst) {
    const wait = debt + cost * interval - tolerance;
    retryAfterMs = wait <= GCRA_EPSILON_MS ? 0 : Math.ceil(wait - GCRA_EPSILON_MS);
  }
  return {
    key: parameters.key,
    limit: parameters.limit,
    remaining,
    resetAfterMs: debt <= GCRA_EPSILON_MS ? 0 : Math.ceil(debt - GCRA_EPSILON_MS),
    retryAfterMs,
  };
}

/** Whether `cost` fits under the limit at `nowMs`; the Redis script mirrors this line for line. */
function fits(nowMs: number, parameters: LimitParameters, tat: number, cost: number): boolean {
  const base = Math.max(tat, nowMs);
  return (
    base + cost * emissionInterval(parameters) - nowMs <=
    burstTolerance(parameters) + GCRA_EPSILON_MS
  );
}

/**
 * One all-or-nothing GCRA acquire: given the stored TATs (undefined for an unknown or expired
 * key), decides, and returns the TATs to store when allowed. Pure; does not validate (call
 * {@link validateRateLimitRequests} first).
 */
export function gcraAcquire(
  nowMs: number,
  requests: readonly RateLimitRequest[],
  storedTats: readonly (number | undefined)[],
): GcraAcquireResult {
  const tats = requests.map((_, index) => Math.max(storedTats[index] ?? nowMs, nowMs));
  const allowed = requests.every((request, index) =>
    fits(nowMs, request, tats[index] ?? nowMs, request.cost),
  );
  const after = allowed
    ? requests.map(
        (request, index) => (tats[index] ?? nowMs) + request.cost * emissionInterval(request),
      )
    : tats;
  const limits = requests.map((request, index) => {
    // After a charge the request's own cost is spent, so retryAfter is 0 (it was admitted).
    const state = gcraState(nowMs, request, after[index] ?? nowMs, allowed ? 0 : request.cost);
    return state;
  });
  let retryAfterMs: number | null = 0;
  if (!allowed) {
    for (const state of limits) {
      retryAfterMs =
        retryAfterMs === null || state.retryAfterMs === null
          ? null
          : Math.max(retryAfterMs, state.retryAfterMs);
    }
  }
  return { decision: { allowed, retryAfterMs, limits }, tats: allowed ? after : undefined };
}

/**
 * Applies corrections: a positive delta pushes the TAT forward unconditionally, a negative one
 * moves it back but never before `nowMs`. States are reported for a unit-cost request. Pure;
 * does not validate (call {@link validateRateLimitAdjustments} first).
 */
export function gcraAdjust(
  nowMs: number,
  adjustments: readonly RateLimitAdjustment[],
  storedTats: readonly (number | undefined)[],
): GcraAdjustResult {
  const tats = adjustments.map((adjustment, index) =>
    Math.max(
      nowMs,
      Math.max(storedTats[index] ?? nowMs, nowMs) +
        adjustment.costDelta * emissionInterval(adjustment),
    ),
  );
  const states = adjustments.map((adjustment, index) =>
    gcraState(nowMs, adjustment, tats[index] ?? nowMs, 1),
  );
  return { states, tats };
}
