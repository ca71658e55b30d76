/**
 * How many buckets a window of `windowMs` gets: 1 s buckets where that gives 10 to 120 of them;
 * shorter windows get 10 narrower buckets and longer ones 120 wider ones, so that the resolution
 * stays within a tenth of the window and the memory per counter stays small.
 */
export function defaultBucketCount(windowMs: number): number {
  return Math.min(120, Math.max(10, Math.ceil(windowMs / 1000)));
}

/**
 * A sum of amounts added over the last `windowMs`, kept in a fixed ring of buckets so that adding
 * and reading cost O(1) amortised and never allocate after construction.
 *
 * Guarantees: an amount counts from the moment it is added until the bucket it fell into leaves
 * the window, that is for between `windowMs − bucketMs` and `windowMs`. Time is whatever
 * monotonic millisecond scale the caller uses; an add stamped earlier than the newest bucket
 * still lands in its own bucket while that bucket is inside the window, and is dropped otherwise.
 * Reading never moves the window backwards.
 */
export class SlidingWindowCounter {
  readonly windowMs: number;
  readonly bucketMs: number;
  readonly #buckets: Float64Array;
  /** Absolute index (time / bucketMs) of the newest bucket; −∞ before the first event. */
  #head = Number.NEGATIVE_INFINITY;
  #total = 0;

  /** Throws a RangeError unless `windowMs` is positive and `bucketCount` a positive integer. */
  constructor(windowMs: number, bucketCount: number = defaultBucketCount(windowMs)) {
    if (!(windowMs > 0) || !Number.isInteger(bucketCount) || bucketCount < 1) {
      throw new RangeError('A sliding window needs a positive length and bucket count.');
    }
    this.windowMs = windowMs;
    this.bucketMs = windowMs / bucketCount;
    this.#buckets = new Float64Array(bucketCount);
  }

  /** Adds `amount` (which may be negative, as a correction) at time `nowMs`. */
  add(nowMs: number, amount = 1): void {
    const index = Math.floor(nowMs / this.bucketMs);
    this.#advance(index);
    const count = this.#buckets.length;
    if (index <= this.#head - count) {
      return;
    }
    const slot = ((index % count) + count) % count;
    this.#buckets[slot] = (this.#buckets[slot] ?? 0) + amount;
    this.#total += amount;
  }

  /** The sum over the window ending at `nowMs`. */
  total(nowMs: number): number {
    this.#advance(Math.floor(nowMs / this.bucketMs));
    return this.#total;
  }

  /** Forgets everything counted so far. O(bucket count); meant for rare state changes. */
  reset(): void {
    this.#buckets.fill(0);
    this.#total = 0;
  }

  /** Empties the buckets the window slid past on its way to `index`, at most one lap of the ring. */
  #advance(index: number): void {
    const steps = index - this.#head;
    if (steps <= 0) {
      return;
    }
    const count = this.#buckets.length;
    if (steps >= count) {
      this.reset();
    } else {
      for (let absolute = this.#head + 1; absolute <= index; absolute += 1) {
        const slot = ((absolute % count) + count) % count;
        this.#total -= this.#buckets[slot] ?? 0;
        this.#buckets[slot] = 0;
      }
      // Subtracting many fractional amounts may leave a rounding residue where the true sum is 0.
      if (Math.abs(this.#total) < 1e-9) {
        this.#total = 0;
      }
    }
    this.#head = index;
  }
}
