import type { RateLimitDecision, RateLimitState } from '../../storage/ports.ts';

/**
 * Writes a duration the way OpenAI's `x-ratelimit-reset-*` headers do (Go duration syntax):
 * `0s`, `250ms`, `1s`, `1.5s`, `6m0s`, `1h2m3s`. Pure.
 */
export function formatRateLimitDuration(milliseconds: number): string {
  const ms = Math.max(0, Math.ceil(milliseconds));
  if (ms === 0) return '0s';
  if (ms < 1_000) return `${String(ms)}ms`;
  const hours = Math.floor(ms / 3_600_000);
  const minutes = Math.floor((ms % 3_600_000) / 60_000);
  const seconds = String((ms % 60_000) / 1_000);
  if (hours > 0) return `${String(hours)}h${String(minutes)}m${seconds}s`;
  if (minutes > 0) return `${String(minutes)}m${seconds}s`;
  return `${seconds}s`;
}

/** The most restrictive of several states: fewest remaining, then the longest to reset. */
function tightest(states: readonly RateLimitState[]): RateLimitState | undefined {
  let chosen: RateLimitState | undefined;
  for (const state of states) {
    if (
      chosen === undefined ||
      state.remaining < chosen.remaining ||
      (state.remaining === chosen.remaining && state.resetAfterMs > chosen.resetAfterMs)
    ) {
      chosen = state;
    }
  }
  return chosen;
}

/**
 * The response headers for a rate limit decision. `dimensions[i]` names what `decision.limits[i]`
 * counts (`requests`, `tokens`); when several limits share a dimension (key, team, model), the
 * most restrictive one is reported. Writes `x-ratelimit-limit-<dimension>`,
 * `x-ratelimit-remaining-<dimension>` and `x-ratelimit-reset-<dimension>` (a duration, see
 * {@link formatRateLimitDuration}) per dimension, and when refused with a finite wait,
 * `retry-after` (whole seconds, rounded up, RFC 9110) and `retry-after-ms` (read by the OpenAI
 * SDKs). A refusal that waiting cannot fix (`retryAfterMs: null`) gets no retry headers. Pure;
 * throws `RangeError` when `dimensions` and `decision.limits` differ in length.
 */
export function rateLimitHeaders(
  decision: RateLimitDecision,
  dimensions: readonly string[],
): Record<string, string> {
  if (dimensions.length !== decision.limits.length) {
    throw new RangeError('rateLimitHeaders needs one dimension per limit.');
  }
  const byDimension = new Map<string, RateLimitState[]>();
  decision.limits.forEach((state, index) => {
    const dimension = dimensions[index] ?? '';
    byDimension.set(dimension, [...(byDimension.get(dimension) ?? []), state]);
  });
  const headers: Record<string, string> = {};
  for (const [dimension, states] of byDimension) {
    const state = tightest(states);
    if (state === undefined) continue;
    headers[`x-ratelimit-limit-${dimension}`] = String(state.limit);
    headers[`x-ratelimit-remaining-${dimension}`] = String(state.remaining);
    headers[`x-ratelimit-reset-${dimension}`] = formatRateLimitDuration(state.resetAfterMs);
  }
  if (!decision.allowed && decision.retryAfterMs !== null) {
    headers['retry-after'] = String(Math.max(1, Math.ceil(decision.retryAfterMs / 1_000)));
    headers['retry-after-ms'] = String(decision.retryAfterMs);
  }
  return headers;
}
