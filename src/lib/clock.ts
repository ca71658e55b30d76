import { performance } from 'node:perf_hooks';

/**
 * The one source of time. Code that needs "now" takes a `Clock` so that tests can pass a fake one.
 */
export interface Clock {
  /** Wall-clock time in milliseconds since the Unix epoch. */
  now(): number;
  /** Monotonic time in milliseconds with sub-millisecond precision; only differences are meaningful. */
  monotonic(): number;
}

/** The process clock. */
export const systemClock: Clock = {
  now: () => Date.now(),
  monotonic: () => performance.now(),
};
