import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  assembleStream,
  decodeWireBody,
  expectValidEventOrder,
} from '../../../test/helpers/canonical-stream.ts';
import { listRecordings, openAiChatStreamBody } from '../../../test/helpers/provider-recordings.ts';
import type { ChatStreamEvent } from '../../canonical/chat-stream-event.ts';
import { GatewayError } from '../../errors/gateway-error.ts';
import { isJsonObject, safeParseJson, type JsonObject } from '../../lib/json.ts';
import { SseParser } from '../../upstream/sse-parser.ts';
import type { EncodeContext } from '../dialect-codec.ts';
import { OpenAiChatStreamDecoder } from './openai-chat-stream-decoder.ts';
import { OpenAiChatStreamEncoder } from './openai-chat-stream-encoder.ts';

const context: EncodeContext = {
  requestedModel: 'alias-model',
  includeUsage: true,
  now: 1_770_000_000_999,
};

function encode(events: readonly ChatStreamEvent[], overrides: Partial<EncodeContext> = {}) {
  const encoder = new OpenAiChatStreamEncoder({ ...context, ...overrides });
  return events.map((event) => encoder.push(event)).join('');
}

/** The data payloads of an SSE text, parsed where they are JSON. */
function payloads(text: string): (JsonObject | string)[] {
  const parser = new SseParser();
  return [...parser.push(text), ...parser.end()].flatMap((frame) => {
    if (frame.kind !== 'event') return [];
    const parsed = safeParseJson(frame.data);
    return [parsed.ok && isJsonObject(parsed.value) ? parsed.value : frame.data];
  });
}

const recordings = [
  ...['alibaba', 'deepseek', 'groq', 'openai', 'openai-compatible', 'perplexity', 'xai'].flatMap(
    (folder) => listRecordings(`openai-chat/${folder}`, '.chunks.txt'),
  ),
  ...listRecordings('mistral-chat', '.chunks.txt'),
];

describe('OpenAiChatStreamEncoder round trips', () => {
  it.each(recordings)('%s decodes, encodes and decodes again to the same answer', (path) => {
    const first = decodeWireBody(new OpenAiChatStreamDecoder(), openAiChatStreamBody(path));
    expect(first.failure).toBeUndefined();
    const wire = encode(first.events);
    expect(wire.endsWith('data: [DONE]\n\n')).toBe(true);
    const second = decodeWireBody(new OpenAiChatStreamDecoder(), wire, 7);
    expect(second.failure).toBeUndefined();
    expectValidEventOrder(second.events);
    const before = assembleStream(first.events);
    const after = assembleStream(second.events);
    expect(after.id).toBe(before.id);
    expect(after.model).toBe(before.model);
    const [a, b] = [before.choices.get(0), after.choices.get(0)];
    expect(b?.text).toBe(a?.text);
    expect(b?.reasoning).toBe(a?.reasoning);
    expect(b?.toolCalls).toEqual(a?.toolCalls);
    expect(b?.finishReason).toBe(a?.finishReason);
    expect(after.usage?.inputTokens.total).toBe(before.usage?.inputTokens.total);
    expect(after.usage?.outputTokens.total).toBe(before.usage?.outputTokens.total);
  });
});

describe('OpenAiChatStreamEncoder', () => {
  const start: ChatStreamEvent = { type: 'response-start', id: 'chatcmpl-x', model: '' };

  it('opens with a role chunk, names the requested model when the provider gave none', () => {
    const [role] = payloads(encode([start]));
    expect(role).toEqual({
      id: 'chatcmpl-x',
      object: 'chat.completion.chunk',
      created: 1_770_000_000,
      model: 'alias-model',
      choices: [
        {
          index: 0,
          delta: { role: 'assistant', content: '' },
          logprobs: null,
          finish_reason: null,
        },
      ],
    });
    const [named] = payloads(encode([{ ...start, model: 'gpt-x', created: 5 }]));
    expect(named).toMatchObject({ model: 'gpt-x', created: 5 });
  });

  it('writes text, reasoning, refusal and tool calls as deltas, then finish, usage and [DONE]', () => {
    const events: ChatStreamEvent[] = [
      start,
      { type: 'reasoning-start', choice: 0, part: 0 },
      { type: 'reasoning-delta', choice: 0, part: 0, delta: 'Think.' },
      { type: 'reasoning-end', choice: 0, part: 0, signature: 'sig' },
      { type: 'text-start', choice: 0, part: 1 },
      { type: 'text-delta', choice: 0, part: 1, delta: 'Hi' },
      { type: 'text-end', choice: 0, part: 1 },
      { type: 'refusal-start', choice: 0, part: 2 },
      { type: 'refusal-delta', choice: 0, part: 2, delta: 'No.' },
      { type: 'refusal-end', choice: 0, part: 2 },
      { type: 'tool-call-start', choice: 0, part: 3, id: 'call_1', name: 'f' },
      { type: 'tool-call-delta', choice: 0, part: 3, argumentsDelta: '{}' },
      { type: 'tool-call-end', choice: 0, part: 3 },
      { type: 'tool-call-start', choice: 0, part: 4, id: 'call_2', name: 'g' },
      { type: 'tool-call-delta', choice: 0, part: 4, argumentsDelta: '{"a":1}' },
      { type: 'tool-call-end', choice: 0, part: 4 },
      { type: 'usage-delta', usage: { inputTokens: { total: 10 }, outputTokens: {} } },
      { type: 'choice-end', choice: 0, finishReason: { unified: 'tool-calls', raw: 'tool_use' } },
      {
        type: 'usage-delta',
        usage: { inputTokens: { cacheRead: 4 }, outputTokens: { total: 7, reasoning: 2 } },
      },
      { type: 'response-end' },
    ];
    const chunks = payloads(encode(events));
    const deltas = chunks.flatMap((chunk) =>
      typeof chunk === 'object' && Array.isArray(chunk.choices)
        ? chunk.choices.map((choice) => (isJsonObject(choice) ? choice.delta : undefined))
        : [],
    );
    expect(deltas).toEqual([
      { role: 'assistant', content: '' },
      { reasoning_content: 'Think.' },
      { content: 'Hi' },
      { refusal: 'No.' },
      {
        tool_calls: [
          { index: 0, id: 'call_1', type: 'function', function: { name: 'f', arguments: '' } },
        ],
      },
      { tool_calls: [{ index: 0, function: { arguments: '{}' } }] },
      {
        tool_calls: [
          { index: 1, id: 'call_2', type: 'function', function: { name: 'g', arguments: '' } },
        ],
      },
      { tool_calls: [{ index: 1, function: { arguments: '{"a":1}' } }] },
      {},
    ]);
    const finish = chunks[chunks.length - 3];
    expect(typeof finish === 'object' && finish.choices).toEqual([
      { index: 0, delta: {}, logprobs: null, finish_reason: 'tool_calls' },
    ]);
    expect(chunks[chunks.length - 2]).toMatchObject({
      choices: [],
      usage: {
        prompt_tokens: 10,
        completion_tokens: 7,
        total_tokens: 17,
        prompt_tokens_details: { cached_tokens: 4 },
        completion_tokens_details: { reasoning_tokens: 2 },
      },
    });
    expect(chunks[chunks.length - 1]).toBe('[DONE]');
  });

  it('numbers tool calls per choice and opens every choice with its own role chunk', () => {
    const chunks = payloads(
      encode([
        start,
        { type: 'text-delta', choice: 1, part: 0, delta: 'B' },
        { type: 'tool-call-start', choice: 1, part: 1, id: 'c1', name: 'f' },
        { type: 'tool-call-start', choice: 0, part: 0, id: 'c0', name: 'f' },
        { type: 'choice-end', choice: 1, finishReason: { unified: 'length', raw: undefined } },
        { type: 'choice-end', choice: 0, finishReason: { unified: 'error', raw: 'error' } },
        { type: 'response-end' },
      ]),
    );
    const entries = chunks.flatMap((chunk) =>
      typeof chunk === 'object' && Array.isArray(chunk.choices) ? (chunk.choices as unknown[]) : [],
    );
    expect(entries).toEqual([
      { index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null },
      { index: 1, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null },
      { index: 1, delta: { content: 'B' }, logprobs: null, finish_reason: null },
      {
        index: 1,
        delta: {
          tool_calls: [
            { index: 0, id: 'c1', type: 'function', function: { name: 'f', arguments: '' } },
          ],
        },
        logprobs: null,
        finish_reason: null,
      },
      {
        index: 0,
        delta: {
          tool_calls: [
            { index: 0, id: 'c0', type: 'function', function: { name: 'f', arguments: '' } },
          ],
        },
        logprobs: null,
        finish_reason: null,
      },
      { index: 1, delta: {}, logprobs: null, finish_reason: 'length' },
      { index: 0, delta: {}, logprobs: null, finish_reason: 'stop' },
    ]);
  });

  it('sends the usage chunk only when the client asked for it', () => {
    const events: ChatStreamEvent[] = [
      start,
      { type: 'usage-delta', usage: { inputTokens: { total: 1 }, outputTokens: { total: 1 } } },
      { type: 'response-end' },
    ];
    expect(payloads(encode(events, { includeUsage: false }))).toHaveLength(2);
    expect(payloads(encode(events))).toHaveLength(3);
    expect(payloads(encode([start, { type: 'response-end' }]))).toHaveLength(2);
  });

  it('writes part boundaries as nothing and fails with an OpenAI error chunk', () => {
    const encoder = new OpenAiChatStreamEncoder(context);
    encoder.push(start);
    expect(encoder.push({ type: 'text-start', choice: 0, part: 0 })).toBe('');
    expect(encoder.push({ type: 'tool-call-end', choice: 0, part: 0 })).toBe('');
    const failed = encoder.fail(
      new GatewayError('SB_ERR_UPSTREAM_ERROR', { internalDetail: 'secret sk-live-1' }),
    );
    expect(failed.startsWith('data: {"error":')).toBe(true);
    expect(failed).toContain('"code":"SB_ERR_UPSTREAM_ERROR"');
    expect(failed).not.toContain('secret');
  });
});

describe('OpenAiChatStreamEncoder text deltas', () => {
  const fields = {
    'text-delta': 'content',
    'reasoning-delta': 'reasoning_content',
    'refusal-delta': 'refusal',
  } as const;
  /** A delta of some kind for some choice, or a new response start with another id. */
  const step = fc.oneof(
    fc.record({
      type: fc.constantFrom('text-delta', 'reasoning-delta', 'refusal-delta'),
      choice: fc.nat(3),
      text: fc.string({ unit: 'binary' }),
    }),
    fc.record({ type: fc.constant('response-start'), id: fc.string({ unit: 'binary' }) }),
  );

  it('writes each delta exactly as serialising the chunk object would, in any order', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 12 }), (steps) => {
        const encoder = new OpenAiChatStreamEncoder(context);
        encoder.push({ type: 'response-start', id: 'chatcmpl-1', model: 'm', created: 1 });
        for (const choice of [0, 1, 2, 3]) {
          encoder.push({ type: 'text-delta', choice, part: 0, delta: 'open' });
        }
        let id = 'chatcmpl-1';
        for (const next of steps) {
          if (next.type === 'response-start') {
            id = next.id;
            encoder.push({ type: 'response-start', id, model: 'm', created: 1 });
            continue;
          }
          const entry = JSON.stringify({
            index: next.choice,
            delta: { [fields[next.type]]: next.text },
            logprobs: null,
            finish_reason: null,
          });
          const wire = encoder.push({
            type: next.type,
            choice: next.choice,
            part: 0,
            delta: next.text,
          });
          expect(wire).toBe(
            `data: {"id":${JSON.stringify(id)},"object":"chat.completion.chunk","created":1,"model":"m","choices":[${entry}]}\n\n`,
          );
        }
      }),
    );
  });
});
