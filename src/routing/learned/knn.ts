/**
 * k-nearest-neighbour scoring over unit encoder vectors (cosine = dot product). The neighbours'
 * labels are averaged with similarity weights and shrunk towards a prior: the group's base rate
 * when the group is known and was seen in training (the per-subject rate is a strong signal on
 * MMLU), else the global rate. Shrinkage keeps a handful of far neighbours from deciding alone.
 */
export interface KnnOptions {
  readonly k: number;
  /** Pseudo-count of the prior, in units of neighbour weight. */
  readonly priorStrength: number;
  /** Use per-group base rates as the prior; false for splits where groups must not leak. */
  readonly useGroupPrior: boolean;
}

export interface KnnModel {
  readonly options: KnnOptions;
  readonly vectors: readonly Float32Array[];
  readonly labels: readonly number[];
  readonly globalRate: number;
  readonly groupRates: Readonly<Record<string, number>>;
}

/** Group rates are themselves shrunk towards the global rate (10 pseudo-examples): ~26 rows a subject is little. */
const groupRateShrinkage = 10;

export function trainKnn(
  vectors: readonly Float32Array[],
  labels: readonly number[],
  groups: readonly (string | undefined)[],
  options: KnnOptions,
): KnnModel {
  const globalRate = labels.reduce((a, b) => a + b, 0) / Math.max(1, labels.length);
  const sums = new Map<string, { total: number; count: number }>();
  groups.forEach((group, index) => {
    if (group === undefined) return;
    const entry = sums.get(group) ?? { total: 0, count: 0 };
    entry.total += labels[index] ?? 0;
    entry.count += 1;
    sums.set(group, entry);
  });
  const groupRates: Record<string, number> = {};
  if (options.useGroupPrior) {
    for (const [group, { total, count }] of sums) {
      groupRates[group] = (total + groupRateShrinkage * globalRate) / (count + groupRateShrinkage);
    }
  }
  return { options, vectors, labels, globalRate, groupRates };
}

export function knnScore(model: KnnModel, vector: Float32Array, group?: string): number {
  const k = Math.min(model.options.k, model.vectors.length);
  // A small sorted buffer of the best k: k is tens, the reference set thousands.
  const bestSims = new Float64Array(k).fill(-Infinity);
  const bestIndex = new Int32Array(k).fill(-1);
  model.vectors.forEach((reference, index) => {
    let sim = 0;
    for (let i = 0; i < vector.length; i += 1) sim += (vector[i] ?? 0) * (reference[i] ?? 0);
    if (sim <= (bestSims[k - 1] ?? -Infinity)) return;
    let slot = k - 1;
    while (slot > 0 && sim > (bestSims[slot - 1] ?? -Infinity)) {
      bestSims[slot] = bestSims[slot - 1] ?? -Infinity;
      bestIndex[slot] = bestIndex[slot - 1] ?? -1;
      slot -= 1;
    }
    bestSims[slot] = sim;
    bestIndex[slot] = index;
  });
  const prior =
    group !== undefined && model.groupRates[group] !== undefined
      ? (model.groupRates[group] ?? 0)
      : model.globalRate;
  let weighted = model.options.priorStrength * prior;
  let weight = model.options.priorStrength;
  for (let slot = 0; slot < k; slot += 1) {
    const index = bestIndex[slot] ?? -1;
    if (index < 0) continue;
    const w = Math.max(0, bestSims[slot] ?? 0);
    weighted += w * (model.labels[index] ?? 0);
    weight += w;
  }
  return weight > 0 ? weighted / weight : prior;
}
