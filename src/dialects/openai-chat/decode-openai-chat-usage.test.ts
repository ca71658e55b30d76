import { describe, expect, it } from 'vitest';
import { readRecordingText } from '../../../test/helpers/provider-recordings.ts';
import { safeParseJson } from '../../lib/json.ts';
import { openAiChatCodec } from './openai-chat-codec.ts';
import { decodeOpenAiChatUsage } from './decode-openai-chat-usage.ts';

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
});
