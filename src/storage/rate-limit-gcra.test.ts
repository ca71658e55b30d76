import { describe, expect, it } from 'vitest';
import type { RateLimitRequest } from './ports.ts';
import { gcraAcquire, gcraAdjust, gcraState } from './rate-limit-gcra.ts';

/**
 * Drives the pure math the way a store would: one key, a manual "now", TAT kept here. Returns the
 * admitted flags so tests read as tables.
 */
function limiter(parameters: Omit<RateLimitRequest, 'key' | 'cost'>) {
  let tat: number | undefined;
  return {
    acquire(now: number, cost = 1) {
      const request = { key: 'k', cost, ...parameters };
      const result = gcraAcquire(now, [request], [tat]);
      if (result.tats !== undefined) tat = result.tats[0];
      return result.decision;
    },
    adjust(now: number, costDelta: number) {
      const result = gcraAdjust(now, [{ key: 'k', costDelta, ...parameters }], [tat]);
      tat = result.tats[0];
      return result.states[0];
    },
  };
}

describe('GCRA', () => {
  it('admits a steady rate of one unit per emission interval for ever', () => {
    // 60 per minute, no burst: T = 1 s.
    const rate = limiter({ limit: 60, periodMs: 60_000, burst: 1 });
    for (let second = 0; second < 600; second += 1) {
      expect(rate.acquire(second * 1_000).allowed).toBe(true);
    }
    expect(rate.acquire(599_999).allowed).toBe(false);
  });

  it('admits a steady rate whose interval is not a whole number of milliseconds', () => {
    // 7 per minute: T = 8571.428… ms; arriving exactly on time must not be refused by rounding.
    const rate = limiter({ limit: 7, periodMs: 60_000, burst: 1 });
    for (let index = 0; index < 700; index += 1) {
      expect(rate.acquire((index * 60_000) / 7).allowed).toBe(true);
    }
  });

  it.each([
    { burst: 1, admittedAtOnce: 1 },
    { burst: 5, admittedAtOnce: 5 },
    { burst: 10, admittedAtOnce: 10 },
  ])('admits $admittedAtOnce at once with burst $burst', ({ burst, admittedAtOnce }) => {
    const rate = limiter({ limit: 10, periodMs: 1_000, burst });
    const admitted = Array.from({ length: 20 }, () => rate.acquire(0).allowed).filter(Boolean);
    expect(admitted).toHaveLength(admittedAtOnce);
  });

  it('has no double burst at a window edge', () => {
    // A fixed window of 10 per second admits 10 at 999 ms and 10 more at 1000 ms: 20 within
    // 1 ms. GCRA has no window: after spending the burst at 999 ms, at 1000 ms only the 1 ms of
    // refill (0.01 units) has come back, so nothing more passes until 1099 ms.
    const rate = limiter({ limit: 10, periodMs: 1_000, burst: 10 });
    const atEdge = Array.from({ length: 10 }, () => rate.acquire(999).allowed);
    expect(atEdge.every(Boolean)).toBe(true);
    expect(rate.acquire(1_000).allowed).toBe(false);
    expect(rate.acquire(1_098).allowed).toBe(false);
    expect(rate.acquire(1_099).allowed).toBe(true);
    // Over any span d at most burst + d / T pass: 10 + 1 within [999, 1099].
  });

  it('charges a cost above one as that many units', () => {
    const rate = limiter({ limit: 1_000, periodMs: 60_000, burst: 1_000 });
    expect(rate.acquire(0, 600).limits[0]?.remaining).toBe(400);
    const refused = rate.acquire(0, 500);
    expect(refused.allowed).toBe(false);
    // 100 more units are needed, at 60 ms each.
    expect(refused.retryAfterMs).toBe(6_000);
    expect(rate.acquire(5_999, 500).allowed).toBe(false);
    expect(rate.acquire(6_000, 500).allowed).toBe(true);
  });

  it('refuses a cost above the burst for ever, with retryAfterMs null', () => {
    const rate = limiter({ limit: 100, periodMs: 60_000, burst: 50 });
    const decision = rate.acquire(0, 51);
    expect(decision).toMatchObject({ allowed: false, retryAfterMs: null });
    expect(decision.limits[0]).toMatchObject({ remaining: 50, retryAfterMs: null });
    expect(rate.acquire(10 * 60_000, 51).allowed).toBe(false);
    expect(rate.acquire(0, 50).allowed).toBe(true);
  });

  it.each([
    { limit: 10, periodMs: 1_000, spent: 10, cost: 1, retryAfterMs: 100 },
    { limit: 3, periodMs: 1_000, spent: 3, cost: 1, retryAfterMs: 334 },
    { limit: 3, periodMs: 1_000, spent: 3, cost: 2, retryAfterMs: 667 },
    { limit: 60, periodMs: 60_000, spent: 60, cost: 60, retryAfterMs: 60_000 },
  ])(
    'gives an exact retryAfterMs ($retryAfterMs ms for cost $cost after $spent of $limit)',
    ({ limit, periodMs, spent, cost, retryAfterMs }) => {
      const rate = limiter({ limit, periodMs, burst: limit });
      expect(rate.acquire(0, spent).allowed).toBe(true);
      expect(rate.acquire(0, cost).retryAfterMs).toBe(retryAfterMs);
      expect(rate.acquire(retryAfterMs - 1, cost).allowed).toBe(false);
      expect(rate.acquire(retryAfterMs, cost).allowed).toBe(true);
    },
  );

  it('reports remaining and resetAfterMs for the headers', () => {
    const rate = limiter({ limit: 10, periodMs: 1_000, burst: 10 });
    expect(rate.acquire(0, 3).limits[0]).toEqual({
      key: 'k',
      limit: 10,
      remaining: 7,
      resetAfterMs: 300,
      retryAfterMs: 0,
    });
    // 150 ms later one and a half units have come back; remaining counts whole units.
    expect(rate.acquire(150, 0).limits[0]).toMatchObject({ remaining: 8, resetAfterMs: 150 });
  });

  it('refunds by moving the TAT back, never before now', () => {
    const rate = limiter({ limit: 1_000, periodMs: 60_000, burst: 1_000 });
    rate.acquire(0, 1_000);
    expect(rate.adjust(0, -300)).toMatchObject({ remaining: 300, resetAfterMs: 42_000 });
    expect(rate.adjust(0, -5_000)).toMatchObject({ remaining: 1_000, resetAfterMs: 0 });
    // A refund cannot bank more than a full burst.
    expect(rate.acquire(0, 1_000).allowed).toBe(true);
    expect(rate.acquire(0, 1).allowed).toBe(false);
  });

  it('charges an underestimate after the fact, beyond the burst', () => {
    const rate = limiter({ limit: 1_000, periodMs: 60_000, burst: 1_000 });
    rate.acquire(0, 900);
    const state = rate.adjust(0, 600);
    // 1500 units owed against a tolerance of 1000: a single unit waits 501 intervals (60 ms).
    expect(state).toMatchObject({ remaining: 0, resetAfterMs: 90_000, retryAfterMs: 30_060 });
    expect(rate.acquire(30_059).allowed).toBe(false);
    expect(rate.acquire(30_060).allowed).toBe(true);
  });

  it('reports every limit when one refuses, and the largest retryAfterMs', () => {
    const result = gcraAcquire(
      0,
      [
        { key: 'rpm', limit: 10, periodMs: 1_000, burst: 10, cost: 1 },
        { key: 'tpm', limit: 100, periodMs: 1_000, burst: 100, cost: 50 },
      ],
      [undefined, 960],
    );
    expect(result.tats).toBeUndefined();
    expect(result.decision.allowed).toBe(false);
    expect(result.decision.limits.map((state) => state.retryAfterMs)).toEqual([0, 460]);
    expect(result.decision.retryAfterMs).toBe(460);
  });

  it('treats a stored TAT in the past as a full bucket', () => {
    const parameters = { key: 'k', limit: 10, periodMs: 1_000, burst: 10 };
    expect(gcraState(5_000, parameters, 1_000, 1)).toMatchObject({
      remaining: 10,
      resetAfterMs: 0,
      retryAfterMs: 0,
    });
  });
});
