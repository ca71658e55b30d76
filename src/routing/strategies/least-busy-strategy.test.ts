import { describe, expect, it } from 'vitest';
import { createSeededRandom } from '../../lib/random.ts';
import { leastBusyStrategy } from './least-busy-strategy.ts';
import {
  frozenCandidates,
  isPermutationOf,
  positionShares,
  rankedIds,
  scriptedRandom,
  testCandidate,
  testInput,
} from './strategy-candidates.fixture.ts';

const draws = 20_000;
const tolerance = 0.015;

function withInFlight(counts: readonly number[]) {
  return frozenCandidates(
    counts.map((inFlight, index) => testCandidate(`d${index}`, { load: { inFlight } })),
  );
}

describe('leastBusyStrategy', () => {
  it.each([
    { inFlight: [3, 1, 2], random: [], expected: ['d1', 'd2', 'd0'] },
    { inFlight: [0, 5, 9], random: [], expected: ['d0', 'd1', 'd2'] },
    { inFlight: [2, 0, 2, 1], random: [], expected: ['d1', 'd3', 'd0', 'd2'] },
    { inFlight: [4, 1, 1, 0, 4], random: [], expected: ['d3', 'd1', 'd2', 'd0', 'd4'] },
    // Ties for the fewest: ⌊r × tied⌋ picks among them, the rest keep input order.
    { inFlight: [1, 0, 0, 0], random: [0], expected: ['d1', 'd2', 'd3', 'd0'] },
    { inFlight: [1, 0, 0, 0], random: [0.5], expected: ['d2', 'd1', 'd3', 'd0'] },
    { inFlight: [1, 0, 0, 0], random: [0.99], expected: ['d3', 'd1', 'd2', 'd0'] },
    { inFlight: [2, 2], random: [0.7], expected: ['d1', 'd0'] },
  ])('ranks in-flight $inFlight with draws $random as $expected', (table) => {
    const ranked = leastBusyStrategy.rank(
      withInFlight(table.inFlight),
      testInput({ random: scriptedRandom(table.random) }),
    );
    expect(rankedIds(ranked)).toEqual(table.expected);
    expect(ranked.map((entry) => entry.score)).toEqual(
      [...table.inFlight].sort((left, right) => left - right),
    );
  });

  it('spreads the choice evenly among the tied least busy and never picks a busier one', () => {
    const shares = positionShares(leastBusyStrategy, withInFlight([0, 3, 0, 0, 1]), draws);
    for (const id of ['d0', 'd2', 'd3']) {
      expect(Math.abs((shares.get(id) ?? 0) - 1 / 3)).toBeLessThan(tolerance);
    }
    expect(shares.get('d1')).toBe(0);
    expect(shares.get('d4')).toBe(0);
  });

  it('returns a permutation without touching frozen input', () => {
    const candidates = withInFlight([5, 0, 2, 0, 9, 1, 0, 2, 3, 0]);
    const input = testInput({ random: createSeededRandom(5) });
    for (let draw = 0; draw < 100; draw += 1) {
      expect(isPermutationOf(leastBusyStrategy.rank(candidates, input), candidates)).toBe(true);
    }
  });

  it('handles no candidates and one candidate without drawing', () => {
    const input = testInput({ random: scriptedRandom([]) });
    expect(leastBusyStrategy.rank([], input)).toEqual([]);
    expect(rankedIds(leastBusyStrategy.rank(withInFlight([3]), input))).toEqual(['d0']);
  });
});
