import { randomFillSync } from 'node:crypto';

const poolSize = 4096;
const pool = Buffer.allocUnsafe(poolSize);
let poolOffset = poolSize;

/**
 * Copies `length` cryptographically strong random bytes into `target` at `offset`, from a refilled
 * pool so that hot paths (request ids) pay for neither a system call nor an allocation each.
 */
export function fillRandom(target: Uint8Array, offset: number, length: number): void {
  if (length > poolSize) {
    randomFillSync(target, offset, length);
    return;
  }
  if (poolOffset + length > poolSize) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  pool.copy(target, offset, poolOffset, poolOffset + length);
  poolOffset += length;
}

/**
 * Cryptographically strong random bytes, served from the same pool. The returned buffer is a fresh
 * copy the caller may keep.
 */
export function randomBytes(length: number): Buffer {
  if (length > poolSize) {
    return randomFillSync(Buffer.alloc(length));
  }
  if (poolOffset + length > poolSize) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const bytes = Buffer.from(pool.subarray(poolOffset, poolOffset + length));
  poolOffset += length;
  return bytes;
}

/** A source of uniform numbers in [0, 1); injected so that strategies and tests stay deterministic. */
export interface Random {
  next(): number;
}

/** Non-cryptographic randomness for jitter and sampling. */
export const systemRandom: Random = {
  next: () => Math.random(),
};

/** A seeded generator (mulberry32) for tests and reproducible benchmarks. */
export function createSeededRandom(seed: number): Random {
  let state = seed >>> 0;
  return {
    next() {
      state = (state + 0x6d2b79f5) >>> 0;
      let value = state;
      value = Math.imul(value ^ (value >>> 15), value | 1);
      value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
      return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
    },
  };
}
