import { costQualityHull } from '../evaluation/cost-quality-frontier.ts';
import { evaluatePairRouter, evaluateRandomRouter } from '../evaluation/evaluate-pair-router.ts';
import type { MultiModelRouterMetrics } from '../evaluation/multi-model-router-metrics.ts';
import { performanceGapRecovered, type PairBaselines } from '../evaluation/routellm-metrics.ts';
import type { OperatingPoint, PairOutcome } from '../evaluation/routellm-threshold-points.ts';
import {
  maxValidationPoints,
  type MultiModelValidation,
  type PairValidation,
  type PairValidationPoint,
} from './router-validation.ts';

/**
 * The `validation` sections of router artifacts (router-validation.ts), computed from the
 * out-of-fold predictions cross-validation already made, with the evaluators of
 * src/routing/evaluation/. Pure: the same predictions give the same section.
 */

/** 20 cut points: strong-call shares 0%, 5%, …, 100%. */
const pairCurveBins = 20;

/** Enough digits for a chart and for the figures the docs quote, without bloating the artifact. */
function rounded(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

/**
 * Each score replaced by its mid-rank within its fold, as a fraction (0..1): fold models are
 * fitted separately, so their raw scores need not share a scale, while a rank does (a deployed
 * router's threshold is likewise a share of its own calibration scores). Ties keep one rank.
 */
export function rankWithinFolds(
  scores: readonly number[],
  folds: readonly (readonly number[])[],
): number[] {
  const ranked = new Array<number>(scores.length).fill(0);
  for (const fold of folds) {
    const order = [...fold].sort((a, b) => (scores[a] ?? 0) - (scores[b] ?? 0));
    let start = 0;
    while (start < order.length) {
      let end = start + 1;
      const value = scores[order[start] ?? 0];
      while (end < order.length && scores[order[end] ?? 0] === value) end += 1;
      const midRank = (start + end) / 2 / order.length;
      for (let i = start; i < end; i += 1) ranked[order[i] ?? 0] = midRank;
      start = end;
    }
  }
  return ranked;
}

function sharePoints(
  points: readonly OperatingPoint[],
  baselines: PairBaselines,
): PairValidationPoint[] {
  return points.map((point) => ({
    strongShare: rounded(point.strongPercent / 100),
    quality: rounded(point.quality),
    pgr: rounded(performanceGapRecovered(point.quality, baselines)),
  }));
}

/**
 * The strong/weak section: the router's quality and PGR at shares 0%, 5%, …, 100% from its
 * out-of-fold `scores` (row order; ranked within `folds` first), RouteLLM's APGR and CPT(50/80%),
 * and the random router on the same rows (mean of 10 seeded runs). Undefined when both models
 * score the same on these rows: PGR is then undefined too.
 */
export function pairValidationCurve(
  scores: readonly number[],
  outcomes: readonly PairOutcome[],
  folds: readonly (readonly number[])[],
): PairValidation | undefined {
  const options = { bins: pairCurveBins, qualityScale: 1 };
  const router = evaluatePairRouter(rankWithinFolds(scores, folds), outcomes, options);
  if (router.strongQuality === router.weakQuality) return undefined;
  const random = evaluateRandomRouter(outcomes, options);
  // Random scores are distinct, so every run has its points at the same shares: average by index.
  const randomPoints = (random.runs[0]?.points ?? []).map((_, index) => {
    const runs = random.runs.map((run) => run.points[index]);
    const mean = (pick: (point: OperatingPoint) => number) =>
      runs.reduce((total, point) => total + (point === undefined ? 0 : pick(point)), 0) /
      runs.length;
    return {
      threshold: 0,
      strongPercent: mean((point) => point.strongPercent),
      quality: mean((point) => point.quality),
    };
  });
  const figures = (evaluation: { apgr: number; cpt50: number; cpt80: number }) => ({
    apgr: rounded(evaluation.apgr),
    cpt50: rounded(Math.min(1, Math.max(0, evaluation.cpt50 / 100))),
    cpt80: rounded(Math.min(1, Math.max(0, evaluation.cpt80 / 100))),
  });
  return {
    method: 'out-of-fold',
    folds: folds.length,
    rows: outcomes.length,
    weakQuality: rounded(router.weakQuality),
    strongQuality: rounded(router.strongQuality),
    points: sharePoints(router.points, router),
    ...figures(router),
    random: {
      runs: random.runs.length,
      points: sharePoints(randomPoints, router),
      ...figures(random),
    },
  };
}

/** At most `limit` items, evenly spaced, always keeping the first and the last. */
export function thinned<T>(items: readonly T[], limit: number): T[] {
  if (items.length <= limit) return [...items];
  const picked = new Set<number>();
  for (let i = 0; i < limit; i += 1) picked.add(Math.round((i * (items.length - 1)) / (limit - 1)));
  return [...picked]
    .sort((a, b) => a - b)
    .flatMap((index) => {
      const item = items[index];
      return item === undefined ? [] : [item];
    });
}

/**
 * The N-model section from the chosen candidate's cross-validated metrics (its λ sweep on
 * out-of-fold predictions): the sweep without repeated points, thinned to the limit, each single
 * model, the oracle, the zero router and the figures selection used.
 */
export function multiModelValidationCurve(
  metrics: MultiModelRouterMetrics,
  folds: number,
  rows: number,
): MultiModelValidation {
  const costPoint = (point: { quality: number; meanCost: number }) => ({
    quality: rounded(point.quality),
    // Costs per query span orders of magnitude ($0.00003 to $0.1): keep significant digits.
    meanCost: Number(point.meanCost.toPrecision(8)),
  });
  const distinct = metrics.curve.filter((point, index) => {
    const previous = metrics.curve[index - 1];
    return previous?.quality !== point.quality || previous.meanCost !== point.meanCost;
  });
  return {
    method: 'out-of-fold',
    folds,
    rows,
    points: thinned(distinct, maxValidationPoints).map((point) => ({
      tradeoff: point.tradeoff,
      ...costPoint(point),
    })),
    singles: metrics.singles.map((point) => ({ model: point.model, ...costPoint(point) })),
    bestSingle: metrics.bestSingle.model,
    oracle: costPoint(metrics.oracle),
    zeroRouter: costQualityHull(metrics.singles).map(costPoint),
    averageQuality: rounded(metrics.averageQuality),
    costSavingAt95: metrics.costSavingAt95 === undefined ? null : rounded(metrics.costSavingAt95),
    qualityAtBestSingleCost:
      metrics.qualityAtBestSingleCost === undefined
        ? null
        : rounded(metrics.qualityAtBestSingleCost),
  };
}
