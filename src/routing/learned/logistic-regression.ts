/**
 * L2-regularised logistic regression on dense rows, trained by full-batch Adam. Full batch and a
 * zero start make training deterministic (same data, same weights) and, the loss being convex,
 * the optimum does not depend on the start. Targets may be soft (0..1): the "gain" label uses 0.5
 * for "both models equal".
 */
export interface LogisticOptions {
  /** Objective: mean log-loss + (l2 / 2)·‖w‖² (the bias is not penalised). */
  readonly l2: number;
  readonly iterations?: number;
  readonly learningRate?: number;
}

export interface LogisticModel {
  readonly weights: readonly number[];
  readonly bias: number;
}

export function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

export function logisticLogit(model: LogisticModel, row: ArrayLike<number>): number {
  let z = model.bias;
  for (let i = 0; i < model.weights.length; i += 1) z += (model.weights[i] ?? 0) * (row[i] ?? 0);
  return z;
}

/** The regularised objective, exported so tests can check the optimiser actually minimises it. */
export function logisticObjective(
  model: LogisticModel,
  rows: readonly ArrayLike<number>[],
  targets: readonly number[],
  l2: number,
): number {
  let loss = 0;
  rows.forEach((row, index) => {
    const p = Math.min(1 - 1e-12, Math.max(1e-12, sigmoid(logisticLogit(model, row))));
    const y = targets[index] ?? 0;
    loss -= y * Math.log(p) + (1 - y) * Math.log(1 - p);
  });
  let norm = 0;
  for (const w of model.weights) norm += w * w;
  return loss / Math.max(1, rows.length) + (l2 / 2) * norm;
}

export function trainLogistic(
  rows: readonly Float64Array[],
  targets: readonly number[],
  options: LogisticOptions,
): LogisticModel {
  if (rows.length !== targets.length || rows.length === 0)
    throw new RangeError('logistic: need rows and matching targets');
  const width = rows[0]?.length ?? 0;
  const iterations = options.iterations ?? 300;
  const rate = options.learningRate ?? 0.05;
  // Index `width` holds the bias.
  const params = new Float64Array(width + 1);
  const gradient = new Float64Array(width + 1);
  const m = new Float64Array(width + 1);
  const v = new Float64Array(width + 1);
  const beta1 = 0.9;
  const beta2 = 0.999;
  const n = rows.length;
  for (let step = 1; step <= iterations; step += 1) {
    gradient.fill(0);
    for (let r = 0; r < n; r += 1) {
      const row = rows[r] ?? new Float64Array(width);
      let z = params[width] ?? 0;
      for (let i = 0; i < width; i += 1) z += (params[i] ?? 0) * (row[i] ?? 0);
      const error = (sigmoid(z) - (targets[r] ?? 0)) / n;
      for (let i = 0; i < width; i += 1) gradient[i] = (gradient[i] ?? 0) + error * (row[i] ?? 0);
      gradient[width] = (gradient[width] ?? 0) + error;
    }
    for (let i = 0; i < width; i += 1)
      gradient[i] = (gradient[i] ?? 0) + options.l2 * (params[i] ?? 0);
    // A decaying step lets full-batch Adam settle on the optimum instead of circling it.
    const stepRate = rate / Math.sqrt(1 + step / 50);
    const correction1 = 1 - beta1 ** step;
    const correction2 = 1 - beta2 ** step;
    for (let i = 0; i <= width; i += 1) {
      const g = gradient[i] ?? 0;
      m[i] = beta1 * (m[i] ?? 0) + (1 - beta1) * g;
      v[i] = beta2 * (v[i] ?? 0) + (1 - beta2) * g * g;
      params[i] =
        (params[i] ?? 0) -
        (stepRate * ((m[i] ?? 0) / correction1)) / (Math.sqrt((v[i] ?? 0) / correction2) + 1e-8);
    }
  }
  return { weights: Array.from(params.subarray(0, width)), bias: params[width] ?? 0 };
}
