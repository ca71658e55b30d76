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
import type { RoutingExample } from './routing-example.ts';

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
