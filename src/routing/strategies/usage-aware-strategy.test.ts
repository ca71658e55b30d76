import { describe, expect, it } from 'vitest';
import type { Deployment } from '../deployment.ts';
import type { DeploymentLoad } from '../deployment-load.ts';
import {
  frozenCandidates,
  rankedIds,
  scriptedRandom,
  testCandidate,
  testInput,
} from './strategy-candidates.fixture.ts';
import { usageAwareStrategy } from './usage-aware-strategy.ts';

interface UsageRow {
  readonly deployment?: Partial<Pick<Deployment, 'rpm' | 'tpm' | 'priority'>>;
  readonly load?: Partial<DeploymentLoad>;
}

function rank(
  rows: readonly UsageRow[],
  estimatedInputTokens = 1000,
  estimatedOutputTokens = 1000,
) {
  return usageAwareStrategy.rank(
    frozenCandidates(rows.map((row, index) => testCandidate(`d${index}`, row))),
    testInput({ estimatedInputTokens, estimatedOutputTokens, random: scriptedRandom([]) }),
  );
}

describe('usageAwareStrategy', () => {
  it.each([
    {
      name: 'by the smaller of request and token headroom, over-capacity ones last',
      rows: [
        // 1 − 50/100
        { deployment: { rpm: 100 }, load: { requestsLastMinute: 49 } },
        // 1 − (2000 + 2000)/10000
        { deployment: { tpm: 10_000 }, load: { tokensLastMinute: 2000 } },
        {},
        // 1 − 11/10: this request would exceed the limit
        { deployment: { rpm: 10 }, load: { requestsLastMinute: 10 } },
        // min(1 − 10/100, 1 − 2000/1000)
        { deployment: { rpm: 100, tpm: 1000 }, load: { requestsLastMinute: 9 } },
      ],
      expected: ['d2', 'd1', 'd0', 'd3', 'd4'],
      scores: [1, 0.6, 0.5, -0.1, -1],
    },
    {
      name: 'by fraction of capacity, not raw usage, so a large deployment takes its share',
      rows: [
        { deployment: { tpm: 10_000 }, load: { tokensLastMinute: 3000 } },
        { deployment: { tpm: 1_000_000 }, load: { tokensLastMinute: 98_000 } },
      ],
      expected: ['d1', 'd0'],
      scores: [0.9, 0.5],
    },
    {
      name: 'ties by priority, then input order',
      rows: [
        { deployment: { priority: 1 } },
        { deployment: { priority: 0, rpm: 10 }, load: { requestsLastMinute: 9 } },
        { deployment: { priority: 0 } },
        { deployment: { priority: 1 } },
        { deployment: { priority: 0, tpm: 2000 } },
      ],
      expected: ['d2', 'd0', 'd3', 'd1', 'd4'],
      scores: [1, 1, 1, 0, 0],
    },
    {
      name: 'over-capacity deployments after all others whatever their priority',
      rows: [
        { deployment: { priority: 0, rpm: 1 }, load: { requestsLastMinute: 1 } },
        { deployment: { priority: 0, rpm: 1 }, load: { requestsLastMinute: 3 } },
        { deployment: { priority: 9, rpm: 1000 }, load: { requestsLastMinute: 998 } },
      ],
      expected: ['d2', 'd0', 'd1'],
      scores: [0.001, -1, -3],
    },
    {
      name: 'a zero limit, which configuration forbids, as no capacity rather than NaN',
      rows: [{ deployment: { tpm: 0 } }, { deployment: { rpm: 0, priority: 1 } }, {}],
      expected: ['d2', 'd0', 'd1'],
      scores: [1, -Infinity, -Infinity],
    },
  ])('ranks $name', ({ rows, expected, scores }) => {
    const ranked = rank(rows);
    expect(rankedIds(ranked)).toEqual(expected);
    ranked.forEach((entry, index) => {
      expect(entry.score).toBeCloseTo(scores[index] ?? Number.NaN, 12);
    });
  });

  it('counts the estimated tokens of this request against the token limit', () => {
    const rows = [
      { deployment: { tpm: 10_000 }, load: { tokensLastMinute: 1000 } },
      { deployment: { rpm: 100 }, load: { requestsLastMinute: 14 } },
    ];
    expect(rankedIds(rank(rows, 100, 100))).toEqual(['d0', 'd1']);
    expect(rankedIds(rank(rows, 4000, 4000))).toEqual(['d1', 'd0']);
  });

  it('handles no candidates and one candidate', () => {
    expect(rank([])).toEqual([]);
    expect(rankedIds(rank([{ deployment: { rpm: 1 }, load: { requestsLastMinute: 5 } }]))).toEqual([
      'd0',
    ]);
  });
});
