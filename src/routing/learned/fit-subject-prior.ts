import { featureCount, featureRow, type FeatureConfig } from './feature-space.ts';
import { logisticLogit, trainLogistic } from './logistic-regression.ts';
import type { RouterModelPart } from './router-artifact.ts';
import type { PairCandidate, PairTrainingRow } from './train-pair-router.ts';

/**
 * Empirical-Bayes group means of `labels`: each group's mean shrunk towards the global mean by
 * `pooled within-group variance / between-group variance` pseudo-rows (method of moments), so a
 * subject with ~26 noisy rows moves only as far from the global rate as the data support.
 */
export function empiricalBayesGroupMeans(
  labels: readonly number[],
  groups: readonly (string | undefined)[],
): { readonly global: number; readonly means: ReadonlyMap<string, number> } {
  const global = labels.reduce((a, b) => a + b, 0) / Math.max(1, labels.length);
  const sums = new Map<string, { total: number; squares: number; count: number }>();
  groups.forEach((group, index) => {
    if (group === undefined) return;
    const y = labels[index] ?? 0;
    const entry = sums.get(group) ?? { total: 0, squares: 0, count: 0 };
    entry.total += y;
    entry.squares += y * y;
    entry.count += 1;
    sums.set(group, entry);
  });
  let within = 0;
  let degrees = 0;
  for (const { total, squares, count } of sums.values()) {
    within += squares - (total * total) / count;
    degrees += count - 1;
  }
  within /= Math.max(1, degrees);
  let between = 0;
  for (const { total, count } of sums.values())
    between += ((total / count - global) ** 2 - within / count) / sums.size;
  const shrinkage = within / Math.max(1e-6, between);
  const means = new Map<string, number>();
  for (const [group, { total, count }] of sums)
    means.set(group, (total + shrinkage * global) / (count + shrinkage));
  return { global, means };
}

function meanAndScale(values: readonly number[]): { mean: number; scale: number } {
  const mean = values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
  const variance = values.reduce((a, v) => a + (v - mean) ** 2, 0) / Math.max(1, values.length);
  return { mean, scale: variance > 1e-12 ? Math.sqrt(variance) : 1 };
}

/**
 * The subject-prior candidate as one linear model over `features` (encoder, hand, group one-hot):
 * score = z(prior of the group) + λ·z(group-free logistic logit). A group unseen in training gets
 * the global mean, as an all-zero one-hot gives.
 */
export function fitSubjectPrior(
  candidate: Extract<PairCandidate, { type: 'subject-prior' }>,
  rows: readonly PairTrainingRow[],
  features: FeatureConfig,
): RouterModelPart {
  const descriptions = rows.map((row) => row.description);
  // The `gain` label of pairLabel, written out so that this module does not import its importer.
  const labels = rows.map((row) => (row.strong - row.weak + 1) / 2);
  const textFeatures: FeatureConfig = { ...features, groups: [] };
  const textWidth = featureCount(textFeatures);
  const weights = new Array<number>(featureCount(features)).fill(0);
  let bias = 0;
  if (candidate.lambda > 0) {
    const textRows = descriptions.map((d) => featureRow(textFeatures, d));
    const text = trainLogistic(textRows, labels, { l2: candidate.l2, iterations: 250 });
    const { mean, scale } = meanAndScale(textRows.map((row) => logisticLogit(text, row)));
    const factor = candidate.lambda / scale;
    for (let i = 0; i < textWidth; i += 1) weights[i] = (text.weights[i] ?? 0) * factor;
    bias += (text.bias - mean) * factor;
  }
  const prior = empiricalBayesGroupMeans(
    labels,
    descriptions.map((d) => d.group),
  );
  const priorOf = (group: string | undefined) =>
    group === undefined ? prior.global : (prior.means.get(group) ?? prior.global);
  const { mean, scale } = meanAndScale(descriptions.map((d) => priorOf(d.group)));
  bias += (prior.global - mean) / scale;
  features.groups.forEach((group, index) => {
    weights[textWidth + index] = (priorOf(group) - prior.global) / scale;
  });
  return { type: 'logistic', weights, bias };
}
