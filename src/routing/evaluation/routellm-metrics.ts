import { numpyInterp } from './numpy-interp.ts';
import { numpyTrapz } from './numpy-trapz.ts';
import type { OperatingPoint } from './routellm-threshold-points.ts';

/**
 * RouteLLM's summary metrics (`routellm/evals/evaluate.py`, `generate_results`) over a router's
 * operating points. Every function sorts the points by strong share first, as RouteLLM's
 * `sort_values(by=["strong_percentage"])` does; points that tie on the share also tie on quality
 * (they route the same prompts), so the sort's stability does not matter.
 */

/** The weak-only and strong-only qualities the metrics normalise against. */
export interface PairBaselines {
  readonly weakQuality: number;
  readonly strongQuality: number;
}

export function sortByStrongPercent(points: readonly OperatingPoint[]): OperatingPoint[] {
  return [...points].sort((left, right) => left.strongPercent - right.strongPercent);
}

/** Performance gap recovered: `(q − q_weak) / (q_strong − q_weak)`. */
export function performanceGapRecovered(quality: number, baselines: PairBaselines): number {
  return (quality - baselines.weakQuality) / (baselines.strongQuality - baselines.weakQuality);
}

/** `auc_metric`: trapezoidal area of quality over the strong-call fraction (0..1). */
export function qualityArea(points: readonly OperatingPoint[]): number {
  const sorted = sortByStrongPercent(points);
  return numpyTrapz(
    sorted.map((point) => point.quality),
    sorted.map((point) => point.strongPercent / 100),
  );
}

/**
 * `apgr_metric`: the area normalised between the areas of a constant weak-only and strong-only
 * quality over the same x values (so duplicate or missing end points are treated alike).
 */
export function averagePerformanceGapRecovered(
  points: readonly OperatingPoint[],
  baselines: PairBaselines,
): number {
  const sorted = sortByStrongPercent(points);
  const fractions = sorted.map((point) => point.strongPercent / 100);
  const weakArea = numpyTrapz(
    sorted.map(() => baselines.weakQuality),
    fractions,
  );
  const strongArea = numpyTrapz(
    sorted.map(() => baselines.strongQuality),
    fractions,
  );
  return (qualityArea(sorted) - weakArea) / (strongArea - weakArea);
}

/**
 * `pct_call_metric`: CPT(x), the strong-call percentage at which the router reaches a quality of
 * `q_weak + x·(q_strong − q_weak)`, read off with `np.interp` using quality as the x-axis (so it
 * inherits numpy's behaviour when quality is not monotone in the strong share). `fraction` is x
 * in 0..1 (0.5 for CPT(50%)); the result is a percentage (0..100).
 */
export function callPerformanceThreshold(
  points: readonly OperatingPoint[],
  fraction: number,
  baselines: PairBaselines,
): number {
  const sorted = sortByStrongPercent(points);
  const target =
    fraction * (baselines.strongQuality - baselines.weakQuality) + baselines.weakQuality;
  return numpyInterp(
    target,
    sorted.map((point) => point.quality),
    sorted.map((point) => point.strongPercent),
  );
}
