import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createSeededRandom } from '../../lib/random.ts';
import { strategyNames, type StrategyName } from '../routing-strategy.ts';
import { getStrategy, strategyRegistry } from './strategy-registry.ts';
import {
  frozenCandidates,
  isPermutationOf,
  rankedIds,
  testCandidate,
  testInput,
} from './strategy-candidates.fixture.ts';

const optionalCount = (maximum: number) =>
  fc.option(fc.integer({ min: 1, max: maximum }), { nil: undefined });

const candidateRow = fc.record({
  weight: fc.double({ min: 0.001, max: 1_000_000, noNaN: true }),
  priority: fc.integer({ min: 0, max: 1000 }),
  rpm: optionalCount(1000),
  tpm: optionalCount(1_000_000),
  price: fc.option(
    fc.record({
      input: fc.option(fc.double({ min: 0, max: 100, noNaN: true }), { nil: undefined }),
      output: fc.option(fc.double({ min: 0, max: 100, noNaN: true }), { nil: undefined }),
    }),
    { nil: undefined },
  ),
  latencyEwmaMs: fc.option(fc.double({ min: 0, max: 60_000, noNaN: true }), { nil: undefined }),
  inFlight: fc.integer({ min: 0, max: 50 }),
  requestsLastMinute: fc.integer({ min: 0, max: 2000 }),
  tokensLastMinute: fc.integer({ min: 0, max: 2_000_000 }),
});

const rankingCase = fc.record({
  rows: fc.array(candidateRow, { maxLength: 40 }),
  seed: fc.integer(),
  sequence: fc.nat(),
  estimatedInputTokens: fc.nat({ max: 200_000 }),
  estimatedOutputTokens: fc.nat({ max: 64_000 }),
});

describe('strategyRegistry', () => {
  it('registers every strategy name, each under its own name', () => {
    expect([...strategyRegistry.keys()]).toEqual([...strategyNames]);
    for (const name of strategyNames) {
      expect(getStrategy(name).name).toBe(name);
      expect(getStrategy(name)).toBe(strategyRegistry.get(name));
    }
  });

  it('throws for a name outside its type', () => {
    expect(() => getStrategy('fastest' as StrategyName)).toThrow(/fastest/);
  });

  it.each(strategyNames)(
    '%s returns a permutation of frozen random candidates, the same for the same seed',
    (name) => {
      const strategy = getStrategy(name);
      fc.assert(
        fc.property(rankingCase, ({ rows, seed, ...facts }) => {
          const candidates = frozenCandidates(
            rows.map((row, index) =>
              testCandidate(`d${index}`, {
                deployment: {
                  weight: row.weight,
                  priority: row.priority,
                  rpm: row.rpm,
                  tpm: row.tpm,
                  price: row.price,
                },
                load: {
                  latencyEwmaMs: row.latencyEwmaMs,
                  inFlight: row.inFlight,
                  requestsLastMinute: row.requestsLastMinute,
                  tokensLastMinute: row.tokensLastMinute,
                },
              }),
            ),
          );
          const ranked = strategy.rank(
            candidates,
            testInput({ ...facts, random: createSeededRandom(seed) }),
          );
          const again = strategy.rank(
            candidates,
            testInput({ ...facts, random: createSeededRandom(seed) }),
          );
          expect(isPermutationOf(ranked, candidates)).toBe(true);
          expect(rankedIds(again)).toEqual(rankedIds(ranked));
        }),
        { numRuns: 300 },
      );
    },
  );
});
