import type { Clock } from '../../src/lib/clock.ts';

/** A clock that moves only when told to, for tests of expiry and refresh. */
export class ManualClock implements Clock {
  #now: number;

  constructor(startMs = Date.UTC(2025, 0, 2, 3, 4, 5)) {
    this.#now = startMs;
  }

  now(): number {
    return this.#now;
  }

  monotonic(): number {
    return this.#now;
  }

  /** Sets the time, in epoch milliseconds. */
  set(ms: number): void {
    this.#now = ms;
  }

  /** Moves the clock forward by `ms`. */
  advance(ms: number): void {
    this.#now += ms;
  }
}
