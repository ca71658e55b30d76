import { describe, expect, it } from 'vitest';
import {
  assembleStream,
  decodeFramewise,
  decodeWireBody,
  expectValidEventOrder,
} from '../../../test/helpers/canonical-stream.ts';
import {
  listRecordings,
  openAiChatStreamBody,
  readChunkLines,
} from '../../../test/helpers/provider-recordings.ts';
import type { Usage } from '../../canonical/usage.ts';
import { isJsonObject, safeParseJson } from '../../lib/json.ts';
import { OpenAiChatStreamDecoder } from './openai-chat-stream-decoder.ts';

/** Every stream recording of the Chat Completions shape, Mistral's included. */
const recordings = [
  ...[
    'alibaba',
    'deepseek',
    'groq',
    'moonshotai',
    'openai',
    'openai-compatible',
    'perplexity',
    'xai',
  ].flatMap((folder) => listRecordings(`openai-chat/${folder}`, '.chunks.txt')),
  ...listRecordings('mistral-chat', '.chunks.txt'),
];

/** What a recording must decode to beyond its text, which is checked against its own deltas. */
const expected: Record<
  string,
  {
    toolCalls?: { id: string; name: string; arguments: string }[];
    finish: string;
    raw: string;
    usage: Usage;
  }
> = {
  'openai-chat/alibaba/alibaba-text.chunks.txt': {
    finish: 'stop',
    raw: 'stop',
    usage: { inputTokens: { total: 18, cacheRead: 0 }, outputTokens: { total: 779 } },
  },
  'openai-chat/alibaba/alibaba-tool-call.chunks.txt': {
    toolCalls: [
      {
        id: 'call_eee11723464a4b9eb8cee71d',
        name: 'weather',
        arguments: '{"location": "San Francisco"}',
      },
    ],
    finish: 'tool-calls',
    raw: 'tool_calls',
    usage: { inputTokens: { total: 295, cacheRead: 0 }, outputTokens: { total: 22 } },
  },
  'openai-chat/deepseek/deepseek-reasoning.chunks.txt': {
    finish: 'stop',
    raw: 'stop',
    usage: {
      inputTokens: { total: 18, cacheRead: 0 },
      outputTokens: { total: 219, reasoning: 205 },
    },
  },
  'openai-chat/groq/groq-text.chunks.txt': {
    finish: 'stop',
    raw: 'stop',
    usage: { inputTokens: { total: 45 }, outputTokens: { total: 662 } },
  },
  'openai-chat/groq/groq-tool-call.chunks.txt': {
    toolCalls: [{ id: 'tk85n1k4m', name: 'weather', arguments: '{}' }],
    finish: 'tool-calls',
    raw: 'tool_calls',
    usage: { inputTokens: { total: 210 }, outputTokens: { total: 15 } },
  },
  'openai-chat/openai/openai-text.chunks.txt': {
    finish: 'stop',
    raw: 'stop',
    usage: { inputTokens: { total: 16, cacheRead: 0 }, outputTokens: { total: 300, reasoning: 0 } },
  },
  // xAI's completion_tokens leave the reasoning tokens out; the canonical total includes them.
  'openai-chat/openai-compatible/xai-text.chunks.txt': {
    finish: 'stop',
    raw: 'stop',
    usage: {
      inputTokens: { total: 12, cacheRead: 11 },
      outputTokens: { total: 342, reasoning: 340 },
    },
  },
  'openai-chat/perplexity/perplexity-text.chunks.txt': {
    finish: 'stop',
    raw: 'stop',
    usage: { inputTokens: { total: 11 }, outputTokens: { total: 434 } },
  },
  'openai-chat/xai/xai-text.chunks.txt': {
    finish: 'stop',
    raw: 'stop',
    usage: {
      inputTokens: { total: 12, cacheRead: 11 },
      outputTokens: { total: 291, reasoning: 290 },
    },
  },
  'mistral-chat/mistral-text.chunks.txt': {
    finish: 'stop',
    raw: 'stop',
    usage: { inputTokens: { total: 13 }, outputTokens: { total: 8 } },
  },
  'mistral-chat/mistral-tool-call.chunks.txt': {
    toolCalls: [{ id: 'gSIMJiOkT', name: 'weather', arguments: '{"location": "San Francisco"}' }],
    finish: 'tool-calls',
    raw: 'tool_calls',
    usage: { inputTokens: { total: 124 }, outputTokens: { total: 22 } },
  },
};

/** The text and reasoning a recording's own deltas add up to. */
function deltasOf(path: string): { text: string; reasoning: string; id: string; model: string } {
  let text = '';
  let reasoning = '';
  let id = '';
  let model = '';
  for (const line of readChunkLines(path)) {
    const parsed = safeParseJson(line);
    const chunk = parsed.ok && isJsonObject(parsed.value) ? parsed.value : {};
    if (id === '' && typeof chunk.id === 'string') id = chunk.id;
    if (model === '' && typeof chunk.model === 'string') model = chunk.model;
    for (const choice of Array.isArray(chunk.choices) ? chunk.choices : []) {
      const delta = isJsonObject(choice) && isJsonObject(choice.delta) ? choice.delta : {};
      if (typeof delta.content === 'string') text += delta.content;
      if (typeof delta.reasoning_content === 'string') reasoning += delta.reasoning_content;
    }
  }
  return { text, reasoning, id, model };
}

function decode(body: string, pieceSize?: number) {
  return decodeWireBody(new OpenAiChatStreamDecoder(), body, pieceSize);
}

function data(chunk: object): string {
  return `data: ${JSON.stringify(chunk)}\n\n`;
}

function chunk(delta: object, finish: string | null = null, extra: object = {}): string {
  return data({
    id: 'chatcmpl-1',
    object: 'chat.completion.chunk',
    created: 1770000000,
    model: 'gpt-test',
    choices: [{ index: 0, delta, finish_reason: finish }],
    ...extra,
  });
}

describe('OpenAiChatStreamDecoder on every recording', () => {
  it('has an expectation for every recording', () => {
    expect(recordings.sort()).toEqual(Object.keys(expected).sort());
  });

  it.each(recordings)('%s: whole, event by event and byte by byte alike', (path) => {
    const body = openAiChatStreamBody(path);
    const whole = decode(body);
    expect(whole.failure).toBeUndefined();
    expectValidEventOrder(whole.events);
    expect(decodeFramewise(new OpenAiChatStreamDecoder(), body).events).toEqual(whole.events);
    expect(decode(body, 1).events).toEqual(whole.events);

    const assembled = assembleStream(whole.events);
    const own = deltasOf(path);
    const want = expected[path];
    expect(assembled.id).toBe(own.id);
    expect(assembled.model).toBe(own.model);
    expect([...assembled.choices.keys()]).toEqual([0]);
    const choice = assembled.choices.get(0);
    expect(choice?.text).toBe(own.text);
    expect(choice?.reasoning).toBe(own.reasoning);
    expect(choice?.toolCalls).toEqual(want?.toolCalls ?? []);
    expect(choice?.finishReason).toBe(want?.finish);
    expect(choice?.rawFinishReason).toBe(want?.raw);
    expect(assembled.usage).toEqual(want?.usage);
  });

  it.each(recordings)('%s: also accepted without [DONE]', (path) => {
    const withDone = decode(openAiChatStreamBody(path));
    const withoutDone = decode(openAiChatStreamBody(path, { done: false }));
    expect(withoutDone.failure).toBeUndefined();
    expect(withoutDone.events).toEqual(withDone.events);
  });
});

describe('OpenAiChatStreamDecoder on provider quirks', () => {
  it("skips Azure's leading prompt-filter chunk and takes id and model from the answer", () => {
    const body =
      data({
        choices: [],
        created: 0,
        id: '',
        model: '',
        object: '',
        prompt_filter_results: [{ prompt_index: 0, content_filter_results: {} }],
      }) +
      chunk({ role: 'assistant', content: '' }, null, { content_filter_results: {} }) +
      chunk({ content: 'Hi' }) +
      chunk({}, 'stop') +
      'data: [DONE]\n\n';
    const { events, failure } = decode(body);
    expect(failure).toBeUndefined();
    expect(events[0]).toEqual({
      type: 'response-start',
      id: 'chatcmpl-1',
      model: 'gpt-test',
      created: 1770000000,
    });
    expect(assembleStream(events).choices.get(0)?.text).toBe('Hi');
  });

  it('reads usage from x_groq when the chunk has no usage of its own', () => {
    const body =
      chunk({ content: 'Fast' }, null, { x_groq: { id: 'req_1', seed: 5 } }) +
      chunk({}, 'stop', {
        x_groq: {
          id: 'req_1',
          usage: { prompt_tokens: 45, completion_tokens: 5, total_tokens: 50 },
        },
      }) +
      'data: [DONE]\n\n';
    const { events } = decode(body);
    expect(assembleStream(events).usage).toEqual({
      inputTokens: { total: 45 },
      outputTokens: { total: 5 },
    });
  });

  it('keeps the last of the usage repeated on every chunk (Perplexity)', () => {
    const usage = (completion: number) => ({
      usage: { prompt_tokens: 11, completion_tokens: completion, total_tokens: 11 + completion },
    });
    const body =
      chunk({ content: 'a' }, null, usage(1)) +
      chunk({ content: 'b' }, null, usage(2)) +
      chunk({ content: '' }, 'stop', usage(3));
    const { events, failure } = decode(body);
    expect(failure).toBeUndefined();
    expect(events.filter((event) => event.type === 'usage-delta')).toHaveLength(3);
    expect(assembleStream(events).usage?.outputTokens.total).toBe(3);
  });

  it('ignores SSE comments such as DeepSeek keep-alives', () => {
    const body =
      ': keep-alive\n\n' + chunk({ content: 'x' }) + ': keep-alive\n\n' + chunk({}, 'stop');
    const { events, failure } = decode(body);
    expect(failure).toBeUndefined();
    expect(assembleStream(events).choices.get(0)?.text).toBe('x');
  });

  it('accepts CRLF line endings', () => {
    const body = (chunk({ content: 'crlf' }) + chunk({}, 'stop') + 'data: [DONE]\n\n').replaceAll(
      '\n',
      '\r\n',
    );
    expect(assembleStream(decode(body, 3).events).choices.get(0)?.text).toBe('crlf');
  });

  it('reads reasoning from `reasoning` (OpenRouter, vLLM) and refusals from `refusal`', () => {
    const body =
      chunk({ role: 'assistant', content: null, reasoning: 'Think.' }) +
      chunk({ content: null, refusal: "I can't" }) +
      chunk({ refusal: ' help.' }) +
      chunk({}, 'stop');
    const { events } = decode(body);
    expectValidEventOrder(events);
    expect(assembleStream(events).choices.get(0)).toMatchObject({
      reasoning: 'Think.',
      refusal: "I can't help.",
      text: '',
      finishReason: 'stop',
    });
  });

  it('reads Mistral thinking chunks inside content as reasoning', () => {
    const body =
      chunk({ content: [{ type: 'thinking', thinking: [{ type: 'text', text: 'Hmm' }] }] }) +
      chunk({ content: [{ type: 'text', text: 'Yes' }] }) +
      chunk({ content: '' }, 'stop');
    expect(assembleStream(decode(body).events).choices.get(0)).toMatchObject({
      reasoning: 'Hmm',
      text: 'Yes',
    });
  });

  it('keeps several choices apart and ends each with its own finish reason', () => {
    const two = (index: number, delta: object, finish: string | null = null) =>
      data({ id: 'c', model: 'm', choices: [{ index, delta, finish_reason: finish }] });
    const body =
      two(0, { content: 'A' }) +
      two(1, { content: 'B' }) +
      two(1, {}, 'length') +
      two(0, {}, 'stop') +
      'data: [DONE]\n\n';
    const { events } = decode(body);
    expectValidEventOrder(events);
    const assembled = assembleStream(events);
    expect(assembled.choices.get(0)).toMatchObject({ text: 'A', finishReason: 'stop' });
    expect(assembled.choices.get(1)).toMatchObject({ text: 'B', finishReason: 'length' });
  });

  it('ignores deltas for a choice after its finish reason', () => {
    const body =
      chunk({ content: 'Done.' }) +
      chunk({}, 'stop') +
      chunk({ content: ' late' }, null, { content_filter_results: {} }) +
      'data: [DONE]\n\n';
    const { events } = decode(body);
    expectValidEventOrder(events);
    expect(assembleStream(events).choices.get(0)?.text).toBe('Done.');
  });

  it('maps every finish reason, Mistral model_length and error included', () => {
    const finishOf = (reason: string) =>
      assembleStream(decode(chunk({ content: 'x' }, reason)).events).choices.get(0);
    expect(finishOf('length')?.finishReason).toBe('length');
    expect(finishOf('model_length')).toMatchObject({
      finishReason: 'length',
      rawFinishReason: 'model_length',
    });
    expect(finishOf('content_filter')?.finishReason).toBe('content-filter');
    expect(finishOf('function_call')?.finishReason).toBe('tool-calls');
    expect(finishOf('error')?.finishReason).toBe('error');
    expect(finishOf('eos')).toMatchObject({ finishReason: 'other', rawFinishReason: 'eos' });
  });

  it('closes open choices with stop when [DONE] arrives before their finish reason', () => {
    const { events, failure } = decode(chunk({ content: 'x' }) + 'data: [DONE]\n\n');
    expect(failure).toBeUndefined();
    expectValidEventOrder(events);
    expect(assembleStream(events).choices.get(0)).toMatchObject({
      finishReason: 'stop',
      rawFinishReason: undefined,
    });
  });

  it('answers a stream of only [DONE] with an empty response', () => {
    expect(decode('data: [DONE]\n\n').events).toEqual([
      { type: 'response-start', id: '', model: '', created: undefined },
      { type: 'response-end' },
    ]);
  });

  it('tolerates odd shapes: no index, no delta, non-object choices and calls', () => {
    const body =
      data({ id: 'c', choices: [{ delta: { content: 'a' } }, 'junk', { index: 0 }] }) +
      data({
        id: 'c',
        choices: [{ index: 0, delta: { tool_calls: ['junk', { function: 'x' }] } }],
      }) +
      data({ id: 'c', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] });
    const { events, failure } = decode(body);
    expect(failure).toBeUndefined();
    expectValidEventOrder(events);
    expect(assembleStream(events).choices.get(0)?.toolCalls).toEqual([
      { id: 'call_0', name: '', arguments: '' },
    ]);
  });
});
