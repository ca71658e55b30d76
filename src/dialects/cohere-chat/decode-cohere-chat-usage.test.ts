import { describe, expect, it } from 'vitest';
import { decodeCohereChatUsage } from './decode-cohere-chat-usage.ts';

describe('decodeCohereChatUsage', () => {
  it('prefers the model token counts over billed units, with cached tokens as cache reads', () => {
    expect(
      decodeCohereChatUsage({
        billed_units: { input_tokens: 46, output_tokens: 14 },
        tokens: { input_tokens: 1445, output_tokens: 43 },
        cached_tokens: 992,
      }),
    ).toEqual({ inputTokens: { total: 1445, cacheRead: 992 }, outputTokens: { total: 43 } });
  });

  it('falls back to billed units field by field', () => {
    expect(
      decodeCohereChatUsage({
        billed_units: { input_tokens: 46, output_tokens: 14 },
        tokens: { output_tokens: 43 },
      }),
    ).toEqual({ inputTokens: { total: 46 }, outputTokens: { total: 43 } });
  });

  it('leaves out cached tokens that exceed the input total they would be part of', () => {
    expect(
      decodeCohereChatUsage({ billed_units: { input_tokens: 46 }, cached_tokens: 992 }),
    ).toEqual({ inputTokens: { total: 46 }, outputTokens: {} });
    expect(decodeCohereChatUsage({ cached_tokens: 5 })).toEqual({
      inputTokens: { cacheRead: 5 },
      outputTokens: {},
    });
  });

  it('keeps "not reported" apart from zero', () => {
    expect(decodeCohereChatUsage({ tokens: { input_tokens: 0 }, cached_tokens: 0 })).toEqual({
      inputTokens: { total: 0, cacheRead: 0 },
      outputTokens: {},
    });
    expect(
      decodeCohereChatUsage({
        tokens: { input_tokens: -1, output_tokens: 'many' },
        billed_units: 3,
      }),
    ).toEqual({ inputTokens: {}, outputTokens: {} });
    expect(decodeCohereChatUsage(undefined)).toBeUndefined();
    expect(decodeCohereChatUsage([1])).toBeUndefined();
  });
});
