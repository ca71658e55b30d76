import { describe, expect, it } from 'vitest';
import { listRecordings, readRecordingText } from '../../../test/helpers/provider-recordings.ts';
import { GatewayError } from '../../errors/gateway-error.ts';
import { isJsonObject, safeParseJson } from '../../lib/json.ts';
import { decodeOpenAiChatResponse } from './decode-openai-chat-response.ts';

function recorded(path: string): unknown {
  const parsed = safeParseJson(readRecordingText(path));
  return parsed.ok ? parsed.value : undefined;
}

/** Every non-streamed answer recorded in the Chat Completions shape (error bodies aside). */
const answers = [
  ...[
    'alibaba',
    'deepseek',
    'groq',
    'moonshotai',
    'openai',
    'openai-compatible',
    'perplexity',
    'xai',
  ].flatMap((folder) => listRecordings(`openai-chat/${folder}`, '.json')),
  ...listRecordings('mistral-chat', '.json'),
].filter((path) => !path.endsWith('error.json'));

describe('decodeOpenAiChatResponse on every recorded answer', () => {
  it.each(answers)('%s', (path) => {
    const body = recorded(path);
    const response = decodeOpenAiChatResponse(body);
    const choices: unknown[] =
      isJsonObject(body) && Array.isArray(body.choices) ? body.choices : [];
    const raw = choices[0];
    const message = isJsonObject(raw) && isJsonObject(raw.message) ? raw.message : {};
    expect(response.id).toBe(isJsonObject(body) ? body.id : undefined);
    expect(response.choices).toHaveLength(1);
    const parts = response.choices[0]?.content ?? [];
    const text = parts.flatMap((part) => (part.type === 'text' ? [part.text] : [])).join('');
    expect(text).toBe(typeof message.content === 'string' ? message.content : '');
    const reasoning = parts.flatMap((part) => (part.type === 'reasoning' ? [part.text] : []));
    expect(reasoning).toEqual(
      typeof message.reasoning_content === 'string' ? [message.reasoning_content] : [],
    );
    const calls = Array.isArray(message.tool_calls) ? message.tool_calls : [];
    expect(parts.filter((part) => part.type === 'tool-call')).toHaveLength(calls.length);
    expect(response.usage?.inputTokens.total).toBeGreaterThan(0);
    expect(response.usage?.outputTokens.total).toBeGreaterThan(0);
  });

  it('reads the details of DeepSeek, xAI, Groq and Mistral answers', () => {
    const deepseek = decodeOpenAiChatResponse(recorded('openai-chat/deepseek/deepseek-json.json'));
    expect(deepseek.usage).toEqual({
      inputTokens: { total: 495, cacheRead: 320 },
      outputTokens: { total: 144, reasoning: 118 },
    });
    const xai = decodeOpenAiChatResponse(recorded('openai-chat/xai/xai-text.json'));
    expect(xai.usage).toEqual({
      inputTokens: { total: 12, cacheRead: 2 },
      outputTokens: { total: 229, reasoning: 228 },
    });
    const groq = decodeOpenAiChatResponse(recorded('openai-chat/groq/groq-tool-call.json'));
    expect(groq.choices[0]).toEqual({
      index: 0,
      content: [{ type: 'tool-call', id: 'ax9fskhev', name: 'weather', arguments: '{}' }],
      finishReason: { unified: 'tool-calls', raw: 'tool_calls' },
    });
    const mistral = decodeOpenAiChatResponse(recorded('mistral-chat/mistral-tool-call.json'));
    expect(mistral).toMatchObject({
      id: 'b3999b8c93e04e11bcbff7bcab829667',
      model: 'mistral-small-latest',
      created: 1769088854,
      choices: [
        {
          content: [
            {
              type: 'tool-call',
              id: 'gSIMJiOkT',
              name: 'weather',
              arguments: '{"location": "San Francisco"}',
            },
          ],
        },
      ],
    });
  });
});

describe('decodeOpenAiChatResponse', () => {
  it('reads a refusal, with content null, as a refusal part', () => {
    const response = decodeOpenAiChatResponse({
      id: 'chatcmpl-r',
      object: 'chat.completion',
      created: 1,
      model: 'gpt-4o',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: null, refusal: "I can't help.", annotations: [] },
          finish_reason: 'stop',
        },
      ],
    });
    expect(response.choices[0]?.content).toEqual([{ type: 'refusal', text: "I can't help." }]);
    expect(response.usage).toBeUndefined();
  });

  it('reads reasoning, Mistral thinking chunks, several choices and odd tool calls', () => {
    const response = decodeOpenAiChatResponse({
      choices: [
        {
          message: {
            reasoning: 'OpenRouter reasoning.',
            content: [
              { type: 'thinking', thinking: 'Plain thinking.' },
              { type: 'thinking', thinking: [{ type: 'text', text: 'Chunked.' }, 'junk'] },
              { type: 'thinking', thinking: 5 },
              { type: 'text', text: '' },
              { type: 'reference', reference_ids: [1] },
              'junk',
              { type: 'text', text: 'Answer.' },
            ],
            tool_calls: [
              { function: { name: 'f' } },
              { id: 'c2', function: { arguments: '{}' } },
              'junk',
            ],
          },
          finish_reason: 'tool_calls',
        },
        { index: 3, message: 'junk', finish_reason: null },
      ],
    });
    expect(response).toEqual({
      id: '',
      model: '',
      created: undefined,
      usage: undefined,
      choices: [
        {
          index: 0,
          content: [
            { type: 'reasoning', text: 'OpenRouter reasoning.' },
            { type: 'reasoning', text: 'Plain thinking.' },
            { type: 'reasoning', text: 'Chunked.' },
            { type: 'text', text: 'Answer.' },
            { type: 'tool-call', id: 'call_4', name: 'f', arguments: '{}' },
          ],
          finishReason: { unified: 'tool-calls', raw: 'tool_calls' },
        },
        { index: 3, content: [], finishReason: { unified: 'other', raw: undefined } },
      ],
    });
  });

  it('maps Mistral model_length to a length stop', () => {
    const response = decodeOpenAiChatResponse({
      choices: [{ index: 0, message: { content: 'Cut' }, finish_reason: 'model_length' }],
    });
    expect(response.choices[0]?.finishReason).toEqual({ unified: 'length', raw: 'model_length' });
  });

  it('throws an invalid-response error for a body that is not an answer', () => {
    for (const body of [null, 'text', {}, { choices: {} }, { choices: ['junk'] }]) {
      expect(() => decodeOpenAiChatResponse(body)).toThrow(GatewayError);
    }
    try {
      decodeOpenAiChatResponse({ error: { message: 'secret' } });
    } catch (error) {
      expect(error instanceof GatewayError && error.code).toBe('SB_ERR_UPSTREAM_INVALID_RESPONSE');
    }
  });
});
