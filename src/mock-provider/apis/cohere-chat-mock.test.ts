import { describe, expect, it } from 'vitest';
import { readChunkLines, readRecordingText } from '../../../test/helpers/provider-recordings.ts';
import type { ChatStreamEvent } from '../../canonical/chat-stream-event.ts';
import { cohereChatCodec } from '../../dialects/cohere-chat/cohere-chat-codec.ts';
import type { GatewayError } from '../../errors/gateway-error.ts';
import { isJsonObject, safeParseJson, type JsonObject } from '../../lib/json.ts';
import { SseParser } from '../../upstream/sse-parser.ts';
import { planMockChatReply } from '../mock-chat-reply.ts';
import type { MockCompletionIdentity } from '../mock-dialect.ts';
import type { MockRequest } from '../mock-request.ts';
import { malformFrames } from '../write-mock-stream.ts';
import { cohereChatMockDialect } from './cohere-chat-mock.ts';

const identity: MockCompletionIdentity = {
  id: 'mock-7',
  created: 1700000000,
  model: 'echo',
  choices: 1,
};

function parse(body: JsonObject): MockRequest {
  const parsed = cohereChatMockDialect.parseRequest(body, {});
  if ('status' in parsed) throw new Error(parsed.message);
  return parsed;
}

function json(text: string): unknown {
  const parsed = safeParseJson(text);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.value;
}

/** Every key path of a JSON value (array items share one path), for comparing shapes. */
function keyPaths(value: unknown, prefix = ''): string[] {
  if (Array.isArray(value)) {
    return value.flatMap((item) => keyPaths(item, `${prefix}[]`));
  }
  if (!isJsonObject(value)) {
    return [];
  }
  return Object.entries(value).flatMap(([key, inner]) => {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    return [path, ...keyPaths(inner, path)];
  });
}

const shape = (value: unknown) => [...new Set(keyPaths(value))].sort();

function decodeFrames(frames: readonly (string | Uint8Array)[]) {
  const parser = new SseParser();
  const decoder = cohereChatCodec.egress.createStreamDecoder();
  const events: ChatStreamEvent[] = [];
  let failure: GatewayError | undefined;
  for (const frame of [...frames.flatMap((piece) => parser.push(piece)), ...parser.end()]) {
    const step = decoder.push(frame);
    events.push(...step.events);
    failure ??= step.failure;
  }
  const last = decoder.end();
  events.push(...last.events);
  failure ??= last.failure;
  return { events, failure };
}

const toolRequest: JsonObject = {
  model: 'echo',
  messages: [
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: 'Weather and time?\n!mock parallel' },
  ],
  tools: [
    {
      type: 'function',
      function: {
        name: 'weather',
        parameters: {
          type: 'object',
          properties: { city: { type: 'string' } },
          required: ['city'],
        },
      },
    },
    { type: 'function', function: { name: 'currentTime', parameters: { type: 'object' } } },
  ],
};
const textRequest: JsonObject = {
  model: 'echo',
  messages: [{ role: 'user', content: [{ type: 'text', text: 'Say hello to Cohere.' }] }],
  stream: true,
};

describe('cohereChatMockDialect: requests', () => {
  it('serves POST /v2/chat only', () => {
    expect(cohereChatMockDialect.route('POST', '/v2/chat')).toEqual({});
    expect(cohereChatMockDialect.route('GET', '/v2/chat')).toBeUndefined();
    expect(cohereChatMockDialect.route('POST', '/v1/chat')).toBeUndefined();
  });

  it('reads a Cohere v2 body', () => {
    expect(parse(toolRequest)).toEqual({
      model: 'echo',
      stream: false,
      lastUserText: 'Weather and time?\n!mock parallel',
      lastMessageIsToolResult: false,
      promptTokens: 18,
      tools: [
        {
          name: 'weather',
          parameters: {
            type: 'object',
            properties: { city: { type: 'string' } },
            required: ['city'],
          },
        },
        { name: 'currentTime', parameters: { type: 'object' } },
      ],
      toolChoice: 'auto',
      parallelToolCalls: true,
      maxOutputTokens: undefined,
      responseFormat: undefined,
      choices: 1,
      includeUsage: false,
    });
  });

  it('reads tool_choice, max_tokens, response_format and a trailing tool result', () => {
    const base = { model: 'fast', messages: [{ role: 'user', content: 'x' }] };
    expect(parse({ ...base, tool_choice: 'REQUIRED' }).toolChoice).toBe('required');
    expect(parse({ ...base, tool_choice: 'NONE' }).toolChoice).toBe('none');
    expect(parse({ ...base, max_tokens: 5 }).maxOutputTokens).toBe(5);
    expect(parse({ ...base, max_tokens: 0 }).maxOutputTokens).toBeUndefined();
    expect(parse({ ...base, response_format: { type: 'json_object' } }).responseFormat).toEqual({
      type: 'json-object',
    });
    expect(
      parse({ ...base, response_format: { type: 'json_object', json_schema: { type: 'object' } } })
        .responseFormat,
    ).toEqual({ type: 'json-schema', schema: { type: 'object' } });
    expect(parse({ ...base, response_format: { type: 'text' } }).responseFormat).toBeUndefined();
    expect(
      parse({
        model: 'echo',
        messages: [
          { role: 'user', content: 'x' },
          { role: 'assistant', tool_calls: [] },
          { role: 'tool', tool_call_id: 'a', content: 'r' },
        ],
        tools: [{ type: 'function', function: { name: 'f' } }, { type: 'function' }, 'junk'],
      }),
    ).toMatchObject({
      lastMessageIsToolResult: true,
      tools: [{ name: 'f', parameters: undefined }],
    });
  });

  it('refuses a body without a model or without messages, as Cohere does', () => {
    expect(
      cohereChatMockDialect.parseRequest({ messages: [{ role: 'user', content: 'x' }] }, {}),
    ).toMatchObject({
      status: 400,
      param: 'model',
    });
    expect(cohereChatMockDialect.parseRequest({ model: 'echo', messages: [] }, {})).toMatchObject({
      status: 400,
      param: 'messages',
    });
    expect(
      cohereChatMockDialect.parseRequest({ model: 'echo', messages: 'nope' }, {}),
    ).toMatchObject({ status: 400 });
  });

  it('writes errors as {"message": ...}', () => {
    for (const status of [400, 401, 404, 429, 500, 503]) {
      const encoded = cohereChatMockDialect.encodeError({
        status,
        code: 'x',
        message: `failed ${status}`,
      });
      expect(json(encoded.body)).toEqual({ message: `failed ${status}` });
      expect(encoded.headers['content-type']).toBe('application/json');
      expect(cohereChatCodec.readErrorFacts(encoded.body)).toEqual({
        code: undefined,
        param: undefined,
      });
    }
  });
});

describe('cohereChatMockDialect: answers decoded by the cohere-chat codec', () => {
  it('answers tool calls with a tool plan, shaped like the recording', () => {
    const request = parse(toolRequest);
    const reply = planMockChatReply(request, 3, 'mock');
    const body = json(cohereChatMockDialect.encodeResponse(identity, reply, request));
    expect(shape(body)).toEqual(
      shape(json(readRecordingText('cohere-chat/cohere-tool-call.json'))),
    );
    const response = cohereChatCodec.egress.decodeResponse(body);
    expect(response.id).toBe('mock-7');
    expect(response.choices[0]?.content).toEqual([
      { type: 'text', text: 'I will use the weather and currentTime tools to answer.' },
      {
        type: 'tool-call',
        id: 'call_mock_3_0',
        name: 'weather',
        arguments: '{"city":"Weather and time?"}',
      },
      { type: 'tool-call', id: 'call_mock_3_1', name: 'currentTime', arguments: '{}' },
    ]);
    expect(response.choices[0]?.finishReason).toEqual({ unified: 'tool-calls', raw: 'TOOL_CALL' });
    expect(response.usage).toEqual({
      inputTokens: { total: reply.promptTokens, cacheRead: 0 },
      outputTokens: { total: reply.completionTokens },
    });
  });

  it('answers text, and MAX_TOKENS at the limit', () => {
    const request = parse({ ...textRequest, stream: false, max_tokens: 2 });
    const reply = planMockChatReply(request, 1, 'mock');
    const body = json(cohereChatMockDialect.encodeResponse(identity, reply, request));
    const recording = json(readRecordingText('cohere-chat/cohere-reasoning.json'));
    expect(shape(body)).toEqual(shape(recording).filter((path) => !path.includes('thinking')));
    const response = cohereChatCodec.egress.decodeResponse(body);
    expect(response.choices[0]?.content).toEqual([{ type: 'text', text: 'Say hello' }]);
    expect(response.choices[0]?.finishReason).toEqual({ unified: 'length', raw: 'MAX_TOKENS' });
  });

  it('streams text that decodes to the same answer, with events shaped like the recordings', () => {
    const request = parse(textRequest);
    const reply = planMockChatReply(request, 1, 'mock');
    const stream = cohereChatMockDialect.encodeStream(identity, reply, request);
    expect(stream).toMatchObject({
      contentType: 'text/event-stream',
      terminalFrames: 0,
      sse: true,
    });
    const { events, failure } = decodeFrames(stream.frames);
    expect(failure).toBeUndefined();
    expect(events[0]).toEqual({ type: 'response-start', id: 'mock-7', model: '' });
    expect(
      events.flatMap((event) => (event.type === 'text-delta' ? [event.delta] : [])).join(''),
    ).toBe('Say hello to Cohere.');
    expect(events.at(-1)).toEqual({ type: 'response-end' });
    expectShapesLikeRecordings(stream.frames as string[]);
  });

  it('streams parallel tool calls that decode to the same calls', () => {
    const request = parse({ ...toolRequest, stream: true });
    const reply = planMockChatReply(request, 4, 'mock');
    const stream = cohereChatMockDialect.encodeStream(identity, reply, request);
    const { events, failure } = decodeFrames(stream.frames);
    expect(failure).toBeUndefined();
    const args = new Map<number, string>();
    for (const event of events) {
      if (event.type === 'tool-call-delta')
        args.set(event.part, (args.get(event.part) ?? '') + event.argumentsDelta);
    }
    expect([...args.values()]).toEqual(['{"city":"Weather and time?"}', '{}']);
    expect(events).toContainEqual({
      type: 'choice-end',
      choice: 0,
      finishReason: { unified: 'tool-calls', raw: 'TOOL_CALL' },
    });
    expectShapesLikeRecordings(stream.frames as string[]);
  });

  it('breaks streams the way the fault directives ask', () => {
    const request = parse(textRequest);
    const reply = planMockChatReply(request, 1, 'mock');
    const stream = cohereChatMockDialect.encodeStream(identity, reply, request);
    const broken = (malformed: 'bad-json' | 'error-chunk' | 'truncated' | 'no-done' | 'crlf') =>
      decodeFrames(malformFrames(stream, { malformed }));
    expect(broken('bad-json').failure?.code).toBe('SB_ERR_UPSTREAM_INVALID_RESPONSE');
    const error = broken('error-chunk');
    expect(error.failure?.code).toBe('SB_ERR_UPSTREAM_ERROR');
    expect(JSON.stringify(error)).not.toContain('Upstream secret detail');
    expect(broken('truncated').failure?.code).toBe('SB_ERR_UPSTREAM_ERROR');
    expect(broken('no-done').failure).toBeUndefined();
    expect(broken('crlf')).toEqual(decodeFrames(stream.frames));
  });
});

/** Each mock event has the same key paths as the recorded events of its type. */
function expectShapesLikeRecordings(frames: readonly string[]): void {
  const recorded = new Map<string, string[]>();
  for (const path of [
    'cohere-chat/cohere-tool-call.chunks.txt',
    'cohere-chat/cohere-reasoning.chunks.txt',
  ]) {
    for (const line of readChunkLines(path)) {
      const value = json(line);
      if (isJsonObject(value) && typeof value.type === 'string') {
        recorded.set(
          value.type,
          [...new Set([...(recorded.get(value.type) ?? []), ...shape(value)])].sort(),
        );
      }
    }
  }
  for (const frame of frames) {
    const [eventLine, dataLine] = frame.split('\n');
    const value = json((dataLine ?? '').replace(/^data: /, ''));
    expect(isJsonObject(value)).toBe(true);
    const type = isJsonObject(value) ? value.type : undefined;
    expect(eventLine).toBe(`event: ${String(type)}`);
    const expected = recorded.get(String(type)) ?? [];
    // The mock's events use a subset of what Cohere sends for the type (thinking blocks aside).
    expect(shape(value).filter((path) => !expected.includes(path))).toEqual([]);
    if (type === 'message-start' || type === 'message-end') expect(shape(value)).toEqual(expected);
  }
}
