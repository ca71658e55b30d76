import { qcutEdges } from './numpy-quantile.ts';

/**
 * One prompt's outcome for the routed pair, in RouteLLM's units: correctness (1/0) on MMLU and
 * GSM8K, the judge score (1..10, mean of both turns) on MT-Bench.
 */
export interface PairOutcome {
  readonly strong: number;
  readonly weak: number;
}

/** One threshold of a router: the share of prompts sent to the strong model and the quality. */
export interface OperatingPoint {
  readonly threshold: number;
  /** Strong-model calls, in percent (0..100), as RouteLLM's `strong_percentage`. */
  readonly strongPercent: number;
  /** Mean outcome of the routed answers times `qualityScale` (accuracy in % on MMLU/GSM8K). */
  readonly quality: number;
}

export interface ThresholdPointOptions {
  /** Number of `pd.qcut` bins; RouteLLM's `--num-results` default is 10 (11 thresholds). */
  readonly bins?: number;
  /** RouteLLM reports accuracy as a percentage (100) and MT-Bench scores raw (1). */
  readonly qualityScale?: number;
}

/**
 * The share of prompts routed to the strong model at `threshold`: RouteLLM sends a prompt to the
 * strong model when its score is `>= threshold`, or `> threshold` at the last (maximum) edge so
 * that the curve always ends at 0% strong calls.
 */
export function routesToStrong(score: number, threshold: number, isLastEdge: boolean): boolean {
  return isLastEdge ? score > threshold : score >= threshold;
}

/** The fraction (0..1) of `scores` routed to the strong model at `threshold`. */
export function strongCallShare(
  scores: readonly number[],
  threshold: number,
  isLastEdge = false,
): number {
  if (scores.length === 0) return 0;
  const strong = scores.filter((score) => routesToStrong(score, threshold, isLastEdge)).length;
  return strong / scores.length;
}

/**
 * The operating points of RouteLLM's `Benchmark.evaluate`: thresholds are the `pd.qcut` edges of
 * the router's scores, one point per edge, in edge order (callers sort by strong share).
 * Quality is `sum(routed outcomes) / n · scale` and the strong share `count / n · 100`, the same
 * float operations as RouteLLM so the golden values agree exactly.
 */
export function routeLlmThresholdPoints(
  scores: readonly number[],
  outcomes: readonly PairOutcome[],
  options: ThresholdPointOptions = {},
): OperatingPoint[] {
  if (scores.length !== outcomes.length) throw new Error('one score per outcome is required');
  if (scores.length === 0) throw new Error('no prompts to evaluate');
  const edges = qcutEdges(scores, options.bins ?? 10);
  const scale = options.qualityScale ?? 100;
  return edges.map((threshold, edgeIndex) => {
    const isLastEdge = edgeIndex === edges.length - 1;
    let strongCount = 0;
    let total = 0;
    scores.forEach((score, index) => {
      const outcome = outcomes[index];
      if (outcome === undefined) return;
      if (routesToStrong(score, threshold, isLastEdge)) {
        strongCount += 1;
        total += outcome.strong;
      } else {
        total += outcome.weak;
      }
    });
    return {
      threshold,
      strongPercent: (strongCount / scores.length) * 100,
      quality: (total / scores.length) * scale,
    };
  });
}

/** RouteLLM's `get_model_accuracy`: one model's mean outcome on every prompt, times the scale. */
export function singleModelQuality(
  outcomes: readonly PairOutcome[],
  side: 'strong' | 'weak',
  qualityScale = 100,
): number {
  const total = outcomes.reduce((sum, outcome) => sum + outcome[side], 0);
  return (total / outcomes.length) * qualityScale;
}
