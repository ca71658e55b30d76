import { fromUtf8, toUtf8 } from '@smithy/util-utf8';
import { describe, expect, it } from 'vitest';
import { readChunkLines, readRecordingText } from '../../../test/helpers/provider-recordings.ts';
import { createChatRequest, type ChatRequest } from '../../canonical/chat-request.ts';
import type { ChatResponse } from '../../canonical/chat-response.ts';
import type { ChatStreamEvent } from '../../canonical/chat-stream-event.ts';
import { bedrockConverseCodec } from '../../dialects/bedrock-converse/bedrock-converse-codec.ts';
import type { GatewayError } from '../../errors/gateway-error.ts';
import { isJsonObject, safeParseJson, type JsonObject } from '../../lib/json.ts';
import { AwsEventStreamParser } from '../../upstream/aws-event-stream-parser.ts';
import { planMockChatReply } from '../mock-chat-reply.ts';
import type { MockDirectives } from '../mock-directives.ts';
import type { MockRequest } from '../mock-request.ts';
import { malformFrames } from '../write-mock-stream.ts';
import { bedrockConverseMockDialect } from './bedrock-converse-mock.ts';

const identity = { id: 'mock-1', created: 1_700_000_000, model: 'echo', choices: 1 };
const weatherTool = {
  name: 'get_weather',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};
const toolHistory: ChatRequest['messages'] = [
  { role: 'user', content: [{ type: 'text', text: 'Weather?' }] },
  {
    role: 'assistant',
    content: [{ type: 'tool-call', id: 't1', name: 'get_weather', arguments: '{}' }],
  },
  {
    role: 'tool',
    content: [{ type: 'tool-result', toolCallId: 't1', content: [{ type: 'text', text: 'ok' }] }],
  },
];

function object(text: string): JsonObject {
  const parsed = safeParseJson(text);
  if (!parsed.ok || !isJsonObject(parsed.value)) throw new Error(`not a JSON object: ${text}`);
  return parsed.value;
}

/** `actual` has the shape of `expected` (keys and value types), perhaps with fewer keys; `p` aside. */
function expectShapeWithin(actual: unknown, expected: unknown): void {
  if (Array.isArray(actual) && Array.isArray(expected)) {
    if (actual.length > 0) expectShapeWithin(actual[0], expected[0]);
  } else if (isJsonObject(actual) && isJsonObject(expected)) {
    for (const key of Object.keys(actual).filter((name) => name !== 'p')) {
      expect(Object.keys(expected)).toContain(key);
      expectShapeWithin(actual[key], expected[key]);
    }
  } else {
    expect(actual === null ? 'null' : typeof actual).toBe(
      expected === null ? 'null' : typeof expected,
    );
  }
}

/** Encodes a canonical request the way the gateway would send it to Bedrock. */
function converseBody(fields: Partial<ChatRequest>, model = 'anthropic.claude-x'): JsonObject {
  return bedrockConverseCodec.egress.encodeRequest(
    createChatRequest({
      model: 'echo',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Hello there' }] }],
      ...fields,
    }),
    {
      upstreamModel: model,
      modelInBody: false,
      bodyFields: {},
      requestStreamUsage: true,
      maxTokensField: 'max_tokens',
      streamInBody: false,
      defaultMaxOutputTokens: undefined,
    },
  );
}

function parse(body: JsonObject, stream = false): MockRequest {
  const parsed = bedrockConverseMockDialect.parseRequest(body, { model: 'echo', stream });
  if ('status' in parsed) throw new Error(parsed.message);
  return parsed;
}

/** The mock's JSON answer to a request, and what the codec decodes from it. */
function answer(request: MockRequest, call = 1): { body: JsonObject; response: ChatResponse } {
  const reply = planMockChatReply(request, call, 'mock');
  const body = object(bedrockConverseMockDialect.encodeResponse(identity, reply, request));
  return { body, response: bedrockConverseCodec.egress.decodeResponse(body) };
}

/** The stream's frames as wire bytes, after the faults a directive asks for. */
function wire(mockRequest: MockRequest, directives: MockDirectives = {}): Uint8Array[] {
  const reply = planMockChatReply(mockRequest, 1, 'mock');
  const stream = bedrockConverseMockDialect.encodeStream(identity, reply, mockRequest);
  expect([stream.contentType, stream.sse]).toEqual(['application/vnd.amazon.eventstream', false]);
  return malformFrames(stream, directives).map((frame) =>
    typeof frame === 'string' ? fromUtf8(frame) : frame,
  );
}

interface Decoded {
  readonly events: ChatStreamEvent[];
  readonly failure: GatewayError | undefined;
}

function decode(pieces: readonly Uint8Array[]): Decoded {
  const parser = new AwsEventStreamParser();
  const decoder = bedrockConverseCodec.egress.createStreamDecoder();
  const events: ChatStreamEvent[] = [];
  for (const piece of pieces) {
    for (const frame of parser.push(piece)) {
      const step = decoder.push(frame);
      events.push(...step.events);
      if (step.failure !== undefined) return { events, failure: step.failure };
    }
  }
  parser.end();
  const last = decoder.end();
  return { events: [...events, ...last.events], failure: last.failure };
}

/** Each frame's event type and payload, read back with the gateway's parser. */
function readFrames(frames: readonly Uint8Array[]): { type: string; payload: JsonObject }[] {
  return frames
    .flatMap((frame) => new AwsEventStreamParser().push(frame))
    .map((frame) => ({
      type: frame.headers[':event-type'] ?? '',
      payload: object(toUtf8(frame.payload)),
    }));
}

function recordedEvents(name: string): { type: string; payload: JsonObject }[] {
  return readChunkLines(`bedrock-converse/${name}`).map((line) => {
    const [entry] = Object.entries(object(line));
    return { type: entry?.[0] ?? '', payload: isJsonObject(entry?.[1]) ? entry[1] : {} };
  });
}

describe('bedrockConverseMockDialect routes', () => {
  it('serves Converse and ConverseStream with the URL-encoded model id decoded', () => {
    expect(bedrockConverseMockDialect.route('POST', '/model/echo/converse')).toEqual({
      model: 'echo',
      stream: false,
    });
    expect(
      bedrockConverseMockDialect.route(
        'POST',
        '/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A1%3Ainference-profile%2Fus.anthropic.claude/converse-stream',
      ),
    ).toEqual({
      model: 'arn:aws:bedrock:us-east-1:1:inference-profile/us.anthropic.claude',
      stream: true,
    });
  });

  it.each([
    ['GET', '/model/echo/converse'],
    ['POST', '/model/echo/invoke'],
    ['POST', '/v1/chat/completions'],
    ['POST', '/model/%E0%A4%A/converse'],
  ])('serves nothing else: %s %s', (method, path) => {
    expect(bedrockConverseMockDialect.route(method, path)).toBeUndefined();
  });
});

describe('bedrockConverseMockDialect reads Converse bodies', () => {
  it('reads text, system, limits, tools and schema from a gateway-encoded body', () => {
    const schema = { type: 'object', properties: { city: { type: 'string' } } };
    const request = parse(
      converseBody({
        system: [{ type: 'text', text: 'Be brief.' }],
        maxOutputTokens: 3,
        tools: [weatherTool],
        toolChoice: { type: 'tool', name: 'get_weather' },
        responseFormat: { type: 'json-schema', name: 'city', schema },
      }),
    );
    expect(request).toMatchObject({
      model: 'echo',
      stream: false,
      lastUserText: 'Hello there',
      lastMessageIsToolResult: false,
      maxOutputTokens: 3,
      tools: [{ name: 'get_weather', parameters: weatherTool.parameters }],
      toolChoice: { name: 'get_weather' },
      parallelToolCalls: true,
      responseFormat: { type: 'json-schema', schema },
      choices: 1,
      promptTokens: expect.any(Number) as number,
    });
  });

  it('reads the tool choices Converse and Claude’s own tool_choice can express', () => {
    const choiceOf = (fields: Partial<ChatRequest>) =>
      parse(converseBody({ tools: [weatherTool], ...fields })).toolChoice;
    expect(choiceOf({})).toBe('auto');
    expect(choiceOf({ toolChoice: { type: 'required' } })).toBe('required');
    expect(choiceOf({ parallelToolCalls: false })).toBe('auto');
    expect(parse(converseBody({ tools: [weatherTool], parallelToolCalls: false }))).toMatchObject({
      parallelToolCalls: false,
    });
    expect(choiceOf({ parallelToolCalls: false, toolChoice: { type: 'required' } })).toBe(
      'required',
    );
    const named = { type: 'tool', name: 'get_weather' } as const;
    expect(choiceOf({ parallelToolCalls: false, toolChoice: named })).toEqual({
      name: 'get_weather',
    });
  });

  it('sees a tool result as the last message and forbids calls when Claude is told none', () => {
    const request = parse(
      converseBody({ tools: [weatherTool], toolChoice: { type: 'none' }, messages: toolHistory }),
    );
    expect(request).toMatchObject({
      lastMessageIsToolResult: true,
      lastUserText: 'Weather?',
      toolChoice: 'none',
    });
  });

  it('accepts every tool setting the codec encodes, with or without tool history', () => {
    const choices = [undefined, { type: 'auto' }, { type: 'none' }, { type: 'required' }] as const;
    for (const model of ['anthropic.claude-x', 'amazon.nova-pro-v1:0']) {
      for (const messages of [undefined, toolHistory]) {
        for (const toolChoice of choices) {
          for (const parallelToolCalls of [undefined, false]) {
            for (const tools of [[], [weatherTool]]) {
              const fields = {
                tools,
                toolChoice,
                parallelToolCalls,
                ...(messages && { messages }),
              };
              const parsed = bedrockConverseMockDialect.parseRequest(
                converseBody(fields, model),
                {},
              );
              expect(parsed).not.toHaveProperty('status');
            }
          }
        }
      }
    }
  });

  const rawHistory = [
    { role: 'user', content: [{ text: 'Weather?' }] },
    { role: 'assistant', content: [{ toolUse: { toolUseId: 't', name: 'f', input: {} } }] },
    { role: 'user', content: [{ toolResult: { toolUseId: 't', content: [{ text: 'ok' }] } }] },
  ];
  it.each([
    ['an empty conversation', { messages: [] }],
    [
      'an unreadable schema',
      {
        messages: rawHistory.slice(0, 1),
        outputConfig: {
          textFormat: { type: 'json_schema', structure: { jsonSchema: { schema: '{' } } },
        },
      },
    ],
    // The next two are validations Bedrock really makes.
    ['tool blocks without toolConfig', { messages: rawHistory }],
    [
      "Claude's tool_choice next to Converse's toolChoice",
      {
        messages: rawHistory,
        toolConfig: { tools: [{ toolSpec: { name: 'f' } }], toolChoice: { auto: {} } },
        additionalModelRequestFields: { tool_choice: { type: 'auto' } },
      },
    ],
  ])('refuses %s with a validation error', (_name, body) => {
    expect(bedrockConverseMockDialect.parseRequest(body, {})).toMatchObject({
      status: 400,
      code: 'ValidationException',
    });
  });
});

describe('bedrockConverseMockDialect answers in the Converse wire format', () => {
  it('writes a JSON answer shaped like the recorded one, which the codec decodes', () => {
    const request = parse(converseBody({}));
    const { body, response } = answer(request);
    const recorded = object(readRecordingText('bedrock-converse/amazon-bedrock-text.json'));
    expectShapeWithin(body, recorded);
    expect(Object.keys(body).sort()).toEqual(Object.keys(recorded).sort());
    expect(response.choices[0]?.content).toEqual([{ type: 'text', text: 'Hello there' }]);
    expect(response.choices[0]?.finishReason).toEqual({ unified: 'stop', raw: 'end_turn' });
    const reply = planMockChatReply(request, 1, 'mock');
    expect(response.usage).toEqual({
      inputTokens: { total: reply.promptTokens, cacheRead: 0, cacheWrite: 0 },
      outputTokens: { total: reply.completionTokens },
    });
  });

  it('writes tool calls with object input, a length stop, and an empty answer', () => {
    const tool = answer(parse(converseBody({ tools: [weatherTool] })), 4).response.choices[0];
    expect(tool?.content).toEqual([
      {
        type: 'tool-call',
        id: 'tooluse_mock_4_0',
        name: 'get_weather',
        arguments: '{"city":"Hello there"}',
      },
    ]);
    expect(tool?.finishReason.raw).toBe('tool_use');
    const short = answer(parse(converseBody({ maxOutputTokens: 1 }))).response.choices[0];
    expect(short?.finishReason).toEqual({ unified: 'length', raw: 'max_tokens' });
    const silent = parse(
      converseBody({
        messages: [{ role: 'user', content: [{ type: 'text', text: '!mock tokens=0' }] }],
      }),
    );
    expect(answer(silent).body.output).toEqual({ message: { role: 'assistant', content: [] } });
  });

  it('streams binary frames in ConverseStream order, shaped like the recording, whole and byte by byte', () => {
    const request = parse(converseBody({}), true);
    const frames = wire(request);
    const events = readFrames(frames);
    expect(events.map((event) => event.type)).toEqual([
      'messageStart',
      'contentBlockDelta',
      'contentBlockDelta',
      'contentBlockStop',
      'messageStop',
      'metadata',
    ]);
    expect(events.every((event) => typeof event.payload.p === 'string')).toBe(true);
    const recorded = recordedEvents('amazon-bedrock-text.chunks.txt');
    for (const event of events) {
      expectShapeWithin(event.payload, recorded.find((twin) => twin.type === event.type)?.payload);
    }
    const whole = decode([Uint8Array.from(frames.flatMap((frame) => [...frame]))]);
    expect(decode(frames)).toEqual(whole);
    expect(decode(frames.flatMap((frame) => Array.from(frame, (b) => Uint8Array.of(b))))).toEqual(
      whole,
    );
    expect(whole.failure).toBeUndefined();
    const text = whole.events.flatMap((event) =>
      event.type === 'text-delta' ? [event.delta] : [],
    );
    expect(text.join('')).toBe('Hello there');
    expect(whole.events.slice(-3).map((event) => event.type)).toEqual([
      'choice-end',
      'usage-delta',
      'response-end',
    ]);
  });

  it('streams tool calls shaped like the recorded tool stream', () => {
    const request = parse(converseBody({ tools: [weatherTool] }), true);
    const events = readFrames(wire(request));
    // This (constructed) recording has no messageStart; the text recording covers that event.
    const recorded = recordedEvents('amazon-bedrock-tool-call.1.chunks.txt');
    for (const event of events.filter((one) => one.type !== 'messageStart')) {
      expectShapeWithin(event.payload, recorded.find((twin) => twin.type === event.type)?.payload);
    }
    const { events: decoded, failure } = decode(wire(request));
    expect(failure).toBeUndefined();
    const start = decoded.find((event) => event.type === 'tool-call-start');
    expect(start).toMatchObject({ id: 'tooluse_mock_1_0', name: 'get_weather' });
    const argumentsText = decoded.flatMap((event) =>
      event.type === 'tool-call-delta' ? [event.argumentsDelta] : [],
    );
    expect(argumentsText.join('')).toBe('{"city":"Hello there"}');
  });

  it('breaks streams the way the fault directives ask', () => {
    const request = parse(converseBody({}), true);
    const badJson = decode(wire(request, { malformed: 'bad-json' }));
    expect(badJson.failure?.code).toBe('SB_ERR_UPSTREAM_INVALID_RESPONSE');
    const errorChunk = decode(wire(request, { malformed: 'error-chunk' }));
    expect(errorChunk.failure?.code).toBe('SB_ERR_UPSTREAM_ERROR');
    expect(errorChunk.failure?.internalDetail).toContain('modelStreamErrorException');
    expect(JSON.stringify(errorChunk.failure)).not.toContain('secret');
    const truncated = decode(wire(request, { malformed: 'truncated' }));
    expect(truncated.failure?.code).toBe('SB_ERR_UPSTREAM_ERROR');
    const noDone = decode(wire(request, { malformed: 'no-done' }));
    expect(noDone.failure).toBeUndefined();
    expect(noDone.events.some((event) => event.type === 'usage-delta')).toBe(false);
    expect(noDone.events.at(-1)?.type).toBe('response-end');
  });
});

describe('bedrockConverseMockDialect errors', () => {
  it.each([
    [400, 'ValidationException'],
    [403, 'AccessDeniedException'],
    [404, 'ResourceNotFoundException'],
    [429, 'ThrottlingException'],
    [500, 'InternalServerException'],
    [503, 'ServiceUnavailableException'],
  ])('answers %i with {"message"} and x-amzn-errortype %s', (status, type) => {
    const encoded = bedrockConverseMockDialect.encodeError({ status, code: 'x', message: 'Fail.' });
    expect(object(encoded.body)).toEqual({ message: 'Fail.' });
    expect(encoded.headers['content-type']).toBe('application/json');
    expect(encoded.headers['x-amzn-errortype']?.split(':')[0]).toBe(type);
    expect(bedrockConverseCodec.readErrorFacts(encoded.body).code).toBeUndefined();
  });
});
