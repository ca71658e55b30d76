/** Pure vector arithmetic for turning a model's output tensor into sentence vectors. */

/** Scales `vector` in place to unit length; a zero vector stays zero (nothing to point at). */
export function normaliseInPlace(vector: Float32Array): Float32Array {
  let sumOfSquares = 0;
  for (const value of vector) sumOfSquares += value * value;
  const norm = Math.sqrt(sumOfSquares);
  if (norm > 0) vector.forEach((value, index) => (vector[index] = value / norm));
  return vector;
}

/**
 * Mean of the token vectors of each row of a [batch, sequence, dimensions] tensor, counting only
 * positions whose attention mask is 1: padding must not pull a short text towards the pad
 * token's vector, or the same text would encode differently alone and in a batch. This is the
 * pooling sentence-transformers models such as all-MiniLM-L6-v2 are trained with.
 */
export function meanPool(
  data: Float32Array,
  attentionMask: readonly number[],
  batchSize: number,
  sequenceLength: number,
  dimensions: number,
): Float32Array[] {
  const vectors: Float32Array[] = [];
  for (let row = 0; row < batchSize; row += 1) {
    // Sums in float64: long sequences of float32 additions lose precision.
    const sum = new Float64Array(dimensions);
    let count = 0;
    for (let position = 0; position < sequenceLength; position += 1) {
      const token = row * sequenceLength + position;
      if (attentionMask[token] !== 1) continue;
      count += 1;
      const tokenVector = data.subarray(token * dimensions, (token + 1) * dimensions);
      tokenVector.forEach((value, dimension) => (sum[dimension] = (sum[dimension] ?? 0) + value));
    }
    vectors.push(Float32Array.from(sum, (total) => (count > 0 ? total / count : 0)));
  }
  return vectors;
}

/** Splits an already pooled [batch, dimensions] tensor into one copy per row. */
export function splitRows(
  data: Float32Array,
  batchSize: number,
  dimensions: number,
): Float32Array[] {
  return Array.from({ length: batchSize }, (_, row) =>
    data.slice(row * dimensions, (row + 1) * dimensions),
  );
}
