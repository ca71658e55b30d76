/** Half-life of the latency average: a sample 10 s old weighs half as much as a fresh one. */
export const latencyHalfLifeMs = 10_000;

/**
 * An exponentially weighted moving average whose weights decay with time rather than with the
 * number of samples: a sample Δt after the previous one moves the average by
 * 1 − exp(−Δt / τ) of the difference, with τ = half-life / ln 2. The first sample sets it.
 *
 * Decaying by time makes the average mean the same thing at 1 and at 1000 requests per second,
 * and makes a sample after a long silence all but replace what came before. The cost is that
 * samples arriving at the very same millisecond as the previous one carry no weight; under load
 * they are a blur of simultaneous answers, and the next sample a moment later carries the time.
 *
 * Guarantees: O(1), no allocation; time is the caller's monotonic milliseconds, and a sample
 * stamped before the previous one counts as simultaneous.
 */
export class DecayingAverage {
  readonly #timeConstantMs: number;
  #value: number | undefined;
  #lastSampleAtMs = 0;

  /** Throws a RangeError unless `halfLifeMs` is positive. */
  constructor(halfLifeMs: number = latencyHalfLifeMs) {
    if (!(halfLifeMs > 0)) {
      throw new RangeError('A decaying average needs a positive half-life.');
    }
    this.#timeConstantMs = halfLifeMs / Math.LN2;
  }

  /** The average; undefined before the first sample. */
  get value(): number | undefined {
    return this.#value;
  }

  /** Adds a sample taken at `nowMs`. Non-finite samples are ignored. */
  add(nowMs: number, sample: number): void {
    if (!Number.isFinite(sample)) {
      return;
    }
    if (this.#value === undefined) {
      this.#value = sample;
      this.#lastSampleAtMs = nowMs;
      return;
    }
    const elapsedMs = Math.max(0, nowMs - this.#lastSampleAtMs);
    const weight = 1 - Math.exp(-elapsedMs / this.#timeConstantMs);
    this.#value += weight * (sample - this.#value);
    this.#lastSampleAtMs = Math.max(this.#lastSampleAtMs, nowMs);
  }
}
