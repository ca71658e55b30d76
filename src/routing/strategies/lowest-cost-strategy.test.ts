import { describe, expect, it } from 'vitest';
import type { ModelPrice } from '../../canonical/model-price.ts';
import { lowestCostStrategy } from './lowest-cost-strategy.ts';
import {
  frozenCandidates,
  rankedIds,
  scriptedRandom,
  testCandidate,
  testInput,
} from './strategy-candidates.fixture.ts';

interface PricedDeployment {
  readonly price: ModelPrice | undefined;
  readonly priority?: number;
}

function priced(deployments: readonly PricedDeployment[]) {
  return frozenCandidates(
    deployments.map(({ price, priority = 0 }, index) =>
      testCandidate(`d${index}`, { deployment: { price, priority } }),
    ),
  );
}

function rank(
  deployments: readonly PricedDeployment[],
  estimatedInputTokens: number,
  estimatedOutputTokens: number,
) {
  return lowestCostStrategy.rank(
    priced(deployments),
    testInput({ estimatedInputTokens, estimatedOutputTokens, random: scriptedRandom([]) }),
  );
}

describe('lowestCostStrategy', () => {
  it.each([
    {
      name: 'priced deployments by estimated cost in USD, unpriced ones last',
      deployments: [
        { price: { input: 3, output: 15 } },
        { price: { input: 0.15, output: 0.6 } },
        { price: undefined },
        { price: { output: 1 } },
        { price: { input: 1 } },
      ],
      tokens: [1000, 500],
      expected: ['d1', 'd4', 'd0', 'd2', 'd3'],
      // (1000 × 0.15 + 500 × 0.6) / 1e6; an unset output price counts as 0.
      scores: [0.00045, 0.001, 0.0105, undefined, undefined],
    },
    {
      name: 'an input-heavy request to the deployment with cheap input',
      deployments: [{ price: { input: 5, output: 2 } }, { price: { input: 1, output: 10 } }],
      tokens: [10_000, 100],
      expected: ['d1', 'd0'],
      scores: [0.011, 0.0502],
    },
    {
      name: 'an output-heavy request to the deployment with cheap output',
      deployments: [{ price: { input: 5, output: 2 } }, { price: { input: 1, output: 10 } }],
      tokens: [100, 10_000],
      expected: ['d0', 'd1'],
      scores: [0.0205, 0.1001],
    },
    {
      name: 'equal costs by priority, then input order',
      deployments: [
        { price: { input: 1, output: 1 }, priority: 2 },
        { price: { input: 1, output: 1 }, priority: 1 },
        { price: { input: 1, output: 1 }, priority: 2 },
        { price: { input: 2, output: 0 }, priority: 0 },
      ],
      tokens: [1000, 1000],
      expected: ['d3', 'd1', 'd0', 'd2'],
      scores: [0.002, 0.002, 0.002, 0.002],
    },
    {
      name: 'unpriced deployments by priority, then input order, after even a costly one',
      deployments: [
        { price: undefined, priority: 3 },
        { price: {}, priority: 1 },
        { price: { input: 1000, output: 1000 }, priority: 9 },
        { price: undefined, priority: 1 },
      ],
      tokens: [100_000, 100_000],
      expected: ['d2', 'd1', 'd3', 'd0'],
      scores: [200, undefined, undefined, undefined],
    },
    {
      name: 'a free deployment first',
      deployments: [{ price: { input: 0.01 } }, { price: { input: 0, output: 0 } }],
      tokens: [1, 1],
      expected: ['d1', 'd0'],
      scores: [0, 0.00000001],
    },
  ])('ranks $name', ({ deployments, tokens, expected, scores }) => {
    const ranked = rank(deployments, tokens[0] ?? 0, tokens[1] ?? 0);
    expect(rankedIds(ranked)).toEqual(expected);
    ranked.forEach((entry, index) => {
      const score = scores[index];
      if (score === undefined) {
        expect(entry.score).toBeUndefined();
      } else {
        expect(entry.score).toBeCloseTo(score, 12);
      }
    });
  });

  it('handles no candidates and one candidate', () => {
    expect(rank([], 10, 10)).toEqual([]);
    expect(rankedIds(rank([{ price: undefined }], 10, 10))).toEqual(['d0']);
  });
});
