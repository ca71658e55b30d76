/**
 * Multi-output ridge regression in closed form: one solve gives every model's linear quality
 * estimate. Minimises, per output, Σ_r (y_r − w·x_r − b)² + alpha·n·‖w‖² (n rows; the bias is not
 * penalised, so alpha means the same at any training size). Deterministic and, unlike gradient
 * training, costs one d×d Cholesky solve whatever the number of models.
 */
export interface RidgeModel {
  /** outputs × width. */
  readonly weights: readonly (readonly number[])[];
  readonly biases: readonly number[];
}

export function ridgePredict(model: RidgeModel, row: ArrayLike<number>): number[] {
  return model.weights.map((weights, output) => {
    let sum = model.biases[output] ?? 0;
    for (let i = 0; i < weights.length; i += 1) sum += (weights[i] ?? 0) * (row[i] ?? 0);
    return sum;
  });
}

/** Solves A·x = b for symmetric positive definite A (d×d, row-major), in place of a copy. */
export function choleskySolve(matrix: Float64Array, d: number, rhs: readonly Float64Array[]) {
  const l = Float64Array.from(matrix);
  for (let j = 0; j < d; j += 1) {
    let diagonal = l[j * d + j] ?? 0;
    for (let k = 0; k < j; k += 1) diagonal -= (l[j * d + k] ?? 0) ** 2;
    if (diagonal <= 0) throw new RangeError('ridge: matrix is not positive definite');
    const root = Math.sqrt(diagonal);
    l[j * d + j] = root;
    for (let i = j + 1; i < d; i += 1) {
      let sum = l[i * d + j] ?? 0;
      for (let k = 0; k < j; k += 1) sum -= (l[i * d + k] ?? 0) * (l[j * d + k] ?? 0);
      l[i * d + j] = sum / root;
    }
  }
  return rhs.map((b) => {
    const y = new Float64Array(d);
    for (let i = 0; i < d; i += 1) {
      let sum = b[i] ?? 0;
      for (let k = 0; k < i; k += 1) sum -= (l[i * d + k] ?? 0) * (y[k] ?? 0);
      y[i] = sum / (l[i * d + i] ?? 1);
    }
    const x = new Float64Array(d);
    for (let i = d - 1; i >= 0; i -= 1) {
      let sum = y[i] ?? 0;
      for (let k = i + 1; k < d; k += 1) sum -= (l[k * d + i] ?? 0) * (x[k] ?? 0);
      x[i] = sum / (l[i * d + i] ?? 1);
    }
    return x;
  });
}

function columnMeans(rows: readonly ArrayLike<number>[], width: number): Float64Array {
  const means = new Float64Array(width);
  for (const row of rows)
    for (let i = 0; i < width; i += 1) means[i] = (means[i] ?? 0) + (row[i] ?? 0) / rows.length;
  return means;
}

export function trainRidge(
  rows: readonly Float64Array[],
  /** targets[r][o]: output o's target for row r. */
  targets: readonly (readonly number[])[],
  alpha: number,
): RidgeModel {
  const n = rows.length;
  const d = rows[0]?.length ?? 0;
  const outputs = targets[0]?.length ?? 0;
  if (n === 0 || targets.length !== n)
    throw new RangeError('ridge: need rows and matching targets');
  if (alpha <= 0) throw new RangeError('ridge: alpha must be positive');
  const xMean = columnMeans(rows, d);
  const yMean = columnMeans(targets, outputs);
  // Gram matrix of the centred rows (upper triangle, mirrored) and Xᵀy per output.
  const gram = new Float64Array(d * d);
  const xty = Array.from({ length: outputs }, () => new Float64Array(d));
  const centred = new Float64Array(d);
  rows.forEach((row, r) => {
    for (let i = 0; i < d; i += 1) centred[i] = (row[i] ?? 0) - (xMean[i] ?? 0);
    for (let i = 0; i < d; i += 1) {
      const ci = centred[i] ?? 0;
      if (ci === 0) continue;
      const base = i * d;
      for (let j = i; j < d; j += 1)
        gram[base + j] = (gram[base + j] ?? 0) + ci * (centred[j] ?? 0);
      for (let o = 0; o < outputs; o += 1) {
        const target = xty[o] as Float64Array;
        target[i] = (target[i] ?? 0) + ci * ((targets[r]?.[o] ?? 0) - (yMean[o] ?? 0));
      }
    }
  });
  for (let i = 0; i < d; i += 1) {
    gram[i * d + i] = (gram[i * d + i] ?? 0) + alpha * n;
    for (let j = i + 1; j < d; j += 1) gram[j * d + i] = gram[i * d + j] ?? 0;
  }
  const solutions = choleskySolve(gram, d, xty);
  const weights = solutions.map((w) => Array.from(w));
  const biases = weights.map((w, o) => {
    let bias = yMean[o] ?? 0;
    for (let i = 0; i < d; i += 1) bias -= (w[i] ?? 0) * (xMean[i] ?? 0);
    return bias;
  });
  return { weights, biases };
}
