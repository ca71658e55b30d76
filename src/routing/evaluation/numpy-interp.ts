/**
 * A port of `np.interp(x, xp, fp)` for one scalar `x`, including what it does when `xp` is not
 * increasing. RouteLLM calls it with quality as `xp`, and quality along the strong-call axis is
 * not monotone (the last points often dip below the best mixture), so the result depends on
 * numpy's exact bracket search rather than on any mathematical definition of interpolation.
 * Source: numpy/_core/src/multiarray/compiled_base.c (`arr_interp`, `binary_search_with_guess`).
 */

const likelyInCacheSize = 8;

function at(values: readonly number[], index: number): number {
  return values[index] ?? Number.NaN;
}

/** numpy's `binary_search_with_guess`: the `j` with `xp[j] <= key < xp[j + 1]` if `xp` were sorted. */
export function numpyBinarySearchWithGuess(
  key: number,
  xp: readonly number[],
  initialGuess: number,
): number {
  const length = xp.length;
  let imin = 0;
  let imax = length;
  if (key > at(xp, length - 1)) return length;
  if (key < at(xp, 0)) return -1;
  if (length <= 4) {
    let index = 1;
    while (index < length && key >= at(xp, index)) index += 1;
    return index - 1;
  }
  const guess = Math.max(Math.min(initialGuess, length - 3), 1);
  if (key < at(xp, guess)) {
    if (key >= at(xp, guess - 1)) return guess - 1;
    imax = guess - 1;
    if (guess > likelyInCacheSize && key >= at(xp, guess - likelyInCacheSize)) {
      imin = guess - likelyInCacheSize;
    }
  } else {
    if (key < at(xp, guess + 1)) return guess;
    if (key < at(xp, guess + 2)) return guess + 1;
    imin = guess + 2;
    if (guess < length - likelyInCacheSize - 1 && key < at(xp, guess + likelyInCacheSize)) {
      imax = guess + likelyInCacheSize;
    }
  }
  while (imin < imax) {
    const middle = imin + ((imax - imin) >> 1);
    if (key >= at(xp, middle)) imin = middle + 1;
    else imax = middle;
  }
  return imin - 1;
}

/** `np.interp(x, xp, fp)` with numpy's default left/right values (`fp[0]`, `fp[-1]`). */
export function numpyInterp(x: number, xp: readonly number[], fp: readonly number[]): number {
  if (xp.length === 0 || xp.length !== fp.length)
    throw new Error('interp needs equal, non-empty xp and fp');
  if (Number.isNaN(x)) return x;
  if (xp.length === 1) {
    if (x < at(xp, 0)) return at(fp, 0);
    return at(fp, 0);
  }
  const last = xp.length - 1;
  const j = numpyBinarySearchWithGuess(x, xp, 0);
  if (j === -1) return at(fp, 0);
  if (j === xp.length) return at(fp, last);
  if (j === last) return at(fp, j);
  if (at(xp, j) === x) return at(fp, j);
  const slope = (at(fp, j + 1) - at(fp, j)) / (at(xp, j + 1) - at(xp, j));
  let result = slope * (x - at(xp, j)) + at(fp, j);
  if (Number.isNaN(result)) {
    // numpy retries from the right end of the bracket, then falls back on a flat segment.
    result = slope * (x - at(xp, j + 1)) + at(fp, j + 1);
    if (Number.isNaN(result) && at(fp, j) === at(fp, j + 1)) result = at(fp, j);
  }
  return result;
}
