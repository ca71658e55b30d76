/** FNV-1a 32-bit offset basis. */
const offsetBasis = 0x811c9dc5;

/**
 * One FNV-1a step over a UTF-16 code unit. The code unit is folded in as one 16-bit value rather
 * than byte by byte: cheaper, and stable across platforms for any script. Pure.
 */
export function hashStep(hash: number, codeUnit: number): number {
  return Math.imul(hash ^ codeUnit, 0x01000193) >>> 0;
}

/** FNV-1a 32-bit hash of `text` from `start` to `end`, continuing from `seed`. Pure. */
export function hashText(
  text: string,
  seed: number = offsetBasis,
  start = 0,
  end: number = text.length,
): number {
  let hash = seed;
  for (let index = start; index < end; index += 1) {
    hash = hashStep(hash, text.charCodeAt(index));
  }
  return hash;
}

/**
 * murmur3's 32-bit finaliser. FNV-1a alone leaves the low bits poorly mixed for short inputs, and
 * the encoder takes its bucket and sign from low and high bits, so every hash is mixed once. Pure.
 */
export function mixHash(hash: number): number {
  let mixed = hash;
  mixed = Math.imul(mixed ^ (mixed >>> 16), 0x85ebca6b);
  mixed = Math.imul(mixed ^ (mixed >>> 13), 0xc2b2ae35);
  return (mixed ^ (mixed >>> 16)) >>> 0;
}
