import type { Clock } from '../../lib/clock.ts';

export interface SignInThrottleOptions {
  readonly clock: Clock;
  /** Failed sign-ins allowed per client address and window. Default 10. */
  readonly maxFailures?: number;
  /** The window, in milliseconds. Default one minute. */
  readonly windowMs?: number;
  /** Most addresses tracked; past it the oldest windows are dropped. Default 10 000. */
  readonly maxAddresses?: number;
}

interface Window {
  readonly startMs: number;
  failures: number;
}

/**
 * Counts failed console sign-ins per client address, in memory (per process: with N workers an
 * address gets at most N times the limit, which still stops guessing). Fixed windows.
 */
export class SignInThrottle {
  readonly #clock: Clock;
  readonly #maxFailures: number;
  readonly #windowMs: number;
  readonly #maxAddresses: number;
  readonly #windows = new Map<string, Window>();

  constructor(options: SignInThrottleOptions) {
    this.#clock = options.clock;
    this.#maxFailures = options.maxFailures ?? 10;
    this.#windowMs = options.windowMs ?? 60_000;
    this.#maxAddresses = options.maxAddresses ?? 10_000;
  }

  /** Seconds until `address` may try again, or undefined when it may try now. */
  retryAfterSeconds(address: string): number | undefined {
    const window = this.#current(address);
    if (window === undefined || window.failures < this.#maxFailures) {
      return undefined;
    }
    const leftMs = window.startMs + this.#windowMs - this.#clock.now();
    return Math.max(1, Math.ceil(leftMs / 1000));
  }

  /** Counts one failed sign-in from `address`. */
  fail(address: string): void {
    const window = this.#current(address);
    if (window !== undefined) {
      window.failures += 1;
      return;
    }
    if (this.#windows.size >= this.#maxAddresses) {
      // Maps iterate in insertion order: the first entry is the oldest window.
      const oldest = this.#windows.keys().next();
      if (oldest.done !== true) this.#windows.delete(oldest.value);
    }
    this.#windows.set(address, { startMs: this.#clock.now(), failures: 1 });
  }

  #current(address: string): Window | undefined {
    const window = this.#windows.get(address);
    if (window === undefined) return undefined;
    if (window.startMs + this.#windowMs <= this.#clock.now()) {
      this.#windows.delete(address);
      return undefined;
    }
    return window;
  }
}
