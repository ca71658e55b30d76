import { describe, expect, it } from 'vitest';
import { maxReportedTokens, plausibleTokenCount } from './usage.ts';

describe('plausibleTokenCount', () => {
  it.each([0, 1, 12_345, 0.5, maxReportedTokens])('keeps %s', (value) => {
    expect(plausibleTokenCount(value)).toBe(value);
  });

  it.each([-1, Number.NaN, Number.POSITIVE_INFINITY, 1e30, maxReportedTokens + 1, '12', null])(
    'treats %s as not reported',
    (value) => {
      expect(plausibleTokenCount(value)).toBeUndefined();
    },
  );
});
