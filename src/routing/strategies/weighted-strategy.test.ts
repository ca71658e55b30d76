import { describe, expect, it } from 'vitest';
import { createSeededRandom } from '../../lib/random.ts';
import {
  frozenCandidates,
  isPermutationOf,
  positionShares,
  rankedIds,
  scriptedRandom,
  testCandidate,
  testInput,
} from './strategy-candidates.fixture.ts';
import { weightedStrategy } from './weighted-strategy.ts';

const draws = 20_000;
// Three standard deviations of a share near 0.5 over 20,000 draws is about 0.011.
const tolerance = 0.015;

function weighted(weights: readonly number[]) {
  return frozenCandidates(
    weights.map((weight, index) => testCandidate(`d${index}`, { deployment: { weight } })),
  );
}

describe('weightedStrategy', () => {
  it.each([
    { weights: [1, 3], expected: [0.25, 0.75] },
    { weights: [1, 1], expected: [0.5, 0.5] },
    { weights: [1, 2, 7], expected: [0.1, 0.2, 0.7] },
    { weights: [0.5, 0.5, 1, 2], expected: [0.125, 0.125, 0.25, 0.5] },
  ])('chooses first in proportion to weights $weights', ({ weights, expected }) => {
    const shares = positionShares(weightedStrategy, weighted(weights), draws);
    expected.forEach((share, index) => {
      expect(shares.get(`d${index}`)).toBeCloseTo(share, 1);
      expect(Math.abs((shares.get(`d${index}`) ?? 0) - share)).toBeLessThan(tolerance);
    });
  });

  it('orders the fallbacks by sampling the remaining weights without replacement', () => {
    // P(d0 second) = P(d1 first)·1/8 + P(d2 first)·1/3, and likewise for the others.
    const expected = [0.2 / 8 + 0.7 / 3, 0.1 / 9 + 0.7 * (2 / 3), 0.1 * (7 / 9) + 0.2 * (7 / 8)];
    const shares = positionShares(weightedStrategy, weighted([1, 2, 7]), draws, 1);
    expected.forEach((share, index) => {
      expect(Math.abs((shares.get(`d${index}`) ?? 0) - share)).toBeLessThan(tolerance);
    });
  });

  it.each([
    { random: [0, 0], expected: ['d0', 'd1', 'd2'] },
    { random: [0.24, 0], expected: ['d0', 'd1', 'd2'] },
    { random: [0.26, 0], expected: ['d1', 'd0', 'd2'] },
    { random: [0.99, 0.5], expected: ['d2', 'd1', 'd0'] },
    { random: [0.5, 0.3], expected: ['d2', 'd0', 'd1'] },
  ])('maps draws $random on weights 1, 1, 2 to $expected', ({ random, expected }) => {
    const ranked = weightedStrategy.rank(
      weighted([1, 1, 2]),
      testInput({ random: scriptedRandom(random) }),
    );
    expect(rankedIds(ranked)).toEqual(expected);
    expect(ranked.map((entry) => entry.score)).toEqual(expected.map((id) => (id === 'd2' ? 2 : 1)));
  });

  it.each([
    { weights: [0, 1, -1, 2, Number.NaN], first: ['d1', 'd3'], last: ['d0', 'd2', 'd4'] },
    { weights: [Infinity, 1], first: ['d1'], last: ['d0'] },
    { weights: [0, 0], first: ['d0'], last: ['d1'] },
  ])('never draws a deployment without a positive finite weight ($weights)', (table) => {
    const candidates = weighted(table.weights);
    const input = testInput({ random: createSeededRandom(3) });
    for (let draw = 0; draw < 500; draw += 1) {
      const ids = rankedIds(weightedStrategy.rank(candidates, input));
      expect(ids.slice(0, table.first.length).sort()).toEqual(table.first);
      expect(ids.slice(table.first.length)).toEqual(table.last);
    }
  });

  it('gives a draw that rounding leaves unspent to the last weighted deployment', () => {
    // 0.9999999999999999 × (0.1 + 0.2 + 0.3) − 0.1 − 0.2 − 0.3 is exactly 0, not below it.
    const ranked = weightedStrategy.rank(
      weighted([0.1, 0.2, 0.3, 0]),
      testInput({ random: scriptedRandom([0.9999999999999999, 0, 0]) }),
    );
    expect(rankedIds(ranked)).toEqual(['d2', 'd0', 'd1', 'd3']);
  });

  it('stops drawing when only a rounding crumb of weight is left', () => {
    // 0.1 + 0.2 − 0.1 − 0.2 leaves 2.8e-17 for two deployments that have no weight.
    const ranked = weightedStrategy.rank(
      weighted([0.1, 0.2, 0, 0]),
      testInput({ random: scriptedRandom([0, 0, 0.5]) }),
    );
    expect(rankedIds(ranked)).toEqual(['d0', 'd1', 'd2', 'd3']);
  });

  it('handles no candidates and one candidate without drawing', () => {
    const input = testInput({ random: scriptedRandom([]) });
    expect(weightedStrategy.rank([], input)).toEqual([]);
    expect(rankedIds(weightedStrategy.rank(weighted([4]), input))).toEqual(['d0']);
  });

  it('returns a permutation, repeatably for one seed, without touching frozen input', () => {
    const candidates = weighted([5, 1, 3, 3, 0.5, 8, 2, 1, 1, 4]);
    const first = weightedStrategy.rank(candidates, testInput({ random: createSeededRandom(9) }));
    const second = weightedStrategy.rank(candidates, testInput({ random: createSeededRandom(9) }));
    expect(isPermutationOf(first, candidates)).toBe(true);
    expect(rankedIds(first)).toEqual(rankedIds(second));
  });
});
