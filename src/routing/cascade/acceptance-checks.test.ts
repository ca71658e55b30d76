import { describe, expect, it, vi } from 'vitest';
import type { AcceptanceCheck } from './acceptance-verdict.ts';
import { buildAcceptanceChecks } from './cascade-acceptance-config.ts';
import { cascadeAnswerFromResponse } from './cascade-answer.ts';
import { evaluateAcceptance, orderChecks } from './evaluate-acceptance.ts';
import { checkWithJudge } from './judge-check.ts';
import { checkLogprobConfidence, summariseLogprobs } from './logprob-check.ts';
import { checkAnswerSchema, stripCodeFence, type AnswerSchemaValidator } from './schema-check.ts';

const answer = (text: string, logprobs?: number[]) => ({
  question: 'What is 2+2?',
  text,
  logprobs,
});

/** A toy validator: the text must be a JSON object with a numeric `answer`. */
const needsNumericAnswer: AnswerSchemaValidator = (text) => {
  const match = /^\{\s*"answer"\s*:\s*(-?\d+(?:\.\d+)?)\s*\}$/u.exec(text.trim());
  return match === null
    ? { valid: false, paths: ['/answer: must be a number'] }
    : { valid: true, paths: [] };
};

describe('checkAnswerSchema', () => {
  it('accepts a valid answer, also inside a code fence', () => {
    expect(checkAnswerSchema(answer('{"answer": 4}'), needsNumericAnswer).accepted).toBe(true);
    expect(
      checkAnswerSchema(answer('```json\n{"answer": 4}\n```'), needsNumericAnswer).accepted,
    ).toBe(true);
  });
  it('rejects an invalid answer and quotes the failing path', () => {
    const verdict = checkAnswerSchema(answer('{"answer": "four"}'), needsNumericAnswer);
    expect(verdict).toMatchObject({ accepted: false, confidence: 0 });
    expect(verdict.reason).toContain('/answer: must be a number');
  });
  it('skips when no schema was requested', () => {
    expect(checkAnswerSchema(answer('anything'), undefined)).toMatchObject({
      accepted: true,
      skipped: true,
    });
  });
  it('leaves unfenced text alone', () => {
    expect(stripCodeFence('plain')).toBe('plain');
  });
});

describe('logprob confidence', () => {
  it('turns the mean and min logprob into probabilities', () => {
    const summary = summariseLogprobs([Math.log(0.5), Math.log(0.5), Math.log(1)]);
    expect(summary?.meanProbability).toBeCloseTo(Math.pow(0.25, 1 / 3), 12);
    expect(summary?.minProbability).toBeCloseTo(0.5, 12);
  });
  it('rejects malformed logprobs', () => {
    expect(summariseLogprobs([0.5])).toBeUndefined();
    expect(summariseLogprobs([Number.NaN])).toBeUndefined();
    expect(summariseLogprobs([])).toBeUndefined();
  });
  it('applies the mean and token thresholds', () => {
    const confident = answer('4', [Math.log(0.95), Math.log(0.9)]);
    const unsure = answer('4', [Math.log(0.3), Math.log(0.4)]);
    const oneBadToken = answer('4', [
      Math.log(0.99),
      Math.log(0.99),
      Math.log(0.99),
      Math.log(0.05),
    ]);
    expect(checkLogprobConfidence(confident, { minMeanProbability: 0.8 }).accepted).toBe(true);
    expect(checkLogprobConfidence(unsure, { minMeanProbability: 0.8 }).accepted).toBe(false);
    expect(checkLogprobConfidence(oneBadToken, { minMeanProbability: 0.4 }).accepted).toBe(true);
    expect(
      checkLogprobConfidence(oneBadToken, { minMeanProbability: 0.4, minTokenProbability: 0.1 })
        .accepted,
    ).toBe(false);
  });
  it('skips without logprobs unless they are required', () => {
    expect(checkLogprobConfidence(answer('4'), { minMeanProbability: 0.9 })).toMatchObject({
      accepted: true,
      skipped: true,
    });
    expect(
      checkLogprobConfidence(answer('4'), { minMeanProbability: 0.9, requireLogprobs: true })
        .accepted,
    ).toBe(false);
  });
});

describe('judge check', () => {
  it('applies the threshold to the judge score', async () => {
    const judge = vi.fn(() => Promise.resolve(0.7));
    expect((await checkWithJudge(answer('4'), judge, { threshold: 0.6 })).accepted).toBe(true);
    expect((await checkWithJudge(answer('4'), judge, { threshold: 0.8 })).accepted).toBe(false);
    expect(judge).toHaveBeenCalledWith('What is 2+2?', '4');
  });
  it('escalates on a failing or out-of-range judge unless told to accept', async () => {
    const throws = () => Promise.reject(new Error('timeout'));
    const outOfRange = () => Promise.resolve(7);
    expect((await checkWithJudge(answer('4'), throws, { threshold: 0.5 })).accepted).toBe(false);
    expect((await checkWithJudge(answer('4'), outOfRange, { threshold: 0.5 })).accepted).toBe(
      false,
    );
    expect(
      (await checkWithJudge(answer('4'), throws, { threshold: 0.5, onJudgeFailure: 'accept' }))
        .accepted,
    ).toBe(true);
  });
});

describe('evaluateAcceptance', () => {
  it('runs local checks before the judge and short-circuits on a rejection', async () => {
    const judge = vi.fn(() => Promise.resolve(1));
    const checks = buildAcceptanceChecks({ judge_threshold: 0.5 }, { judge });
    const refused = await evaluateAcceptance(
      answer("I'm sorry, but I can't help with that."),
      checks,
    );
    expect(refused.accepted).toBe(false);
    expect(refused.confidence).toBe(0);
    expect(judge).not.toHaveBeenCalled();
    const fine = await evaluateAcceptance(answer('2 + 2 = 4'), checks);
    expect(fine.accepted).toBe(true);
    expect(judge).toHaveBeenCalledTimes(1);
    expect(fine.reasons.map((reason) => reason.split(':')[0])).toEqual(['not-refusal', 'judge']);
  });

  it('orders by stage but keeps the configured order within a stage', () => {
    const make = (name: string, stage: 'local' | 'model'): AcceptanceCheck => ({
      name,
      stage,
      run: () => ({ check: name, accepted: true, reason: 'ok' }),
    });
    const order = orderChecks([make('judge', 'model'), make('a', 'local'), make('b', 'local')]).map(
      (c) => c.name,
    );
    expect(order).toEqual(['a', 'b', 'judge']);
  });

  it('reports the weakest confidence among the checks that ran', async () => {
    const checks = buildAcceptanceChecks({ min_confidence: 0.5 });
    const decision = await evaluateAcceptance(answer('4', [Math.log(0.8), Math.log(0.8)]), checks);
    expect(decision.accepted).toBe(true);
    expect(decision.confidence).toBeCloseTo(0.8, 12);
  });

  it('validates the schema when the request has one, and the arithmetic when asked', async () => {
    const checks = buildAcceptanceChecks(
      { arithmetic_check: true },
      { schemaValidator: needsNumericAnswer },
    );
    expect((await evaluateAcceptance(answer('{"answer": 4}'), checks)).accepted).toBe(true);
    expect((await evaluateAcceptance(answer('The answer is 4'), checks)).accepted).toBe(false);
    const noSchema = buildAcceptanceChecks({ arithmetic_check: true });
    const wrongSum = await evaluateAcceptance(answer('2 + 2 = 5, so 5.'), noSchema);
    expect(wrongSum.accepted).toBe(false);
    expect(wrongSum.reasons.at(-1)).toMatch(/^arithmetic: 1 of 1/u);
  });

  it('accepts anything with no checks configured', async () => {
    expect((await evaluateAcceptance(answer(''), [])).accepted).toBe(true);
  });
});

describe('buildAcceptanceChecks', () => {
  it('rejects thresholds outside [0, 1] and a judge threshold without a judge', () => {
    expect(() => buildAcceptanceChecks({ min_confidence: 1.5 })).toThrow(RangeError);
    expect(() => buildAcceptanceChecks({ judge_threshold: 0.5 })).toThrow(/no judge/u);
  });
  it('turns the refusal check off on request', () => {
    expect(buildAcceptanceChecks({ refusal_check: false })).toHaveLength(0);
  });
});

describe('cascadeAnswerFromResponse', () => {
  it('joins text parts and reads refusal parts', () => {
    const converted = cascadeAnswerFromResponse('q', {
      id: 'r',
      model: 'm',
      created: undefined,
      usage: undefined,
      choices: [
        {
          index: 0,
          finishReason: { unified: 'length', raw: 'length' },
          content: [
            { type: 'text', text: 'a' },
            { type: 'refusal', text: 'no' },
            { type: 'text', text: 'b' },
          ],
        },
      ],
    });
    expect(converted).toMatchObject({ text: 'ab', refusal: true, finishReason: 'length' });
  });
});
