import { createSeededRandom } from '../../lib/random.ts';
import {
  averagePerformanceGapRecovered,
  callPerformanceThreshold,
  qualityArea,
  sortByStrongPercent,
  type PairBaselines,
} from './routellm-metrics.ts';
import {
  routeLlmThresholdPoints,
  singleModelQuality,
  type OperatingPoint,
  type PairOutcome,
  type ThresholdPointOptions,
} from './routellm-threshold-points.ts';

/** A strong/weak router scored the way RouteLLM's evaluator scores it. */
export interface PairRouterEvaluation extends PairBaselines {
  /** The operating points, sorted by strong share. */
  readonly points: readonly OperatingPoint[];
  readonly area: number;
  readonly apgr: number;
  /** CPT(20%), CPT(50%), CPT(80%) in percent strong calls (RouteLLM prints all three). */
  readonly cpt20: number;
  readonly cpt50: number;
  readonly cpt80: number;
}

/**
 * Scores a router that gives every prompt a number (higher = more in need of the strong model)
 * against the per-prompt outcomes of both models, with RouteLLM's thresholds and metrics.
 */
export function evaluatePairRouter(
  scores: readonly number[],
  outcomes: readonly PairOutcome[],
  options: ThresholdPointOptions = {},
): PairRouterEvaluation {
  const scale = options.qualityScale ?? 100;
  const baselines: PairBaselines = {
    weakQuality: singleModelQuality(outcomes, 'weak', scale),
    strongQuality: singleModelQuality(outcomes, 'strong', scale),
  };
  const points = sortByStrongPercent(routeLlmThresholdPoints(scores, outcomes, options));
  return {
    ...baselines,
    points,
    area: qualityArea(points),
    apgr: averagePerformanceGapRecovered(points, baselines),
    cpt20: callPerformanceThreshold(points, 0.2, baselines),
    cpt50: callPerformanceThreshold(points, 0.5, baselines),
    cpt80: callPerformanceThreshold(points, 0.8, baselines),
  };
}

/** The mean metrics of the random router over several seeds. */
export interface RandomRouterEvaluation {
  readonly seeds: readonly number[];
  readonly apgr: number;
  readonly cpt20: number;
  readonly cpt50: number;
  readonly cpt80: number;
  readonly runs: readonly PairRouterEvaluation[];
}

function mean(values: readonly number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

/**
 * RouteLLM's baseline: every prompt gets a uniform(0, 1) score (`random.uniform(0, 1)`), so each
 * threshold sends a random subset to the strong model. One run is noisy (±0.02 APGR), so the
 * metrics are averaged over `seeds` (10 by default, as in RouteLLM's README) of a seeded
 * generator: reproducible, but not Python's Mersenne Twister stream, so single runs differ from
 * RouteLLM's while the mean agrees within the noise.
 */
export function evaluateRandomRouter(
  outcomes: readonly PairOutcome[],
  options: ThresholdPointOptions & { readonly seeds?: readonly number[] } = {},
): RandomRouterEvaluation {
  const seeds = options.seeds ?? [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const runs = seeds.map((seed) => {
    const random = createSeededRandom(seed);
    const scores = outcomes.map(() => random.next());
    return evaluatePairRouter(scores, outcomes, options);
  });
  return {
    seeds,
    runs,
    apgr: mean(runs.map((run) => run.apgr)),
    cpt20: mean(runs.map((run) => run.cpt20)),
    cpt50: mean(runs.map((run) => run.cpt50)),
    cpt80: mean(runs.map((run) => run.cpt80)),
  };
}
