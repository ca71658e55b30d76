import type { Random } from '../../lib/random.ts';
import { sigmoid } from './logistic-regression.ts';

/**
 * RouteLLM's matrix-factorisation router, generalised to N models: a prompt row x is projected to
 * a small space (h = P·x), each model m has an embedding v_m and a bias b_m, and
 * P(m answers well | x) = σ(v_m·h + b_m). Trained on per-model correctness, so one model serves
 * N-model routing and, for two models, the strong-vs-weak score logit_s − logit_w (RouteLLM's
 * w₂ᵀ(v_s ⊙ h) − w₂ᵀ(v_w ⊙ h); w₂ is folded into v here, which spans the same functions).
 */
export interface MfOptions {
  readonly rank: number;
  readonly l2: number;
  readonly iterations?: number;
  readonly learningRate?: number;
}

export interface MfModel {
  readonly models: readonly string[];
  /** rank × width, row-major. */
  readonly projection: readonly number[];
  readonly width: number;
  readonly rank: number;
  /** models × rank, row-major. */
  readonly embeddings: readonly number[];
  readonly biases: readonly number[];
}

export function mfLogits(model: MfModel, row: ArrayLike<number>): number[] {
  const h = new Float64Array(model.rank);
  for (let j = 0; j < model.rank; j += 1) {
    let sum = 0;
    const base = j * model.width;
    for (let i = 0; i < model.width; i += 1)
      sum += (model.projection[base + i] ?? 0) * (row[i] ?? 0);
    h[j] = sum;
  }
  return model.models.map((_, m) => {
    let z = model.biases[m] ?? 0;
    for (let j = 0; j < model.rank; j += 1)
      z += (model.embeddings[m * model.rank + j] ?? 0) * (h[j] ?? 0);
    return z;
  });
}

/** Full-batch Adam on mean log-loss over all (prompt, model) pairs + (l2/2)·(‖P‖² + ‖V‖²). */
export function trainMf(
  rows: readonly Float64Array[],
  /** scores[r][m] in 0..1 for model `models[m]`. */
  scores: readonly (readonly number[])[],
  models: readonly string[],
  options: MfOptions,
  random: Random,
): MfModel {
  const width = rows[0]?.length ?? 0;
  const { rank } = options;
  const count = models.length;
  // Small random start: the factorisation is symmetric at zero and would never leave it.
  const params = new Float64Array(rank * width + count * rank + count);
  for (let i = 0; i < rank * width + count * rank; i += 1) params[i] = (random.next() - 0.5) * 0.1;
  const vOffset = rank * width;
  const bOffset = vOffset + count * rank;
  const gradient = new Float64Array(params.length);
  const m1 = new Float64Array(params.length);
  const m2 = new Float64Array(params.length);
  const iterations = options.iterations ?? 300;
  const rate = options.learningRate ?? 0.02;
  const n = rows.length;
  const h = new Float64Array(rank);
  const dh = new Float64Array(rank);
  for (let step = 1; step <= iterations; step += 1) {
    gradient.fill(0);
    for (let r = 0; r < n; r += 1) {
      const row = rows[r] ?? new Float64Array(width);
      for (let j = 0; j < rank; j += 1) {
        let sum = 0;
        for (let i = 0; i < width; i += 1) sum += (params[j * width + i] ?? 0) * (row[i] ?? 0);
        h[j] = sum;
      }
      dh.fill(0);
      for (let m = 0; m < count; m += 1) {
        let z = params[bOffset + m] ?? 0;
        for (let j = 0; j < rank; j += 1) z += (params[vOffset + m * rank + j] ?? 0) * (h[j] ?? 0);
        const error = (sigmoid(z) - (scores[r]?.[m] ?? 0)) / (n * count);
        gradient[bOffset + m] = (gradient[bOffset + m] ?? 0) + error;
        for (let j = 0; j < rank; j += 1) {
          const at = vOffset + m * rank + j;
          gradient[at] = (gradient[at] ?? 0) + error * (h[j] ?? 0);
          dh[j] = (dh[j] ?? 0) + error * (params[at] ?? 0);
        }
      }
      for (let j = 0; j < rank; j += 1) {
        const d = dh[j] ?? 0;
        if (d === 0) continue;
        for (let i = 0; i < width; i += 1)
          gradient[j * width + i] = (gradient[j * width + i] ?? 0) + d * (row[i] ?? 0);
      }
    }
    const stepRate = rate / Math.sqrt(1 + step / 50);
    for (let i = 0; i < params.length; i += 1) {
      const g = (gradient[i] ?? 0) + (i < bOffset ? options.l2 * (params[i] ?? 0) : 0);
      m1[i] = 0.9 * (m1[i] ?? 0) + 0.1 * g;
      m2[i] = 0.999 * (m2[i] ?? 0) + 0.001 * g * g;
      const hat1 = (m1[i] ?? 0) / (1 - 0.9 ** step);
      const hat2 = (m2[i] ?? 0) / (1 - 0.999 ** step);
      params[i] = (params[i] ?? 0) - (stepRate * hat1) / (Math.sqrt(hat2) + 1e-8);
    }
  }
  return {
    models,
    projection: Array.from(params.subarray(0, vOffset)),
    width,
    rank,
    embeddings: Array.from(params.subarray(vOffset, bOffset)),
    biases: Array.from(params.subarray(bOffset)),
  };
}
