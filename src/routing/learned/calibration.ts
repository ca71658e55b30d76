/**
 * Threshold calibration (RouteLLM's calibrate_threshold.py): score a calibration set, keep its
 * quantiles, and route to the strong model when score ≥ quantile(1 − share). The stored table
 * has 101 quantiles (0%, 1%, …, 100%); shares in between are interpolated.
 */
export interface ScoreCalibration {
  /** quantiles[i] = the i% quantile of the calibration scores (linear interpolation, as numpy). */
  readonly quantiles: readonly number[];
  readonly sampleCount: number;
}

export function quantileOf(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) throw new RangeError('quantile of no values');
  const position = Math.min(1, Math.max(0, q)) * (sorted.length - 1);
  const low = Math.floor(position);
  const high = Math.min(sorted.length - 1, low + 1);
  const fraction = position - low;
  return (sorted[low] ?? 0) * (1 - fraction) + (sorted[high] ?? 0) * fraction;
}

export function calibrate(scores: readonly number[]): ScoreCalibration {
  const sorted = [...scores].sort((a, b) => a - b);
  return {
    quantiles: Array.from({ length: 101 }, (_, i) => quantileOf(sorted, i / 100)),
    sampleCount: sorted.length,
  };
}

/** The threshold that sends about `share` (0..1) of calibration-like traffic to the strong model. */
export function thresholdForShare(calibration: ScoreCalibration, share: number): number {
  return quantileOf(calibration.quantiles, 1 - share);
}
