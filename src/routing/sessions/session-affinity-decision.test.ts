import { describe, expect, it } from 'vitest';
import { testCandidate } from '../strategies/strategy-candidates.fixture.ts';
import { decideSessionAffinity } from './session-affinity-decision.ts';

const priced = (id: string, input: number, cacheRead?: number, cacheWrite?: number) =>
  testCandidate(id, { deployment: { price: { input, output: 10, cacheRead, cacheWrite } } })
    .deployment;

const longConversation = { prefixTokens: 50_000, newTokens: 200, outputTokens: 500 };

describe('decideSessionAffinity', () => {
  it('stays where the prefix is cached when re-reading it elsewhere costs more than it saves', () => {
    // Warm: 50k × 0.3 + 200 × 3 + 500 × 10 = 20,600 µ$; cheaper model uncached: 50,200 × 1 + 5,000.
    const decision = decideSessionAffinity(
      priced('warm', 3, 0.3),
      priced('cheap', 1),
      longConversation,
    );
    expect(decision).toEqual({
      stay: true,
      reason: 'cache-warm',
      stayUsd: 0.0206,
      switchUsd: 0.0552,
    });
  });

  it('moves when the preferred deployment is cheaper even reading the prefix uncached', () => {
    const decision = decideSessionAffinity(
      priced('warm', 15, 1.5),
      priced('cheap', 0.1),
      longConversation,
    );
    expect(decision.stay).toBe(false);
    expect(decision.reason).toBe('switch-saves');
    expect(decision.switchUsd).toBeLessThan(decision.stayUsd ?? 0);
  });

  it("counts the preferred provider's cache-write price for the prefix", () => {
    // Without a write premium moving saves (0.9 × 50k < 1 × 50k); at 1.25 × 0.9 it no longer does.
    const tokens = { prefixTokens: 50_000, newTokens: 0, outputTokens: 0 };
    expect(decideSessionAffinity(priced('warm', 3, 1), priced('p', 0.9), tokens).stay).toBe(false);
    expect(
      decideSessionAffinity(priced('warm', 3, 1), priced('p', 0.9, undefined, 1.125), tokens).stay,
    ).toBe(true);
  });

  it('stays when a price is unknown', () => {
    const unpriced = testCandidate('unpriced').deployment;
    expect(decideSessionAffinity(unpriced, priced('cheap', 0.1), longConversation)).toMatchObject({
      stay: true,
      reason: 'price-unknown',
    });
  });
});
