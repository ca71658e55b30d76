import { describe, expect, it } from 'vitest';
import { oncePerInterval } from './once-per-interval.ts';

describe('oncePerInterval', () => {
  it('reports the first call, leaves out the rest of the interval, then counts them', () => {
    let now = 1_000;
    const reports: [string, number][] = [];
    const warn = oncePerInterval<string>({ now: () => now }, 60_000, (value, suppressed) =>
      reports.push([value, suppressed]),
    );
    warn('a');
    now += 30_000;
    warn('b');
    warn('c');
    now += 29_999;
    warn('d');
    now += 1;
    warn('e');
    warn('f');
    expect(reports).toEqual([
      ['a', 0],
      ['e', 3],
    ]);
  });
});
