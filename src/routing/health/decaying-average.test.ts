import { describe, expect, it } from 'vitest';
import { DecayingAverage, latencyHalfLifeMs } from './decaying-average.ts';

describe('DecayingAverage', () => {
  it('is undefined before the first sample, which then sets it', () => {
    const average = new DecayingAverage();
    expect(average.value).toBeUndefined();
    average.add(1000, 300);
    expect(average.value).toBe(300);
  });

  it.each([
    { elapsedMs: 0, expected: 100 },
    { elapsedMs: latencyHalfLifeMs, expected: 150 },
    { elapsedMs: 2 * latencyHalfLifeMs, expected: 175 },
    { elapsedMs: 10 * latencyHalfLifeMs, expected: 200 - 100 / 1024 },
  ])(
    'moves toward a sample $elapsedMs ms later by the decayed weight',
    ({ elapsedMs, expected }) => {
      const average = new DecayingAverage();
      average.add(0, 100);
      average.add(elapsedMs, 200);
      expect(average.value).toBeCloseTo(expected, 9);
    },
  );

  it('weighs by time, not by count: many samples in a short span move it little', () => {
    const average = new DecayingAverage();
    average.add(0, 100);
    for (let atMs = 1; atMs <= 1000; atMs += 1) {
      average.add(atMs, 1100);
    }
    // One second is a tenth of the half-life: the weight is 1 − 2^(−0.1) ≈ 0.067.
    expect(average.value).toBeCloseTo(100 + 1000 * (1 - 2 ** -0.1), 6);
  });

  it('lets old samples fade: after a quiet spell a new sample all but replaces them', () => {
    const average = new DecayingAverage();
    for (let atMs = 0; atMs < 10_000; atMs += 100) {
      average.add(atMs, 5000);
    }
    average.add(10_000 + 20 * latencyHalfLifeMs, 100);
    expect(average.value).toBeCloseTo(100, 2);
  });

  it('treats a sample stamped before the previous one as simultaneous', () => {
    const average = new DecayingAverage();
    average.add(5000, 100);
    average.add(4000, 900);
    expect(average.value).toBe(100);
    average.add(5000 + latencyHalfLifeMs, 300);
    expect(average.value).toBeCloseTo(200, 9);
  });

  it('ignores non-finite samples and rejects a non-positive half-life', () => {
    const average = new DecayingAverage(1000);
    average.add(0, Number.NaN);
    expect(average.value).toBeUndefined();
    average.add(0, 10);
    average.add(1000, Number.POSITIVE_INFINITY);
    expect(average.value).toBe(10);
    expect(() => new DecayingAverage(0)).toThrow(RangeError);
  });
});
