import { describe, expect, it } from 'vitest';
import {
  costQualityHull,
  costSavingAtQualityShare,
  costToReachQuality,
} from './cost-quality-frontier.ts';
import {
  bestSingleModel,
  evaluateChoices,
  oracleChoices,
  singleModelPoints,
} from './model-cost-quality.ts';
import {
  averageQualityOverCosts,
  evaluateMultiModelRouter,
  qualityAtCost,
} from './multi-model-router-metrics.ts';
import type { RoutingExample } from './routing-example.ts';
import { chooseByTradeoff, relativeCosts, sweepTradeoff } from './tradeoff-sweep.ts';

// Three prompts, three models: cheap (1¢), mid (2¢), big (10¢).
const examples: RoutingExample[] = [
  {
    prompt: 'a',
    scores: { cheap: 1, mid: 1, big: 1 },
    costs: { cheap: 0.01, mid: 0.02, big: 0.1 },
  },
  {
    prompt: 'b',
    scores: { cheap: 0, mid: 1, big: 1 },
    costs: { cheap: 0.01, mid: 0.02, big: 0.1 },
  },
  {
    prompt: 'c',
    scores: { cheap: 0, mid: 0, big: 1 },
    costs: { cheap: 0.01, mid: 0.02, big: 0.1 },
  },
];
const models = ['cheap', 'mid', 'big'];

describe('N-model evaluation', () => {
  it('scores a router by its per-prompt choices', () => {
    const point = evaluateChoices(examples, ['cheap', 'big', 'mid']);
    expect(point.quality).toBeCloseTo(2 / 3, 12);
    expect(point.meanCost).toBeCloseTo(0.13 / 3, 12);
  });

  it('finds single-model points, the best model and the cheapest-correct oracle', () => {
    const points = singleModelPoints(examples, models);
    expect(points.map((point) => point.quality)).toEqual([1 / 3, 2 / 3, 1]);
    expect(bestSingleModel(points).model).toBe('big');
    const oracle = oracleChoices(examples, models);
    expect(oracle).toEqual(['cheap', 'mid', 'big']);
    const oraclePoint = evaluateChoices(examples, oracle);
    expect(oraclePoint.quality).toBe(1);
    expect(oraclePoint.meanCost).toBeCloseTo(0.13 / 3, 12);
  });

  it('prefers the cheaper model on a quality tie', () => {
    expect(
      bestSingleModel([
        { model: 'x', quality: 0.5, meanCost: 2 },
        { model: 'y', quality: 0.5, meanCost: 1 },
      ]).model,
    ).toBe('y');
  });

  it('refuses a missing cost rather than treating it as free', () => {
    expect(() => evaluateChoices([{ prompt: 'p', scores: { m: 1 } }], ['m'])).toThrow(/no cost/);
  });
});

describe('cost–quality frontier', () => {
  it('keeps the upper convex hull and drops dominated and concave points', () => {
    const hull = costQualityHull([
      { quality: 0.2, meanCost: 1 },
      { quality: 0.3, meanCost: 3 }, // below the chord (1,0.2)-(4,0.8): dropped
      { quality: 0.8, meanCost: 4 },
      { quality: 0.7, meanCost: 5 }, // dominated by (4, 0.8)
      { quality: 0.9, meanCost: 10 },
    ]);
    expect(hull.map((point) => point.meanCost)).toEqual([1, 4, 10]);
  });

  it('interpolates the cost to reach a quality along a curve', () => {
    const curve = [
      { quality: 0.5, meanCost: 1 },
      { quality: 0.7, meanCost: 2 },
      { quality: 0.9, meanCost: 4 },
    ];
    expect(costToReachQuality(curve, 0.8)).toBeCloseTo(3, 12);
    expect(costToReachQuality(curve, 0.4)).toBe(1);
    expect(costToReachQuality(curve, 0.95)).toBeUndefined();
  });

  it('reports the cost saving at 95% of the best single model', () => {
    const best = { quality: 1, meanCost: 10 };
    // 0.95 lies halfway between (2, 0.9) and (4, 1.0): cost 3, saving 70%.
    const saving = costSavingAtQualityShare(
      [
        { quality: 0.9, meanCost: 2 },
        { quality: 1, meanCost: 4 },
      ],
      best,
    );
    expect(saving).toBeCloseTo(0.7, 12);
    // A single operating point below the target has no saving to report.
    expect(costSavingAtQualityShare([{ quality: 0.9, meanCost: 2 }], best)).toBeUndefined();
  });
});

describe('λ sweep of an N-model router', () => {
  // The cost-quality examples above; relative costs 0.1, 0.2, 1.
  const relative = relativeCosts([0.01, 0.02, 0.1]);
  const truth = examples.map((example) => models.map((model) => example.scores[model] ?? 0));

  it('chooses by predicted quality minus λ times relative cost, cheaper on a tie', () => {
    [0.1, 0.2, 1].forEach((cost, m) => expect(relative[m]).toBeCloseTo(cost, 15));
    expect(chooseByTradeoff([0.5, 0.6, 0.9], relative, 0)).toBe(2);
    expect(chooseByTradeoff([1, 1, 1], relative, 0)).toBe(0);
    // 0.6 − 0.2λ > 0.5 − 0.1λ only while λ < 1.
    expect(chooseByTradeoff([0.5, 0.6, 0.55], relative, 0.5)).toBe(1);
    expect(chooseByTradeoff([0.5, 0.6, 0.55], relative, 2)).toBe(0);
  });

  it('gives a perfect predictor the oracle, and the frontier figures of its sweep', () => {
    // λ < 10/9: the oracle (quality 1, cost 0.13/3); λ in (10/9, 10): cheap, mid, cheap
    // (2/3, 0.04/3); λ > 10: all cheap (1/3, 0.01). All three are frontier vertices.
    const metrics = evaluateMultiModelRouter(examples, truth, models, relative);
    expect(metrics.frontier.map((point) => point.quality)).toEqual([1 / 3, 2 / 3, 1]);
    expect(metrics.frontier[2]?.meanCost).toBeCloseTo(0.13 / 3, 12);
    expect(metrics.oracle.quality).toBe(1);
    expect(metrics.bestSingle.model).toBe('big');
    // 0.95 lies 85% of the way from (0.04/3, 2/3) to (0.13/3, 1): cost 0.038833…
    expect(metrics.costSavingAt95).toBeCloseTo(1 - (0.04 / 3 + 0.85 * 0.03) / 0.1, 10);
    expect(metrics.qualityAtBestSingleCost).toBe(1);
    expect(qualityAtCost(metrics.frontier, 0.005)).toBeUndefined();
    expect(qualityAtCost(metrics.frontier, (0.01 + 0.04 / 3) / 2)).toBeCloseTo(0.5, 12);
  });

  it('averages the frontier over a cost range', () => {
    const frontier = [
      { quality: 0, meanCost: 0 },
      { quality: 1, meanCost: 1 },
    ];
    expect(averageQualityOverCosts(frontier, 0, 1)).toBeCloseTo(0.5, 12);
    expect(averageQualityOverCosts(frontier, 1, 2)).toBe(1);
  });

  it('sweeps the given λ values in order', () => {
    const curve = sweepTradeoff(examples, truth, models, relative, [0, 5, 50]);
    expect(curve.map((point) => point.tradeoff)).toEqual([0, 5, 50]);
    expect(curve.map((point) => point.quality)).toEqual([1, 2 / 3, 1 / 3]);
  });
});
