/**
 * A port of `np.trapz(y, x)`: `sum(diff(x) · (y[1:] + y[:-1]) / 2)`, summed the way numpy's
 * `add.reduce` sums float64 (pairwise, eight accumulators per block of up to 128), so that APGR
 * matches RouteLLM's to the last bit rather than merely to rounding.
 */

const pairwiseBlockSize = 128;

/** numpy's `pairwise_sum` for float64 (numpy/_core/src/umath/loops_utils.h.src). */
export function numpyPairwiseSum(
  values: readonly number[],
  start = 0,
  count = values.length,
): number {
  const at = (index: number): number => values[start + index] ?? Number.NaN;
  if (count < 8) {
    // numpy starts this branch from -0.0 so that a sum of negative zeros stays negative.
    let sum = -0;
    for (let index = 0; index < count; index += 1) sum += at(index);
    return sum;
  }
  if (count <= pairwiseBlockSize) {
    const accumulators = [0, 1, 2, 3, 4, 5, 6, 7].map(at);
    const unrolled = count - (count % 8);
    for (let index = 8; index < unrolled; index += 8) {
      for (let lane = 0; lane < 8; lane += 1) {
        accumulators[lane] = (accumulators[lane] ?? 0) + at(index + lane);
      }
    }
    const [a0 = 0, a1 = 0, a2 = 0, a3 = 0, a4 = 0, a5 = 0, a6 = 0, a7 = 0] = accumulators;
    let sum = a0 + a1 + (a2 + a3) + (a4 + a5 + (a6 + a7));
    for (let index = unrolled; index < count; index += 1) sum += at(index);
    return sum;
  }
  let half = count >> 1;
  half -= half % 8;
  return (
    numpyPairwiseSum(values, start, half) + numpyPairwiseSum(values, start + half, count - half)
  );
}

/** `np.trapz(y, x)`: the trapezoidal area under `y` over `x` (x need not be distinct). */
export function numpyTrapz(y: readonly number[], x: readonly number[]): number {
  if (x.length !== y.length) throw new Error('trapz needs x and y of equal length');
  const terms: number[] = [];
  for (let index = 1; index < x.length; index += 1) {
    const width = (x[index] ?? Number.NaN) - (x[index - 1] ?? Number.NaN);
    terms.push((width * ((y[index] ?? Number.NaN) + (y[index - 1] ?? Number.NaN))) / 2);
  }
  return numpyPairwiseSum(terms);
}
