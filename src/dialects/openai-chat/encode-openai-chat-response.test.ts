import { describe, expect, it } from 'vitest';
import { listRecordings, readRecordingText } from '../../../test/helpers/provider-recordings.ts';
import type { ChatResponse } from '../../canonical/chat-response.ts';
import { safeParseJson } from '../../lib/json.ts';
import { decodeOpenAiChatResponse } from './decode-openai-chat-response.ts';
import { encodeOpenAiChatResponse } from './encode-openai-chat-response.ts';

const context = { requestedModel: 'alias-model', includeUsage: false, now: 1_770_000_000_500 };

function parse(text: string): unknown {
  const parsed = safeParseJson(text);
  return parsed.ok ? parsed.value : undefined;
}

describe('encodeOpenAiChatResponse', () => {
  it('writes every part type of every choice as a chat.completion', () => {
    const response: ChatResponse = {
      id: 'msg_1',
      model: '',
      created: undefined,
      choices: [
        {
          index: 0,
          content: [
            { type: 'reasoning', text: 'Think ' },
            { type: 'reasoning', text: 'twice.', signature: 'sig' },
            { type: 'redacted-reasoning', data: 'opaque' },
            { type: 'text', text: 'Hello' },
            { type: 'text', text: ' there.' },
            { type: 'refusal', text: 'Not that.' },
            { type: 'tool-call', id: 'call_1', name: 'f', arguments: '{"a":1}' },
          ],
          finishReason: { unified: 'tool-calls', raw: 'tool_use' },
        },
        { index: 1, content: [], finishReason: { unified: 'content-filter', raw: 'SAFETY' } },
      ],
      usage: {
        inputTokens: { total: 10, cacheRead: 2, cacheWrite: 3 },
        outputTokens: { total: 5 },
      },
    };
    expect(parse(encodeOpenAiChatResponse(response, context))).toEqual({
      id: 'msg_1',
      object: 'chat.completion',
      created: 1_770_000_000,
      model: 'alias-model',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: 'Hello there.',
            refusal: 'Not that.',
            reasoning_content: 'Think twice.',
            tool_calls: [
              { id: 'call_1', type: 'function', function: { name: 'f', arguments: '{"a":1}' } },
            ],
          },
          logprobs: null,
          finish_reason: 'tool_calls',
        },
        {
          index: 1,
          message: { role: 'assistant', content: null, refusal: null },
          logprobs: null,
          finish_reason: 'content_filter',
        },
      ],
      usage: {
        prompt_tokens: 10,
        completion_tokens: 5,
        total_tokens: 15,
        prompt_tokens_details: { cached_tokens: 2, cache_write_tokens: 3 },
      },
    });
  });

  it("keeps the provider's model and time, and leaves usage out when none was reported", () => {
    const body = parse(
      encodeOpenAiChatResponse(
        {
          id: 'x',
          model: 'gpt-4o',
          created: 42,
          choices: [{ index: 0, content: [], finishReason: { unified: 'error', raw: 'error' } }],
          usage: undefined,
        },
        context,
      ),
    );
    expect(body).toMatchObject({ model: 'gpt-4o', created: 42 });
    expect(body).not.toHaveProperty('usage');
    expect(body).toMatchObject({ choices: [{ finish_reason: 'stop' }] });
  });

  it.each(listRecordings('openai-chat/openai', '.json').filter((path) => !path.includes('error')))(
    'decodes and encodes %s back to the same message',
    (path) => {
      const original = parse(readRecordingText(path));
      const again = parse(encodeOpenAiChatResponse(decodeOpenAiChatResponse(original), context));
      expect(again).toMatchObject({
        id: (original as { id: string }).id,
        model: (original as { model: string }).model,
        choices: [
          {
            message: {
              role: 'assistant',
              content: (original as { choices: { message: { content: string } }[] }).choices[0]
                ?.message.content,
            },
            finish_reason: 'stop',
          },
        ],
        usage: { prompt_tokens: 16, completion_tokens: 363, total_tokens: 379 },
      });
    },
  );
});
