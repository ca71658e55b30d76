import type { Clock } from './clock.ts';

/**
 * `report` throttled to at most once per `intervalMs` of `clock` time: the first call reports at
 * once, later calls within the interval are counted and left out, and the next report says how
 * many were. For warnings about an outage that every request would otherwise repeat.
 */
export function oncePerInterval<T>(
  clock: Pick<Clock, 'now'>,
  intervalMs: number,
  report: (value: T, suppressed: number) => void,
): (value: T) => void {
  let lastAt = Number.NEGATIVE_INFINITY;
  let suppressed = 0;
  return (value) => {
    const now = clock.now();
    if (now - lastAt < intervalMs) {
      suppressed += 1;
      return;
    }
    lastAt = now;
    const left = suppressed;
    suppressed = 0;
    report(value, left);
  };
}
