import { describe, expect, it } from 'vitest';
import { defaultBucketCount, SlidingWindowCounter } from './sliding-window-counter.ts';

describe('SlidingWindowCounter', () => {
  it.each([
    { windowMs: 1000, buckets: 10 },
    { windowMs: 10_000, buckets: 10 },
    { windowMs: 30_000, buckets: 30 },
    { windowMs: 60_000, buckets: 60 },
    { windowMs: 600_000, buckets: 120 },
  ])('gives a $windowMs ms window $buckets buckets', ({ windowMs, buckets }) => {
    expect(defaultBucketCount(windowMs)).toBe(buckets);
  });

  it.each([
    // 60 s in 1 s buckets: an event counts until its bucket is 60 buckets old.
    { addAt: 0, readAt: 0, expected: 5 },
    { addAt: 0, readAt: 59_999, expected: 5 },
    { addAt: 0, readAt: 60_000, expected: 0 },
    { addAt: 500, readAt: 60_499, expected: 0 },
    { addAt: 999, readAt: 59_999, expected: 5 },
    { addAt: 1000, readAt: 60_999, expected: 5 },
  ])('an amount added at $addAt reads $expected at $readAt', ({ addAt, readAt, expected }) => {
    const counter = new SlidingWindowCounter(60_000);
    counter.add(addAt, 5);
    expect(counter.total(readAt)).toBe(expected);
  });

  it('slides bucket by bucket', () => {
    const counter = new SlidingWindowCounter(10_000);
    for (let second = 0; second < 10; second += 1) {
      counter.add(second * 1000, second + 1);
    }
    expect(counter.total(9000)).toBe(55);
    expect(counter.total(10_000)).toBe(54);
    expect(counter.total(15_000)).toBe(7 + 8 + 9 + 10);
    expect(counter.total(19_000)).toBe(0);
    counter.add(19_500, 2);
    expect(counter.total(19_500)).toBe(2);
  });

  it('puts a late add in its own bucket while it is in the window, and drops it otherwise', () => {
    const counter = new SlidingWindowCounter(10_000);
    counter.add(20_000, 1);
    counter.add(15_000, 10);
    counter.add(10_000, 100);
    expect(counter.total(20_000)).toBe(11);
    expect(counter.total(25_000)).toBe(1);
  });

  it('never moves the window backwards when read with an older time', () => {
    const counter = new SlidingWindowCounter(10_000);
    counter.add(0, 3);
    counter.add(20_000, 1);
    expect(counter.total(0)).toBe(1);
  });

  it('accepts negative corrections and resets', () => {
    const counter = new SlidingWindowCounter(60_000);
    counter.add(0, 1000);
    counter.add(10, -400);
    expect(counter.total(10)).toBe(600);
    counter.reset();
    expect(counter.total(10)).toBe(0);
  });

  it('handles monotonic times in a huge range and with fractions', () => {
    const counter = new SlidingWindowCounter(60_000);
    const start = 1_735_787_045_000.25;
    counter.add(start, 1);
    counter.add(start + 30_000.5, 1);
    expect(counter.total(start + 30_000.5)).toBe(2);
    expect(counter.total(start + 70_000)).toBe(1);
  });

  it('rejects a window it cannot keep', () => {
    expect(() => new SlidingWindowCounter(0)).toThrow(RangeError);
    expect(() => new SlidingWindowCounter(1000, 0)).toThrow(RangeError);
    expect(() => new SlidingWindowCounter(1000, 1.5)).toThrow(RangeError);
  });
});
