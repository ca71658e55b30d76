import { describe, expect, it } from 'vitest';
import { createSeededRandom } from '../../lib/random.ts';
import type { DeploymentLoad } from '../deployment-load.ts';
import { leastLatencyStrategy } from './least-latency-strategy.ts';
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

function withLoads(loads: readonly Partial<DeploymentLoad>[]) {
  return frozenCandidates(loads.map((load, index) => testCandidate(`d${index}`, { load })));
}

describe('leastLatencyStrategy', () => {
  it.each([
    {
      name: 'the lower latency',
      loads: [{ latencyEwmaMs: 300 }, { latencyEwmaMs: 100 }],
      expected: ['d1', 'd0'],
      scores: [100, 300],
    },
    {
      name: 'latency inflated by the requests in flight',
      loads: [
        { latencyEwmaMs: 100, inFlight: 3 },
        { latencyEwmaMs: 150, inFlight: 1 },
      ],
      expected: ['d1', 'd0'],
      scores: [300, 400],
    },
    {
      name: 'a deployment with no latency sample yet, to explore it',
      loads: [{ latencyEwmaMs: 20 }, { latencyEwmaMs: undefined, inFlight: 4 }],
      expected: ['d1', 'd0'],
      scores: [0, 20],
    },
  ])('between two, always prefers $name', ({ loads, expected, scores }) => {
    const candidates = withLoads(loads);
    for (let seed = 0; seed < 50; seed += 1) {
      const ranked = leastLatencyStrategy.rank(
        candidates,
        testInput({ random: createSeededRandom(seed) }),
      );
      expect(rankedIds(ranked)).toEqual(expected);
      expect(ranked.map((entry) => entry.score)).toEqual(scores);
    }
  });

  it.each([
    {
      name: 'the chosen pair member first, the rest by ascending cost',
      // Draws: first index ⌊0.9·4⌋ = 3, second ⌊0.1·3⌋ = 0; d3 (100) beats d0 (300).
      random: [0.9, 0.1],
      costs: [300, 100, 200, 100],
      expected: ['d3', 'd1', 'd2', 'd0'],
    },
    {
      name: 'the pair winner even when it is not the cheapest overall',
      // Draws: index 2 (200), then ⌊0.99·3⌋ = 2 skips past 2 to index 3 (400).
      random: [0.5, 0.99],
      costs: [50, 300, 200, 400],
      expected: ['d2', 'd0', 'd1', 'd3'],
    },
    {
      name: 'a tie settled by the third draw, below one half for the first drawn',
      random: [0, 0.5, 0.49],
      costs: [100, 100, 100],
      expected: ['d0', 'd1', 'd2'],
    },
    {
      name: 'a tie settled by the third draw, one half or more for the second drawn',
      random: [0, 0.5, 0.5],
      costs: [100, 100, 100],
      expected: ['d2', 'd0', 'd1'],
    },
  ])('ranks $name', ({ random, costs, expected }) => {
    const ranked = leastLatencyStrategy.rank(
      withLoads(costs.map((latencyEwmaMs) => ({ latencyEwmaMs }))),
      testInput({ random: scriptedRandom(random) }),
    );
    expect(rankedIds(ranked)).toEqual(expected);
  });

  it('chooses the lower cost of two drawn uniformly, so the costliest is never first', () => {
    // The cheapest wins every pair it is in (2 of 3), the middle one only the pair {d1, d2}.
    const shares = positionShares(
      leastLatencyStrategy,
      withLoads([{ latencyEwmaMs: 100 }, { latencyEwmaMs: 200 }, { latencyEwmaMs: 300 }]),
      draws,
    );
    expect(Math.abs((shares.get('d0') ?? 0) - 2 / 3)).toBeLessThan(tolerance);
    expect(Math.abs((shares.get('d1') ?? 0) - 1 / 3)).toBeLessThan(tolerance);
    expect(shares.get('d2')).toBe(0);
  });

  it('spreads ties evenly, including among unsampled deployments', () => {
    const shares = positionShares(
      leastLatencyStrategy,
      withLoads([{}, { latencyEwmaMs: 100 }, {}, {}]),
      draws,
    );
    // Each unsampled one is in half the pairs, wins those against d1 and half of the rest.
    for (const id of ['d0', 'd2', 'd3']) {
      expect(Math.abs((shares.get(id) ?? 0) - 1 / 3)).toBeLessThan(tolerance);
    }
    expect(shares.get('d1')).toBe(0);
  });

  it('keeps the fallbacks sorted by cost, ties in input order, for every draw', () => {
    const candidates = withLoads([
      { latencyEwmaMs: 200 },
      { latencyEwmaMs: 100, inFlight: 1 },
      { latencyEwmaMs: 50 },
      {},
      { latencyEwmaMs: 400 },
      { latencyEwmaMs: 100 },
    ]);
    // Costs 200, 200, 50, 0, 400, 100: ascending, ties in input order.
    const byCost = ['d3', 'd2', 'd5', 'd0', 'd1', 'd4'];
    const input = testInput({ random: createSeededRandom(11) });
    const chosen = new Set<string>();
    for (let draw = 0; draw < 200; draw += 1) {
      const ranked = leastLatencyStrategy.rank(candidates, input);
      expect(isPermutationOf(ranked, candidates)).toBe(true);
      const [first, ...rest] = rankedIds(ranked);
      chosen.add(first ?? '');
      expect(rest).toEqual(byCost.filter((id) => id !== first));
    }
    // Every deployment but the costliest wins some pair.
    expect([...chosen].sort()).toEqual(['d0', 'd1', 'd2', 'd3', 'd5']);
  });

  it('handles no candidates and one candidate without drawing', () => {
    const input = testInput({ random: scriptedRandom([]) });
    expect(leastLatencyStrategy.rank([], input)).toEqual([]);
    const ranked = leastLatencyStrategy.rank(
      withLoads([{ latencyEwmaMs: 70, inFlight: 2 }]),
      input,
    );
    expect(ranked.map((entry) => [entry.candidate.deployment.id, entry.score])).toEqual([
      ['d0', 210],
    ]);
  });
});
