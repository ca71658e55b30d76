/**
 * Exact top-k search by cosine similarity over unit vectors (a dot product), for the N-model kNN
 * router. Neighbours come back most similar first; ties keep the earlier reference first.
 */
export interface Neighbour {
  readonly index: number;
  readonly similarity: number;
}

export function nearestNeighbours(
  references: readonly Float32Array[],
  query: Float32Array,
  k: number,
): Neighbour[] {
  const size = Math.min(k, references.length);
  // A small sorted buffer of the best k: k is tens, the reference set thousands.
  const sims = new Float64Array(size).fill(Number.NEGATIVE_INFINITY);
  const indices = new Int32Array(size).fill(-1);
  references.forEach((reference, index) => {
    let sim = 0;
    for (let i = 0; i < query.length; i += 1) sim += (query[i] ?? 0) * (reference[i] ?? 0);
    if (size === 0 || sim <= (sims[size - 1] ?? Number.NEGATIVE_INFINITY)) return;
    let slot = size - 1;
    while (slot > 0 && sim > (sims[slot - 1] ?? Number.NEGATIVE_INFINITY)) {
      sims[slot] = sims[slot - 1] ?? Number.NEGATIVE_INFINITY;
      indices[slot] = indices[slot - 1] ?? -1;
      slot -= 1;
    }
    sims[slot] = sim;
    indices[slot] = index;
  });
  return Array.from(indices, (index, slot) => ({ index, similarity: sims[slot] ?? 0 }));
}

/** Per output, the plain mean of the first `k` neighbours' targets. */
export function meanOfNeighbours(
  neighbours: readonly Neighbour[],
  targets: readonly (readonly number[])[],
  k: number,
  outputs: number,
): number[] {
  const used = neighbours.slice(0, k);
  const means = new Array<number>(outputs).fill(0);
  for (const { index } of used)
    for (let o = 0; o < outputs; o += 1) means[o] = (means[o] ?? 0) + (targets[index]?.[o] ?? 0);
  return means.map((sum) => sum / Math.max(1, used.length));
}
