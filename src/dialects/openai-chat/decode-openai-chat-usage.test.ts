import { describe, expect, it } from 'vitest';
import { readRecordingText } from '../../../test/helpers/provider-recordings.ts';
import { safeParseJson } from '../../lib/json.ts';
import { openAiChatCodec } from './openai-chat-codec.ts';
import { decodeOpenAiChatUsage, decodeOpenAiChunkUsage } from './decode-openai-chat-usage.ts';

function usageOf(path: string) {
  const parsed = safeParseJson(readRecordingText(path));
  return parsed.ok ? openAiChatCodec.passThrough?.readResponseUsage(parsed.value) : undefined;
}

describe('decodeOpenAiChatUsage', () => {
  it('reads prompt, cached, completion and reasoning tokens (openai-text.json)', () => {
    expect(usageOf('openai-chat/openai/openai-text.json')).toEqual({
      inputTokens: { total: 16, cacheRead: 0 },
      outputTokens: { total: 363, reasoning: 0 },
    });
  });

  it('reads DeepSeek cache hits and reasoning tokens (deepseek-json.json)', () => {
    expect(usageOf('openai-chat/deepseek/deepseek-json.json')).toEqual({
      inputTokens: { total: 495, cacheRead: 320 },
      outputTokens: { total: 144, reasoning: 118 },
    });
  });

  it('keeps "not reported" apart from zero', () => {
    expect(decodeOpenAiChatUsage({ prompt_tokens: 3 })).toEqual({
      inputTokens: { total: 3 },
      outputTokens: {},
    });
    expect(decodeOpenAiChatUsage({ prompt_tokens: -1, completion_tokens: 'many' })).toEqual({
      inputTokens: {},
      outputTokens: {},
    });
    expect(decodeOpenAiChatUsage(null)).toBeUndefined();
  });

  it("adds xAI's reasoning tokens, which its completion_tokens leave out, to the output", () => {
    // xAI: total_tokens = prompt + completion + reasoning.
    expect(
      decodeOpenAiChatUsage({
        prompt_tokens: 12,
        completion_tokens: 1,
        total_tokens: 303,
        completion_tokens_details: { reasoning_tokens: 290 },
      }),
    ).toEqual({ inputTokens: { total: 12 }, outputTokens: { total: 291, reasoning: 290 } });
    // Without total_tokens, more reasoning than completion tokens gives it away.
    expect(
      decodeOpenAiChatUsage({
        completion_tokens: 30,
        completion_tokens_details: { reasoning_tokens: 40 },
      })?.outputTokens.total,
    ).toBe(70);
    // OpenAI and DeepSeek count reasoning inside completion_tokens: left as it is.
    expect(
      decodeOpenAiChatUsage({
        prompt_tokens: 18,
        completion_tokens: 219,
        total_tokens: 237,
        completion_tokens_details: { reasoning_tokens: 205 },
      })?.outputTokens,
    ).toEqual({ total: 219, reasoning: 205 });
    expect(
      decodeOpenAiChatUsage({
        prompt_tokens: 5,
        completion_tokens: 3,
        total_tokens: 8,
        completion_tokens_details: { reasoning_tokens: 0 },
      })?.outputTokens,
    ).toEqual({ total: 3, reasoning: 0 });
  });

  it("reads a chunk's usage from `usage`, else from Groq's `x_groq.usage`", () => {
    expect(decodeOpenAiChunkUsage({ usage: { prompt_tokens: 1 } })?.inputTokens.total).toBe(1);
    expect(
      decodeOpenAiChunkUsage({ usage: null, x_groq: { usage: { prompt_tokens: 2 } } })?.inputTokens
        .total,
    ).toBe(2);
    expect(decodeOpenAiChunkUsage({ x_groq: { id: 'req_1' } })).toBeUndefined();
    expect(decodeOpenAiChunkUsage({})).toBeUndefined();
  });
});
