import { describe, expect, it } from 'vitest';
import type { RateLimitDecision } from '../../storage/ports.ts';
import { formatRateLimitDuration, rateLimitHeaders } from './rate-limit-headers.ts';

describe('formatRateLimitDuration', () => {
  it.each([
    [0, '0s'],
    [-5, '0s'],
    [0.2, '1ms'],
    [250, '250ms'],
    [1_000, '1s'],
    [1_500, '1.5s'],
    [360_000, '6m0s'],
    [3_723_000, '1h2m3s'],
  ])('writes %s ms as %s', (milliseconds, expected) => {
    expect(formatRateLimitDuration(milliseconds)).toBe(expected);
  });
});

describe('rateLimitHeaders', () => {
  const state = (key: string, limit: number, remaining: number, resetAfterMs: number) => ({
    key,
    limit,
    remaining,
    resetAfterMs,
    retryAfterMs: 0,
  });

  it('reports the most restrictive limit per dimension and no retry headers when allowed', () => {
    const decision: RateLimitDecision = {
      allowed: true,
      retryAfterMs: 0,
      limits: [
        state('rpm:key', 60, 50, 10_000),
        state('rpm:team', 600, 5, 55_000),
        state('tpm:key', 10_000, 9_000, 6_000),
      ],
    };
    expect(rateLimitHeaders(decision, ['requests', 'requests', 'tokens'])).toEqual({
      'x-ratelimit-limit-requests': '600',
      'x-ratelimit-remaining-requests': '5',
      'x-ratelimit-reset-requests': '55s',
      'x-ratelimit-limit-tokens': '10000',
      'x-ratelimit-remaining-tokens': '9000',
      'x-ratelimit-reset-tokens': '6s',
    });
  });

  it('adds retry-after in whole seconds, rounded up, when refused', () => {
    const decision: RateLimitDecision = {
      allowed: false,
      retryAfterMs: 1_001,
      limits: [{ ...state('rpm:key', 60, 0, 60_000), retryAfterMs: 1_001 }],
    };
    expect(rateLimitHeaders(decision, ['requests'])).toMatchObject({
      'retry-after': '2',
      'retry-after-ms': '1001',
    });
  });

  it('gives no retry headers when waiting cannot help', () => {
    const decision: RateLimitDecision = {
      allowed: false,
      retryAfterMs: null,
      limits: [{ ...state('tpm:key', 100, 100, 0), retryAfterMs: null }],
    };
    expect(Object.keys(rateLimitHeaders(decision, ['tokens']))).not.toContain('retry-after');
  });

  it('needs one dimension per limit', () => {
    expect(() => rateLimitHeaders({ allowed: true, retryAfterMs: 0, limits: [] }, ['x'])).toThrow(
      RangeError,
    );
  });
});
