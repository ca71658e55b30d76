import { describe, expect, it } from 'vitest';
import type { ReasoningSettings } from '../../canonical/chat-request.ts';
import type { LearnedTrace } from '../decision-trace.ts';
import type { LearnedRouterRuntime } from '../learned/learned-router-runtime.ts';
import { learnedStrategy } from './learned-strategy.ts';
import { rankedIds, testCandidate, testInput } from './strategy-candidates.fixture.ts';

/** A router that scores a prompt by its length: 40 characters or more go to "strong". */
function lengthRouter(): LearnedRouterRuntime & { prompts: string[] } {
  const prompts: string[] = [];
  return {
    name: 'by-length',
    version: '0123456789abcdef',
    models: ['strong', 'weak'],
    modelNames: new Map(),
    targetShare: 0.5,
    prompts,
    route(prompt) {
      prompts.push(prompt);
      const score = prompt.length / 40;
      return {
        choice: score >= 1 ? 'strong' : 'weak',
        score,
        threshold: 1,
        difficulty: Math.min(1, score / 2),
        reasoning: score >= 1.5 ? { effort: 'high' } : undefined,
      };
    },
    realised: () => ({ decisions: prompts.length, choices: {} }),
  };
}

const candidates = [
  testCandidate('weak-a', { deployment: { priority: 1 } }),
  testCandidate('other', { deployment: { priority: 0 } }),
  testCandidate('strong-a', { deployment: { priority: 2 } }),
  testCandidate('weak-b', { deployment: { priority: 0 } }),
  testCandidate('strong-b', { deployment: { priority: 0 } }),
];
const modelOfCandidate = new Map([
  ['weak-a', 'weak'],
  ['weak-b', 'weak'],
  ['strong-a', 'strong'],
  ['strong-b', 'strong'],
]);

function rank(prompt: string) {
  const router = lengthRouter();
  const traces: LearnedTrace[] = [];
  const reasoning: (ReasoningSettings | undefined)[] = [];
  const ranked = learnedStrategy.rank(
    candidates,
    testInput({
      learned: {
        router,
        modelOfCandidate,
        promptText: () => prompt,
        promptVector: () => undefined,
        report: (trace, settings) => {
          traces.push(trace);
          reasoning.push(settings);
        },
      },
    }),
  );
  return { ids: rankedIds(ranked), traces, reasoning, router };
}

describe('learnedStrategy', () => {
  it('puts the chosen model first, the other model next, unknown candidates last', () => {
    const long = rank('x'.repeat(50));
    expect(long.ids).toEqual(['strong-b', 'strong-a', 'weak-b', 'weak-a', 'other']);
    expect(long.traces).toEqual([
      {
        router: 'by-length',
        version: '0123456789abcdef',
        choice: 'strong',
        score: 1.25,
        threshold: 1,
        difficulty: 0.625,
        micros: expect.any(Number) as number,
      },
    ]);
    expect(long.reasoning).toEqual([undefined]);
    expect(rank('y'.repeat(70)).reasoning).toEqual([{ effort: 'high' }]);
    expect(rank('short').ids).toEqual(['weak-b', 'weak-a', 'strong-b', 'strong-a', 'other']);
  });

  it('scores nothing and orders by priority when the request has no text', () => {
    const empty = rank('');
    expect(empty.router.prompts).toEqual([]);
    expect(empty.ids).toEqual(['other', 'weak-b', 'strong-b', 'weak-a', 'strong-a']);
    expect(empty.traces[0]?.choice).toBeUndefined();
  });

  it('orders by priority without a router, like the priority strategy', () => {
    expect(rankedIds(learnedStrategy.rank(candidates, testInput()))).toEqual([
      'other',
      'weak-b',
      'strong-b',
      'weak-a',
      'strong-a',
    ]);
  });
});
