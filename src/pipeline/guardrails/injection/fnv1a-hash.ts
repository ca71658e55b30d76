/** FNV-1a 32-bit offset basis. */
export const fnv1aOffsetBasis = 0x811c9dc5;

/**
 * One FNV-1a step: folds one UTF-16 code unit into a 32-bit hash. The code unit is XORed in as a
 * single 16-bit value (not byte by byte), which keeps the hash stable across platforms and cheap
 * for any script. Pure.
 */
export function fnv1aStep(hash: number, codeUnit: number): number {
  return Math.imul(hash ^ codeUnit, 0x01000193) >>> 0;
}

/** FNV-1a 32-bit hash of a string's UTF-16 code units, continuing from `seed`. Pure. */
export function fnv1aHash(text: string, seed: number = fnv1aOffsetBasis): number {
  let hash = seed;
  for (let index = 0; index < text.length; index += 1) {
    hash = fnv1aStep(hash, text.charCodeAt(index));
  }
  return hash;
}
