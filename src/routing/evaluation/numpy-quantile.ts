/**
 * Ports of the two numpy/pandas routines RouteLLM's evaluator leans on to pick its thresholds:
 * `np.percentile(..., method='linear')` and the edges of `pd.qcut(x, q, retbins=True)`.
 * Written operation for operation so that the edges agree with pandas to the last bit, which
 * matters because prompts whose score equals an edge flip sides on `>=`.
 */

/**
 * The `q`-quantile (0..1) of ascending `sorted` values with numpy's default `linear` method:
 * virtual index `(n − 1)·q`, then numpy's `_lerp`, which interpolates from the upper neighbour when
 * the weight is at least 0.5 (that choice changes the last bit of the result).
 */
export function numpyLinearQuantile(sorted: readonly number[], q: number): number {
  const count = sorted.length;
  if (count === 0) throw new Error('quantile of an empty array');
  const virtualIndex = (count - 1) * q;
  const previousIndex = Math.min(Math.max(Math.floor(virtualIndex), 0), count - 1);
  const nextIndex = Math.min(previousIndex + 1, count - 1);
  const previous = sorted[previousIndex] ?? Number.NaN;
  const next = sorted[nextIndex] ?? Number.NaN;
  const gamma = virtualIndex - previousIndex;
  const difference = next - previous;
  return gamma >= 0.5 ? next - difference * (1 - gamma) : previous + difference * gamma;
}

/** `np.linspace(0, 1, count)`: `i · step`, with the last value pinned to exactly 1. */
function unitLinspace(count: number): number[] {
  const step = 1 / (count - 1);
  return Array.from({ length: count }, (_, index) => (index === count - 1 ? 1 : index * step));
}

/**
 * The `bins + 1` edges `pd.qcut(scores, bins, retbins=True)` returns: pandas evaluates
 * `Series.quantile(np.linspace(0, 1, bins + 1))`, which calls `np.percentile(values, qs * 100)`,
 * which divides by 100 again; the round trip is kept because it can move a quantile by one ulp.
 *
 * Duplicate edges are kept. pandas' default `duplicates='raise'` would throw on them (RouteLLM's
 * comment says "including duplicates", and with continuous router scores there are none); the
 * reference re-implementation behind `routellm-evals/README.md` keeps all 11 edges, which is what
 * makes its oracle and tie-heavy rows computable at all.
 */
export function qcutEdges(scores: readonly number[], bins: number): number[] {
  const sorted = [...scores].sort((left, right) => left - right);
  return unitLinspace(bins + 1).map((q) => numpyLinearQuantile(sorted, (q * 100) / 100));
}
