import { describe, expect, it } from 'vitest';
import { createSeededRandom, type Random } from '../../lib/random.ts';
import { backoffDelayMs, defaultRetryPolicy, type RetryPolicy } from './backoff-delay.ts';

const policy: RetryPolicy = defaultRetryPolicy;

function fixed(value: number): Random {
  return { next: () => value };
}

describe('backoffDelayMs', () => {
  it('has the documented defaults', () => {
    expect(defaultRetryPolicy).toEqual({
      maxRetries: 1,
      initialDelayMs: 250,
      maxDelayMs: 8000,
      retryAfterCapMs: 30_000,
      budgetRatio: 0.2,
      minRetriesPerSecond: 2,
    });
  });

  it.each([
    { retryIndex: 0, capMs: 250 },
    { retryIndex: 1, capMs: 500 },
    { retryIndex: 2, capMs: 1000 },
    { retryIndex: 5, capMs: 8000 },
    { retryIndex: 6, capMs: 8000 },
    { retryIndex: 2000, capMs: 8000 },
  ])('scales full jitter to a cap of $capMs for retry $retryIndex', ({ retryIndex, capMs }) => {
    expect(backoffDelayMs(retryIndex, policy, fixed(0))).toBe(0);
    expect(backoffDelayMs(retryIndex, policy, fixed(0.5))).toBe(capMs / 2);
    expect(backoffDelayMs(retryIndex, policy, fixed(0.999_999))).toBeCloseTo(capMs, 1);
  });

  it('stays within [0, cap) and spreads over it with seeded randomness', () => {
    const random = createSeededRandom(42);
    for (const [retryIndex, capMs] of [
      [0, 250],
      [3, 2000],
      [9, 8000],
    ] as const) {
      const delays = Array.from(
        { length: 2000 },
        () => backoffDelayMs(retryIndex, policy, random) ?? Number.NaN,
      );
      expect(Math.min(...delays)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...delays)).toBeLessThan(capMs);
      // Full jitter: the draws cover the whole range, not just its top.
      expect(Math.min(...delays)).toBeLessThan(capMs * 0.05);
      expect(Math.max(...delays)).toBeGreaterThan(capMs * 0.95);
      const mean = delays.reduce((sum, delay) => sum + delay, 0) / delays.length;
      expect(mean / capMs).toBeGreaterThan(0.45);
      expect(mean / capMs).toBeLessThan(0.55);
    }
  });

  it.each([
    { retryAfterMs: 0, expected: 0 },
    { retryAfterMs: 1200, expected: 1200 },
    { retryAfterMs: 30_000, expected: 30_000 },
    { retryAfterMs: 30_001, expected: undefined },
    { retryAfterMs: 3_600_000, expected: undefined },
  ])(
    'waits exactly a Retry-After of $retryAfterMs within the cap',
    ({ retryAfterMs, expected }) => {
      const random: Random = {
        next: () => {
          throw new Error('no jitter on a Retry-After');
        },
      };
      expect(backoffDelayMs(0, policy, random, retryAfterMs)).toBe(expected);
    },
  );

  it('falls back at once on any positive Retry-After when the cap is 0', () => {
    const noWaiting = { ...policy, retryAfterCapMs: 0 };
    expect(backoffDelayMs(0, noWaiting, fixed(0.5), 1)).toBeUndefined();
    expect(backoffDelayMs(0, noWaiting, fixed(0.5), 0)).toBe(0);
  });

  it.each([Number.NaN, -1, Number.POSITIVE_INFINITY])(
    'ignores an unusable Retry-After of %s',
    (retryAfterMs) => {
      expect(backoffDelayMs(1, policy, fixed(0.5), retryAfterMs)).toBe(250);
    },
  );
});
