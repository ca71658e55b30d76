import { describe, expect, it } from 'vitest';
import { assembleStream, expectValidEventOrder } from '../../../test/helpers/canonical-stream.ts';
import {
  listRecordings,
  readChunkLines,
  readRecordingText,
} from '../../../test/helpers/provider-recordings.ts';
import type { ChatStreamEvent } from '../../canonical/chat-stream-event.ts';
import { openAiResponsesCodec } from '../../dialects/openai-responses/openai-responses-codec.ts';
import type { GatewayError } from '../../errors/gateway-error.ts';
import { isJsonObject, safeParseJson, type JsonObject } from '../../lib/json.ts';
import { SseParser } from '../../upstream/sse-parser.ts';
import { planMockChatReply } from '../mock-chat-reply.ts';
import type { MockCompletionIdentity } from '../mock-dialect.ts';
import type { MockRequest } from '../mock-request.ts';
import { malformFrames } from '../write-mock-stream.ts';
import { openAiResponsesMockDialect } from './openai-responses-mock.ts';

const identity: MockCompletionIdentity = {
  id: 'mock-7',
  created: 1700000000,
  model: 'echo',
  choices: 1,
};

function parse(body: JsonObject): MockRequest {
  const parsed = openAiResponsesMockDialect.parseRequest(body, {});
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
  const decoder = openAiResponsesCodec.egress.createStreamDecoder();
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

const recordedStreams = [
  ...listRecordings('openai-responses/openai', '.chunks.txt'),
  ...listRecordings('azure-openai', '.chunks.txt'),
].filter((file) => !file.includes('parallel-tool-call'));
const recordedBodies = [
  ...listRecordings('openai-responses/openai', '.json'),
  ...listRecordings('azure-openai', '.json'),
].filter((file) => !file.includes('error'));

/** Key paths OpenAI's recorded bodies use; each mock body must use a subset of them. */
function expectBodyShapedLikeRecordings(body: unknown): void {
  const recorded = new Set(recordedBodies.flatMap((file) => shape(json(readRecordingText(file)))));
  expect(shape(body).filter((path) => !recorded.has(path))).toEqual([]);
}

/** Each mock event uses only key paths that recorded events of its type use. */
function expectEventsShapedLikeRecordings(frames: readonly (string | Uint8Array)[]): void {
  const recorded = new Map<string, Set<string>>();
  for (const file of recordedStreams) {
    for (const line of readChunkLines(file)) {
      const value = json(line);
      if (isJsonObject(value) && typeof value.type === 'string') {
        const paths = recorded.get(value.type) ?? new Set<string>();
        for (const path of shape(value)) paths.add(path);
        recorded.set(value.type, paths);
      }
    }
  }
  for (const frame of frames) {
    const [eventLine, dataLine] = String(frame).split('\n');
    const value = json((dataLine ?? '').replace(/^data: /, ''));
    const type = isJsonObject(value) ? String(value.type) : '';
    expect(eventLine).toBe(`event: ${type}`);
    const expected = recorded.get(type);
    expect(expected, `a recorded ${type} event`).toBeDefined();
    expect(shape(value).filter((path) => !expected?.has(path))).toEqual([]);
  }
}

const weatherTool = {
  type: 'function',
  name: 'weather',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};
const toolRequest: JsonObject = {
  model: 'echo',
  instructions: 'Be brief.',
  input: [
    { role: 'user', content: [{ type: 'input_text', text: 'Weather and time?\n!mock parallel' }] },
  ],
  tools: [weatherTool, { type: 'function', name: 'currentTime', parameters: { type: 'object' } }],
};
const textRequest: JsonObject = { model: 'echo', input: 'Say hello to Responses.', stream: true };

describe('openAiResponsesMockDialect: requests', () => {
  it('serves POST /v1/responses and the Azure OpenAI paths only', () => {
    expect(openAiResponsesMockDialect.route('POST', '/v1/responses')).toEqual({});
    // Azure's paths are marked, because Azure refuses content with its own error (content_filter).
    expect(openAiResponsesMockDialect.route('POST', '/openai/v1/responses')).toEqual({
      variant: 'azure',
    });
    expect(openAiResponsesMockDialect.route('POST', '/openai/responses')).toEqual({
      variant: 'azure',
    });
    expect(openAiResponsesMockDialect.route('GET', '/v1/responses')).toBeUndefined();
    expect(openAiResponsesMockDialect.route('POST', '/responses')).toBeUndefined();
  });

  it('reads a Responses body', () => {
    expect(parse(toolRequest)).toEqual({
      model: 'echo',
      stream: false,
      lastUserText: 'Weather and time?\n!mock parallel',
      lastMessageIsToolResult: false,
      promptTokens: 18,
      tools: [
        { name: 'weather', parameters: weatherTool.parameters },
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

  it('reads tool_choice, max_output_tokens, text.format and a trailing function output', () => {
    const base = { model: 'fast', input: 'x' };
    expect(parse({ ...base, tool_choice: 'required' }).toolChoice).toBe('required');
    expect(parse({ ...base, tool_choice: 'none' }).toolChoice).toBe('none');
    expect(parse({ ...base, tool_choice: { type: 'function', name: 'f' } }).toolChoice).toEqual({
      name: 'f',
    });
    expect(parse({ ...base, tool_choice: { type: 'web_search' } }).toolChoice).toBe('auto');
    expect(parse({ ...base, max_output_tokens: 20 }).maxOutputTokens).toBe(20);
    expect(parse({ ...base, parallel_tool_calls: false }).parallelToolCalls).toBe(false);
    expect(parse({ ...base, text: { format: { type: 'json_object' } } }).responseFormat).toEqual({
      type: 'json-object',
    });
    expect(
      parse({
        ...base,
        text: { format: { type: 'json_schema', name: 'a', schema: { type: 'object' } } },
      }).responseFormat,
    ).toEqual({ type: 'json-schema', schema: { type: 'object' } });
    expect(parse({ ...base, text: { format: { type: 'text' } } }).responseFormat).toBeUndefined();
    expect(
      parse({
        model: 'echo',
        input: [
          { role: 'user', content: 'first' },
          { role: 'user', content: [{ type: 'input_image', image_url: 'x' }] },
          { type: 'function_call', call_id: 'a', name: 'f', arguments: '{"b":1}' },
          {
            type: 'function_call_output',
            call_id: 'a',
            output: [{ type: 'input_text', text: 'r' }],
          },
          'junk',
        ],
        tools: [{ type: 'function', name: 'f' }, { type: 'web_search' }, 'junk'],
      }),
    ).toMatchObject({
      lastUserText: 'first',
      lastMessageIsToolResult: true,
      tools: [{ name: 'f', parameters: undefined }],
      promptTokens: 4 + 1 + 4 + 4 + 7 + 4 + 1,
    });
  });

  it('refuses what the API refuses: no model, no input, a limit below 16', () => {
    expect(openAiResponsesMockDialect.parseRequest({ input: 'x' }, {})).toMatchObject({
      status: 400,
      param: 'model',
      code: 'missing_required_parameter',
    });
    expect(openAiResponsesMockDialect.parseRequest({ model: 'echo' }, {})).toMatchObject({
      status: 400,
      param: 'input',
    });
    expect(
      openAiResponsesMockDialect.parseRequest(
        { model: 'echo', input: 'x', max_output_tokens: 5 },
        {},
      ),
    ).toMatchObject({ status: 400, param: 'max_output_tokens', code: 'integer_below_min_value' });
  });

  it('writes errors as OpenAI error bodies', () => {
    for (const [status, type] of [
      [400, 'invalid_request_error'],
      [401, 'invalid_request_error'],
      [404, 'invalid_request_error'],
      [429, 'rate_limit_exceeded'],
      [500, 'server_error'],
      [503, 'server_error'],
    ] as const) {
      const encoded = openAiResponsesMockDialect.encodeError({
        status,
        code: 'some_code',
        message: `failed ${status}`,
        ...(status === 400 ? { param: 'input' } : {}),
      });
      expect(json(encoded.body)).toEqual({
        error: {
          message: `failed ${status}`,
          type,
          param: status === 400 ? 'input' : null,
          code: 'some_code',
        },
      });
      expect(encoded.headers['content-type']).toBe('application/json');
      expect(openAiResponsesCodec.readErrorFacts(encoded.body)).toEqual({
        code: 'some_code',
        param: status === 400 ? 'input' : undefined,
      });
    }
  });
});

describe('openAiResponsesMockDialect: answers decoded by the openai-responses codec', () => {
  it('answers parallel function calls, shaped like the recordings', () => {
    const request = parse(toolRequest);
    const reply = planMockChatReply(request, 3, 'mock');
    const body = json(openAiResponsesMockDialect.encodeResponse(identity, reply, request));
    expectBodyShapedLikeRecordings(body);
    const response = openAiResponsesCodec.egress.decodeResponse(body);
    expect(response.id).toBe('resp_mock7');
    expect(response.choices[0]?.content).toEqual([
      {
        type: 'tool-call',
        id: 'call_mock_3_0',
        name: 'weather',
        arguments: '{"city":"Weather and time?"}',
      },
      { type: 'tool-call', id: 'call_mock_3_1', name: 'currentTime', arguments: '{}' },
    ]);
    expect(response.choices[0]?.finishReason).toEqual({ unified: 'tool-calls', raw: 'completed' });
    expect(response.usage).toEqual({
      inputTokens: { total: reply.promptTokens, cacheRead: 0 },
      outputTokens: { total: reply.completionTokens, reasoning: 0 },
    });
  });

  it('answers JSON when text.format asks, and stops at max_output_tokens', () => {
    const jsonRequest = parse({
      model: 'echo',
      input: 'Give JSON',
      text: { format: { type: 'json_schema', name: 'a', schema: weatherTool.parameters } },
    });
    const jsonReply = planMockChatReply(jsonRequest, 1, 'mock');
    const jsonResponse = openAiResponsesCodec.egress.decodeResponse(
      json(openAiResponsesMockDialect.encodeResponse(identity, jsonReply, jsonRequest)),
    );
    expect(jsonResponse.choices[0]?.content).toEqual([
      { type: 'text', text: '{"city":"Give JSON"}' },
    ]);
    const words = Array.from({ length: 30 }, (_, index) => `word${index}`).join(' ');
    const request = parse({ model: 'echo', input: words, max_output_tokens: 16 });
    const reply = planMockChatReply(request, 1, 'mock');
    const body = json(openAiResponsesMockDialect.encodeResponse(identity, reply, request));
    expect(body).toMatchObject({
      status: 'incomplete',
      incomplete_details: { reason: 'max_output_tokens' },
    });
    const response = openAiResponsesCodec.egress.decodeResponse(body);
    expect(response.choices[0]?.finishReason).toEqual({
      unified: 'length',
      raw: 'max_output_tokens',
    });
  });

  it('streams text that decodes to the same answer, with events shaped like the recordings', () => {
    const request = parse(textRequest);
    const reply = planMockChatReply(request, 1, 'mock');
    const stream = openAiResponsesMockDialect.encodeStream(identity, reply, request);
    expect(stream).toMatchObject({
      contentType: 'text/event-stream; charset=utf-8',
      terminalFrames: 0,
      sse: true,
    });
    const { events, failure } = decodeFrames(stream.frames);
    expect(failure).toBeUndefined();
    expectValidEventOrder(events);
    const result = assembleStream(events);
    expect(result).toMatchObject({ id: 'resp_mock7', model: 'echo' });
    expect(result.choices.get(0)).toMatchObject({
      text: 'Say hello to Responses.',
      finishReason: 'stop',
    });
    expect(result.usage?.outputTokens.total).toBe(reply.completionTokens);
    expectEventsShapedLikeRecordings(stream.frames);
  });

  it('streams function calls and an incomplete answer that decode to the same answer', () => {
    const request = parse({ ...toolRequest, stream: true });
    const reply = planMockChatReply(request, 4, 'mock');
    const stream = openAiResponsesMockDialect.encodeStream(identity, reply, request);
    const { events, failure } = decodeFrames(stream.frames);
    expect(failure).toBeUndefined();
    expect(assembleStream(events).choices.get(0)?.toolCalls).toEqual([
      { id: 'call_mock_4_0', name: 'weather', arguments: '{"city":"Weather and time?"}' },
      { id: 'call_mock_4_1', name: 'currentTime', arguments: '{}' },
    ]);
    expectEventsShapedLikeRecordings(stream.frames);
    const words = Array.from({ length: 30 }, (_, index) => `w${index}`).join(' ');
    const limited = parse({ model: 'echo', input: words, max_output_tokens: 16, stream: true });
    const cut = openAiResponsesMockDialect.encodeStream(
      identity,
      planMockChatReply(limited, 5, 'mock'),
      limited,
    );
    const decoded = decodeFrames(cut.frames);
    expect(assembleStream(decoded.events).choices.get(0)?.finishReason).toBe('length');
    expect(String(cut.frames.at(-1))).toMatch(/^event: response\.incomplete\n/);
  });

  it('breaks streams the way the fault directives ask', () => {
    const request = parse(textRequest);
    const reply = planMockChatReply(request, 1, 'mock');
    const stream = openAiResponsesMockDialect.encodeStream(identity, reply, request);
    const broken = (malformed: 'bad-json' | 'error-chunk' | 'truncated' | 'no-done' | 'crlf') =>
      decodeFrames(malformFrames(stream, { malformed }));
    expect(broken('bad-json').failure?.code).toBe('SB_ERR_UPSTREAM_INVALID_RESPONSE');
    const error = broken('error-chunk');
    expect(error.failure?.code).toBe('SB_ERR_UPSTREAM_ERROR');
    expect(JSON.stringify(error)).not.toContain('Upstream secret detail');
    expectEventsShapedLikeRecordings(
      String(stream.errorFrame)
        .split(/(?<=\n\n)/)
        .filter(Boolean),
    );
    const truncated = broken('truncated');
    expect(truncated.failure?.code).toBe('SB_ERR_UPSTREAM_ERROR');
    expect(assembleStream(truncated.events).choices.get(0)?.text).toBe('Say hello to Responses.');
    expect(broken('no-done').failure).toBeUndefined();
    expect(broken('crlf')).toEqual(decodeFrames(stream.frames));
  });
});
