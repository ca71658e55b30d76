import { describe, expect, it } from 'vitest';
import { parseResetDuration, readRetryHint } from './read-retry-hint.ts';

const now = Date.parse('2026-11-22T00:00:00Z');

describe('readRetryHint', () => {
  it('prefers Retry-After, then retry-after-ms, then an exhausted limit reset', () => {
    expect(readRetryHint({ 'retry-after': '7', 'retry-after-ms': '200' }, now)).toBe(7);
    expect(readRetryHint({ 'retry-after-ms': '1500' }, now)).toBe(2);
    expect(
      readRetryHint(
        {
          'x-ratelimit-remaining-requests': '12',
          'x-ratelimit-reset-requests': '1s',
          'x-ratelimit-remaining-tokens': '0',
          'x-ratelimit-reset-tokens': '6m0s',
        },
        now,
      ),
    ).toBe(360);
    expect(
      readRetryHint(
        { 'x-ratelimit-remaining-requests': '3', 'x-ratelimit-reset-requests': '1s' },
        now,
      ),
    ).toBeUndefined();
    expect(readRetryHint({}, now)).toBeUndefined();
  });

  it('clamps to an hour and ignores what it cannot read', () => {
    expect(readRetryHint({ 'retry-after-ms': '99999999' }, now)).toBe(3600);
    expect(readRetryHint({ 'retry-after-ms': 'soon' }, now)).toBeUndefined();
  });
});

describe('parseResetDuration', () => {
  it.each([
    ['6m0s', 360],
    ['1.5s', 1.5],
    ['120ms', 0.12],
    ['1h2m', 3720],
  ])('reads %s', (text, seconds) => {
    expect(parseResetDuration(text)).toBeCloseTo(seconds, 6);
  });

  it('refuses text that is not a duration', () => {
    expect(parseResetDuration('6 minutes')).toBeUndefined();
    expect(parseResetDuration('')).toBeUndefined();
  });
});
