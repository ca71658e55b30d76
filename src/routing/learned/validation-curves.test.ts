import { describe, expect, it } from 'vitest';
import { evaluateMultiModelRouter } from '../evaluation/multi-model-router-metrics.ts';
import type { RoutingExample } from '../evaluation/routing-example.ts';
import { relativeCosts } from '../evaluation/tradeoff-sweep.ts';
import { pairValidationSchema, multiModelValidationSchema } from './router-validation.ts';
import {
  multiModelValidationCurve,
  pairValidationCurve,
  rankWithinFolds,
  thinned,
} from './validation-curves.ts';

describe('rankWithinFolds', () => {
  it('ranks each fold on its own, ties sharing their mid-rank', () => {
    // Fold a scores on a scale ten times fold b's; the ranks agree anyway.
    const scores = [10, 20, 30, 40, 1, 2, 3, 4, 5, 5];
    const folds = [
      [0, 1, 2, 3],
      [4, 5, 6, 7, 8, 9],
    ];
    expect(rankWithinFolds(scores, folds)).toEqual([
      0.125,
      0.375,
      0.625,
      0.875,
      0.5 / 6,
      1.5 / 6,
      2.5 / 6,
      3.5 / 6,
      5 / 6,
      5 / 6,
    ]);
  });
});

describe('thinned', () => {
  it('keeps short lists and spaces long ones evenly, ends included', () => {
    expect(thinned([1, 2, 3], 5)).toEqual([1, 2, 3]);
    const items = Array.from({ length: 50 }, (_, i) => i);
    const kept = thinned(items, 25);
    expect(kept).toHaveLength(25);
    expect(kept[0]).toBe(0);
    expect(kept.at(-1)).toBe(49);
  });
});

/** 40 rows: the weak model right on 24, the strong on 36; `gain` marks where strong alone is right. */
const outcomes = Array.from({ length: 40 }, (_, i) => ({
  strong: i % 10 === 9 ? 0 : 1,
  weak: i % 10 < 6 ? 1 : i % 10 === 9 ? 1 : 0,
}));
const folds = [0, 1].map((f) => outcomes.map((_, i) => i).filter((i) => i % 2 === f));

describe('pairValidationCurve', () => {
  it('runs from the weak model alone to the strong model alone, PGR in step', () => {
    // A useful router: rows where only strong is right score high, noise elsewhere.
    const scores = outcomes.map((o, i) => (o.strong > o.weak ? 1 : 0) + ((i * 7) % 13) / 100);
    const curve = pairValidationCurve(scores, outcomes, folds);
    if (curve === undefined) throw new Error('no curve');
    expect(pairValidationSchema.safeParse(curve).success).toBe(true);
    expect(curve.weakQuality).toBeCloseTo(28 / 40, 9);
    expect(curve.strongQuality).toBeCloseTo(36 / 40, 9);
    expect(curve.points).toHaveLength(21);
    expect(curve.points[0]).toEqual({ strongShare: 0, quality: curve.weakQuality, pgr: 0 });
    expect(curve.points.at(-1)).toEqual({ strongShare: 1, quality: curve.strongQuality, pgr: 1 });
    curve.points.forEach((point, index) => {
      // Ties within a fold move a cut point by a row or two from its 5% step.
      expect(Math.abs(point.strongShare - index * 0.05)).toBeLessThanOrEqual(0.05);
      expect(point.strongShare).toBeGreaterThanOrEqual(curve.points[index - 1]?.strongShare ?? 0);
      expect(point.pgr).toBeCloseTo(
        (point.quality - curve.weakQuality) / (curve.strongQuality - curve.weakQuality),
        5,
      );
    });
    // Gain rows are 30% of the traffic: routing them first recovers the whole gap by then.
    const first = curve.points.find((point) => point.pgr === 1);
    expect(first?.strongShare).toBeLessThanOrEqual(0.35);
    expect(curve.apgr).toBeGreaterThan(0.8);
    expect(curve.cpt80).toBeLessThanOrEqual(0.3);
    expect(curve.random.points[0]?.quality).toBe(curve.weakQuality);
    expect(curve.random.points.at(-1)?.quality).toBe(curve.strongQuality);
    expect(curve.random.apgr).toBeGreaterThan(0.3);
    expect(curve.random.apgr).toBeLessThan(0.7);
  });

  it('reads a backwards router as worse than random', () => {
    const scores = outcomes.map((o) => (o.strong > o.weak ? 0 : 1));
    const curve = pairValidationCurve(scores, outcomes, folds);
    expect(curve?.apgr).toBeLessThan(curve?.random.apgr ?? 0);
  });

  it('gives no curve when both models score alike (PGR is undefined)', () => {
    const same = outcomes.map(() => ({ strong: 1, weak: 1 }));
    expect(pairValidationCurve([...same.keys()], same, folds)).toBeUndefined();
  });
});

describe('multiModelValidationCurve', () => {
  it('keeps the distinct operating points, each model, the oracle and the zero router', () => {
    const models = ['cheap', 'dear'];
    const examples: RoutingExample[] = Array.from({ length: 20 }, (_, i) => ({
      prompt: String(i),
      scores: { cheap: i % 2, dear: 1 },
      costs: { cheap: 1, dear: 10 },
    }));
    const predicted = examples.map((_, i) => [i % 2 === 0 ? 0.2 : 0.9, 0.95]);
    const metrics = evaluateMultiModelRouter(examples, predicted, models, relativeCosts([1, 10]));
    const curve = multiModelValidationCurve(metrics, 4, 20);
    expect(multiModelValidationSchema.safeParse(curve).success).toBe(true);
    // λ = 0 takes dear everywhere; moderate λ keeps dear only where cheap fails; large λ cheap only.
    expect(curve.points.map(({ quality, meanCost }) => [quality, meanCost])).toEqual([
      [1, 10],
      [1, 5.5],
      [0.5, 1],
    ]);
    expect(curve.points[0]?.tradeoff).toBe(0);
    expect(curve.singles).toEqual([
      { model: 'cheap', quality: 0.5, meanCost: 1 },
      { model: 'dear', quality: 1, meanCost: 10 },
    ]);
    expect(curve.bestSingle).toBe('dear');
    expect(curve.oracle).toEqual({ quality: 1, meanCost: 5.5 });
    expect(curve.zeroRouter).toEqual([
      { quality: 0.5, meanCost: 1 },
      { quality: 1, meanCost: 10 },
    ]);
    expect(curve.costSavingAt95).toBeGreaterThan(0.4);
    expect(curve.qualityAtBestSingleCost).toBe(1);
  });
});
