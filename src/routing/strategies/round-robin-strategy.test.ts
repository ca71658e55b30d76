import { describe, expect, it } from 'vitest';
import { roundRobinStrategy } from './round-robin-strategy.ts';
import {
  frozenCandidates,
  rankedIds,
  scriptedRandom,
  testCandidate,
  testInput,
} from './strategy-candidates.fixture.ts';

const three = frozenCandidates([testCandidate('a'), testCandidate('b'), testCandidate('c')]);

describe('roundRobinStrategy', () => {
  it.each([
    { sequence: 0, expected: ['a', 'b', 'c'], scores: [0, 1, 2] },
    { sequence: 1, expected: ['b', 'c', 'a'], scores: [1, 2, 0] },
    { sequence: 2, expected: ['c', 'a', 'b'], scores: [2, 0, 1] },
    { sequence: 3, expected: ['a', 'b', 'c'], scores: [0, 1, 2] },
    { sequence: 3_000_000_002, expected: ['c', 'a', 'b'], scores: [2, 0, 1] },
    { sequence: Number.MAX_SAFE_INTEGER, expected: ['b', 'c', 'a'], scores: [1, 2, 0] },
    { sequence: -1, expected: ['c', 'a', 'b'], scores: [2, 0, 1] },
    { sequence: 4.7, expected: ['b', 'c', 'a'], scores: [1, 2, 0] },
    { sequence: Number.NaN, expected: ['a', 'b', 'c'], scores: [0, 1, 2] },
    { sequence: Infinity, expected: ['a', 'b', 'c'], scores: [0, 1, 2] },
  ])('starts request $sequence at $expected.0', ({ sequence, expected, scores }) => {
    const ranked = roundRobinStrategy.rank(
      three,
      testInput({ sequence, random: scriptedRandom([]) }),
    );
    expect(rankedIds(ranked)).toEqual(expected);
    expect(ranked.map((entry) => entry.score)).toEqual(scores);
  });

  it('gives every candidate the same number of turns over consecutive requests', () => {
    const turns = new Map<string, number>();
    for (let sequence = 0; sequence < 300; sequence += 1) {
      const id = rankedIds(roundRobinStrategy.rank(three, testInput({ sequence })))[0] ?? '';
      turns.set(id, (turns.get(id) ?? 0) + 1);
    }
    expect(Object.fromEntries(turns)).toEqual({ a: 100, b: 100, c: 100 });
  });

  it('rotates over the candidates it is given when the group was filtered', () => {
    const filtered = frozenCandidates([testCandidate('a'), testCandidate('c')]);
    expect(rankedIds(roundRobinStrategy.rank(filtered, testInput({ sequence: 5 })))).toEqual([
      'c',
      'a',
    ]);
  });

  it.each([0, 1, 7])('handles no candidates and one candidate at sequence %i', (sequence) => {
    const input = testInput({ sequence, random: scriptedRandom([]) });
    expect(roundRobinStrategy.rank([], input)).toEqual([]);
    expect(
      rankedIds(roundRobinStrategy.rank(frozenCandidates([testCandidate('a')]), input)),
    ).toEqual(['a']);
  });
});
