/**
 * Counts occurrences of 32-bit feature hashes without sorting them: an open-addressing table,
 * reused from call to call and cleared by the slots it used. `forEach` visits each distinct
 * feature once with its count, in order of first occurrence.
 */
export class FeatureCounter {
  #keys = new Uint32Array(4096);
  #counts = new Uint32Array(4096);
  #used = new Int32Array(4096);
  #usedCount = 0;

  /** Counts `length` hashes from `hashes`. Clears what the previous call counted first. */
  count(hashes: Uint32Array, length: number): void {
    this.#clear();
    if (length * 2 > this.#keys.length) this.#grow(length * 2);
    const keys = this.#keys;
    const counts = this.#counts;
    const mask = keys.length - 1;
    for (let index = 0; index < length; index += 1) {
      const hash = hashes[index] ?? 0;
      // The hashes are already mixed, so their low bits spread well; probe linearly.
      let slot = hash & mask;
      for (;;) {
        const count = counts[slot] ?? 0;
        if (count === 0) {
          keys[slot] = hash;
          counts[slot] = 1;
          this.#used[this.#usedCount] = slot;
          this.#usedCount += 1;
          break;
        }
        if (keys[slot] === hash) {
          counts[slot] = count + 1;
          break;
        }
        slot = (slot + 1) & mask;
      }
    }
  }

  /** Calls `visit(hash, count)` for each distinct hash counted, in order of first occurrence. */
  forEach(visit: (hash: number, count: number) => void): void {
    for (let index = 0; index < this.#usedCount; index += 1) {
      const slot = this.#used[index] ?? 0;
      visit(this.#keys[slot] ?? 0, this.#counts[slot] ?? 0);
    }
  }

  #clear(): void {
    for (let index = 0; index < this.#usedCount; index += 1) {
      this.#counts[this.#used[index] ?? 0] = 0;
    }
    this.#usedCount = 0;
  }

  #grow(atLeast: number): void {
    let size = this.#keys.length;
    while (size < atLeast) size *= 2;
    this.#keys = new Uint32Array(size);
    this.#counts = new Uint32Array(size);
    this.#used = new Int32Array(size);
  }
}
