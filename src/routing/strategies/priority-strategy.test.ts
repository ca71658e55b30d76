import { describe, expect, it } from 'vitest';
import { priorityStrategy } from './priority-strategy.ts';
import {
  frozenCandidates,
  rankedIds,
  scriptedRandom,
  testCandidate,
  testInput,
} from './strategy-candidates.fixture.ts';

const noDraws = testInput({ random: scriptedRandom([]) });

describe('priorityStrategy', () => {
  it.each([
    { priorities: [], expected: [] },
    { priorities: [5], expected: ['d0'] },
    { priorities: [0, 1, 2], expected: ['d0', 'd1', 'd2'] },
    { priorities: [2, 1, 0], expected: ['d2', 'd1', 'd0'] },
    { priorities: [1, 0, 1, 0], expected: ['d1', 'd3', 'd0', 'd2'] },
    { priorities: [3, 3, 3], expected: ['d0', 'd1', 'd2'] },
    { priorities: [10, 0, 1000, 5, 0], expected: ['d1', 'd4', 'd3', 'd0', 'd2'] },
  ])(
    'orders priorities $priorities as $expected, ties in input order',
    ({ priorities, expected }) => {
      const candidates = frozenCandidates(
        priorities.map((priority, index) =>
          testCandidate(`d${index}`, { deployment: { priority } }),
        ),
      );
      const ranked = priorityStrategy.rank(candidates, noDraws);
      expect(rankedIds(ranked)).toEqual(expected);
      expect(ranked.map((entry) => entry.score)).toEqual(
        [...priorities].sort((left, right) => left - right),
      );
    },
  );

  it('keeps configuration order among equal priorities beyond the insertion-sort size', () => {
    const candidates = frozenCandidates(
      Array.from({ length: 50 }, (_, index) =>
        testCandidate(`d${index}`, { deployment: { priority: index % 2 } }),
      ),
    );
    const ids = rankedIds(priorityStrategy.rank(candidates, noDraws));
    const expected = [
      ...candidates.filter((_, index) => index % 2 === 0),
      ...candidates.filter((_, index) => index % 2 === 1),
    ].map((candidate) => candidate.deployment.id);
    expect(ids).toEqual(expected);
  });

  it('returns the candidates themselves, not copies', () => {
    const candidates = frozenCandidates([testCandidate('a'), testCandidate('b')]);
    const ranked = priorityStrategy.rank(candidates, noDraws);
    expect(ranked[0]?.candidate).toBe(candidates[0]);
    expect(ranked[1]?.candidate).toBe(candidates[1]);
  });
});
