import { describe, expect, it } from 'vitest';
import { cascadeSchema, resolveCascade } from './cascade-schema.ts';

describe('cascade configuration', () => {
  it('resolves an empty cascade to the default checks', () => {
    expect(resolveCascade(cascadeSchema.parse({}))).toEqual({
      refusalCheck: true,
      schemaCheck: true,
      minConfidence: undefined,
      minTokenProbability: undefined,
      arithmeticCheck: false,
      judge: undefined,
    });
    expect(resolveCascade(undefined)).toBeUndefined();
  });

  it('reads every setting, the judge with escalation by default', () => {
    const entry = cascadeSchema.parse({
      refusal_check: false,
      schema_check: false,
      min_confidence: 0.6,
      min_token_probability: 0.01,
      arithmetic_check: true,
      judge: { model: 'strong', threshold: 0.7 },
    });
    expect(resolveCascade(entry)).toEqual({
      refusalCheck: false,
      schemaCheck: false,
      minConfidence: 0.6,
      minTokenProbability: 0.01,
      arithmeticCheck: true,
      judge: { model: 'strong', threshold: 0.7, onFailure: 'escalate' },
    });
  });

  it.each([
    [{ min_confidence: 1.5 }],
    [{ judge: { model: 'strong', threshold: -0.1 } }],
    [{ judge: { threshold: 0.5 } }],
    [{ judge: { model: 'strong', threshold: 0.5, on_failure: 'ignore' } }],
    [{ refusal: true }],
  ])('refuses %j', (entry) => {
    expect(cascadeSchema.safeParse(entry).success).toBe(false);
  });
});
