import { describe, expect, it } from 'vitest';
import { readChunkLines, readRecordingText } from '../../../test/helpers/provider-recordings.ts';
import { createChatRequest, type ChatRequest } from '../../canonical/chat-request.ts';
import type { ChatStreamEvent } from '../../canonical/chat-stream-event.ts';
import type { ChatResponse } from '../../canonical/chat-response.ts';
import type { EgressOptions } from '../../dialects/dialect-codec.ts';
import { geminiGenerateContentCodec } from '../../dialects/gemini-generate-content/gemini-generate-content-codec.ts';
import type { GatewayError } from '../../errors/gateway-error.ts';
import { isJsonObject } from '../../lib/json.ts';
import { SseParser } from '../../upstream/sse-parser.ts';
import { planMockChatReply } from '../mock-chat-reply.ts';
import type { MockRoute, MockStreamFrames } from '../mock-dialect.ts';
import type { MockDirectives } from '../mock-directives.ts';
import type { MockRequest } from '../mock-request.ts';
import { malformFrames } from '../write-mock-stream.ts';
import { geminiGenerateContentMockDialect as mock } from './gemini-generate-content-mock.ts';

const codec = geminiGenerateContentCodec;
const options: EgressOptions = {
  upstreamModel: 'echo',
  modelInBody: false,
  bodyFields: {},
  requestStreamUsage: true,
  maxTokensField: 'max_completion_tokens',
  streamInBody: false,
  defaultMaxOutputTokens: undefined,
};
const studio: MockRoute = { model: 'echo', stream: false };
const vertex: MockRoute = { model: 'echo', stream: true, variant: 'vertex' };
const identity = { id: 'mock-1', created: 1_775_149_430, model: 'echo', choices: 1 };
const weather = {
  name: 'getWeather',
  parameters: {
    type: 'object',
    properties: { location: { type: 'string' }, days: { type: 'integer' } },
    required: ['location', 'days'],
  },
};

function chat(fields: Partial<ChatRequest> = {}): ChatRequest {
  return createChatRequest({
    model: 'alias',
    messages: [{ role: 'user', content: [{ type: 'text', text: 'Hello there, mock' }] }],
    ...fields,
  });
}

/** What the gateway would send, as the mock reads it. */
function mockRequest(request: ChatRequest, route: MockRoute = studio): MockRequest {
  const parsed = mock.parseRequest(codec.egress.encodeRequest(request, options), route);
  if ('status' in parsed) throw new Error(parsed.message);
  return parsed;
}

function decodeFrames(frames: readonly (string | Uint8Array)[], pieceSize?: number) {
  const bytes = Buffer.concat(frames.map((frame) => Buffer.from(frame)));
  const parser = new SseParser();
  const decoder = codec.egress.createStreamDecoder();
  const events: ChatStreamEvent[] = [];
  let failure: GatewayError | undefined;
  const size = pieceSize ?? bytes.length;
  const feed = (chunk: Buffer | undefined) => {
    for (const frame of chunk === undefined ? parser.end() : parser.push(chunk)) {
      if (failure !== undefined) return;
      const step = decoder.push(frame);
      events.push(...step.events);
      failure = step.failure;
    }
  };
  for (let offset = 0; offset < bytes.length; offset += size) {
    feed(bytes.subarray(offset, offset + size));
  }
  feed(undefined);
  if (failure === undefined) {
    const step = decoder.end();
    events.push(...step.events);
    failure = step.failure;
  }
  return { events, failure };
}

/** A decoded stream as the complete answer it adds up to (one choice per index). */
function collect(events: readonly ChatStreamEvent[]) {
  const choices = new Map<
    number,
    {
      text: string;
      calls: { id: string; name: string; arguments: string; signature?: string }[];
      finish?: string;
    }
  >();
  const get = (index: number) => {
    const found = choices.get(index) ?? { text: '', calls: [] };
    choices.set(index, found);
    return found;
  };
  let usage: unknown;
  for (const event of events) {
    if (event.type === 'text-delta') get(event.choice).text += event.delta;
    if (event.type === 'tool-call-start') {
      get(event.choice).calls.push({
        id: event.id,
        name: event.name,
        arguments: '',
        ...(event.signature === undefined ? {} : { signature: event.signature }),
      });
    }
    if (event.type === 'tool-call-delta') {
      const call = get(event.choice).calls.at(-1);
      if (call !== undefined) call.arguments += event.argumentsDelta;
    }
    if (event.type === 'choice-end') get(event.choice).finish = event.finishReason.unified;
    if (event.type === 'usage-delta') usage = event.usage;
  }
  return { choices, usage };
}

function textOf(response: ChatResponse, choice = 0): string {
  return (response.choices[choice]?.content ?? [])
    .map((part) => (part.type === 'text' ? part.text : ''))
    .join('');
}

describe('geminiGenerateContentMockDialect.route', () => {
  it.each([
    ['/v1beta/models/echo:generateContent', { model: 'echo', stream: false }],
    ['/v1beta/models/echo:streamGenerateContent', { model: 'echo', stream: true }],
    ['/v1/models/gemini-2.5-flash:generateContent', { model: 'gemini-2.5-flash', stream: false }],
    ['/v1beta/models/my%20model:generateContent', { model: 'my model', stream: false }],
    [
      '/v1/projects/p-1/locations/us-central1/publishers/google/models/echo:streamGenerateContent',
      { model: 'echo', stream: true, variant: 'vertex' },
    ],
    [
      '/v1beta1/projects/p/locations/global/publishers/google/models/fast:generateContent',
      { model: 'fast', stream: false, variant: 'vertex' },
    ],
  ])('serves %s', (path, route) => {
    expect(mock.route('POST', path)).toEqual(route);
  });

  it.each([
    ['GET', '/v1beta/models/echo:generateContent'],
    ['POST', '/v1beta/models/echo:countTokens'],
    ['POST', '/v1/chat/completions'],
    ['POST', '/v1/projects/p/locations/l/publishers/anthropic/models/claude:rawPredict'],
    ['POST', '/v1beta/models/a/b:generateContent'],
  ])('leaves %s %s to other dialects', (method, path) => {
    expect(mock.route(method, path)).toBeUndefined();
  });
});

describe('geminiGenerateContentMockDialect.parseRequest', () => {
  it('reads what decides the answer from a Gemini body', () => {
    const parsed = mock.parseRequest(
      {
        systemInstruction: { parts: [{ text: 'Be brief.' }] },
        contents: [
          { role: 'user', parts: [{ text: 'Weather?' }, { text: '!mock parallel' }] },
          { role: 'model', parts: [{ functionCall: { name: 'getWeather', args: {} } }] },
          { role: 'user', parts: [{ functionResponse: { name: 'getWeather', response: {} } }] },
        ],
        tools: [
          { functionDeclarations: [{ name: 'a', parametersJsonSchema: { type: 'object' } }] },
          { functionDeclarations: [{ name: 'b', parameters: { type: 'OBJECT' } }, { x: 1 }] },
          { googleSearch: {} },
        ],
        toolConfig: { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['b'] } },
        generationConfig: {
          maxOutputTokens: 20,
          candidateCount: 3,
          responseMimeType: 'application/json',
          responseJsonSchema: { type: 'object' },
        },
      },
      { model: 'fast', stream: true },
    );
    expect(parsed).toEqual({
      model: 'fast',
      stream: true,
      lastUserText: 'Weather?\n!mock parallel',
      lastMessageIsToolResult: true,
      promptTokens: expect.any(Number) as number,
      tools: [
        { name: 'a', parameters: { type: 'object' } },
        { name: 'b', parameters: { type: 'OBJECT' } },
      ],
      toolChoice: { name: 'b' },
      parallelToolCalls: true,
      maxOutputTokens: 20,
      responseFormat: { type: 'json-schema', schema: { type: 'object' } },
      choices: 3,
      includeUsage: true,
      vertex: false,
      streamArguments: false,
    });
  });

  it.each([
    [{}, 'auto'],
    [{ mode: 'AUTO' }, 'auto'],
    [{ mode: 'NONE' }, 'none'],
    [{ mode: 'ANY' }, 'required'],
    [{ mode: 'ANY', allowedFunctionNames: ['a', 'b'] }, 'required'],
  ])('maps functionCallingConfig %j to %j', (config, choice) => {
    const parsed = mock.parseRequest(
      { contents: [{ parts: [{ text: 'x' }] }], toolConfig: { functionCallingConfig: config } },
      studio,
    );
    expect('toolChoice' in parsed && parsed.toolChoice).toEqual(choice);
  });

  it('reads JSON mode without a schema, and Vertex AI streamed arguments', () => {
    const parsed = mock.parseRequest(
      {
        contents: [{ role: 'user', parts: [{ text: 'x' }] }],
        generationConfig: { responseMimeType: 'application/json', candidateCount: 99 },
        toolConfig: { functionCallingConfig: { streamFunctionCallArguments: true } },
      },
      vertex,
    );
    expect(parsed).toMatchObject({
      responseFormat: { type: 'json-object' },
      choices: 8,
      vertex: true,
      streamArguments: true,
    });
  });

  it('refuses a body without contents, as Gemini does', () => {
    expect(mock.parseRequest({ contents: [] }, studio)).toEqual({
      status: 400,
      code: 'invalid_argument',
      message: '* GenerateContentRequest.contents: contents is not specified',
      param: 'contents',
    });
  });
});

describe('the mock answers round-trip through the gemini-generate-content codec', () => {
  it('echoes text, whole and streamed, with usage', () => {
    const request = mockRequest(chat());
    const reply = planMockChatReply(request, 1, 'mock');
    const complete = codec.egress.decodeResponse(
      JSON.parse(mock.encodeResponse(identity, reply, request)),
    );
    expect(complete.id).toBe('mock-1');
    expect(complete.model).toBe('echo');
    expect(textOf(complete)).toBe('Hello there, mock');
    expect(complete.choices[0]?.finishReason).toEqual({ unified: 'stop', raw: 'STOP' });
    expect(complete.usage).toEqual({
      inputTokens: { total: request.promptTokens },
      outputTokens: { total: reply.completionTokens },
    });
    const stream = mock.encodeStream(identity, reply, request);
    expect(stream.frames.length).toBe(reply.tokens.length);
    const whole = decodeFrames(stream.frames);
    expect(whole.failure).toBeUndefined();
    expect(decodeFrames(stream.frames, 1)).toEqual(whole);
    const streamed = collect(whole.events);
    expect(streamed.choices.get(0)).toEqual({
      text: 'Hello there, mock',
      calls: [],
      finish: 'stop',
    });
    expect(streamed.usage).toEqual(complete.usage);
  });

  it('stops at maxOutputTokens with MAX_TOKENS, and answers every candidate', () => {
    const request = mockRequest(chat({ maxOutputTokens: 2, choices: 2 }));
    const reply = planMockChatReply(request, 1, 'mock');
    const many = { ...identity, choices: 2 };
    const complete = codec.egress.decodeResponse(
      JSON.parse(mock.encodeResponse(many, reply, request)),
    );
    expect(complete.choices.map((choice) => choice.finishReason.unified)).toEqual([
      'length',
      'length',
    ]);
    expect(textOf(complete, 1)).toBe('Hello there');
    const streamed = collect(decodeFrames(mock.encodeStream(many, reply, request).frames).events);
    expect([...streamed.choices.values()].map((choice) => choice.text)).toEqual([
      'Hello there',
      'Hello there',
    ]);
    expect(complete.usage?.outputTokens.total).toBe(4);
  });

  it('calls a tool with a signed function call (AI Studio), whole and streamed', () => {
    const request = mockRequest(chat({ tools: [weather], toolChoice: { type: 'required' } }));
    const reply = planMockChatReply(request, 1, 'mock');
    const complete = codec.egress.decodeResponse(
      JSON.parse(mock.encodeResponse(identity, reply, request)),
    );
    const [call] = complete.choices[0]?.content ?? [];
    expect(call?.type).toBe('tool-call');
    if (call?.type === 'tool-call') {
      expect(call.name).toBe('getWeather');
      expect(JSON.parse(call.arguments)).toEqual(JSON.parse(reply.toolCalls[0]?.arguments ?? ''));
      expect(call.signature).toBeDefined();
    }
    expect(complete.choices[0]?.finishReason).toEqual({ unified: 'tool-calls', raw: 'STOP' });
    const streamed = collect(
      decodeFrames(mock.encodeStream(identity, reply, request).frames).events,
    );
    expect(streamed.choices.get(0)?.calls).toEqual(
      complete.choices[0]?.content
        .flatMap((part) => (part.type === 'tool-call' ? [part] : []))
        .map(({ id, name, arguments: text, signature }) => ({
          id,
          name,
          arguments: text,
          signature,
        })),
    );
    expect(streamed.choices.get(0)?.finish).toBe('tool-calls');
  });

  it('streams parallel calls argument by argument on Vertex AI when asked', () => {
    const request = mockRequest(
      chat({
        tools: [weather, { name: 'noArgs', parameters: { type: 'object', properties: {} } }],
        messages: [{ role: 'user', content: [{ type: 'text', text: 'Go "now"\n!mock parallel' }] }],
      }),
      vertex,
    );
    const streaming = { ...request, streamArguments: true } as MockRequest;
    const reply = planMockChatReply(streaming, 1, 'mock');
    expect(reply.toolCalls).toHaveLength(2);
    const stream = mock.encodeStream(identity, reply, streaming);
    const { events, failure } = decodeFrames(stream.frames);
    expect(failure).toBeUndefined();
    expect(decodeFrames(stream.frames, 3)).toEqual({ events, failure });
    const calls = collect(events).choices.get(0)?.calls ?? [];
    const named = (call: { name: string; arguments: string }): unknown[] => [
      call.name,
      JSON.parse(call.arguments) as unknown,
    ];
    expect(calls.map(named)).toEqual(reply.toolCalls.map(named));
    expect(events.filter((event) => event.type === 'tool-call-delta').length).toBeGreaterThan(4);
  });

  it('answers in JSON for a response schema, and in text after a tool result', () => {
    const schema = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] };
    const json = mockRequest(chat({ responseFormat: { type: 'json-schema', name: 'x', schema } }));
    const reply = planMockChatReply(json, 1, 'mock');
    const response = codec.egress.decodeResponse(
      JSON.parse(mock.encodeResponse(identity, reply, json)),
    );
    expect(JSON.parse(textOf(response))).toEqual({ city: 'Hello there, mock' });
    const afterTool = mockRequest(
      chat({
        tools: [weather],
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'Weather?' }] },
          {
            role: 'assistant',
            content: [{ type: 'tool-call', id: 'c1', name: 'getWeather', arguments: '{}' }],
          },
          {
            role: 'tool',
            content: [
              { type: 'tool-result', toolCallId: 'c1', content: [{ type: 'text', text: '12C' }] },
            ],
          },
        ],
      }),
    );
    expect(afterTool.lastMessageIsToolResult).toBe(true);
    expect(planMockChatReply(afterTool, 1, 'mock').toolCalls).toEqual([]);
  });
});

describe('the mock wire matches the recordings in shape', () => {
  function keys(value: unknown): string[] {
    return isJsonObject(value) ? Object.keys(value).sort() : [];
  }

  it('writes complete bodies with the recorded fields', () => {
    const recorded = JSON.parse(
      readRecordingText('gemini-generate-content/google-text.json'),
    ) as Record<string, unknown>;
    const request = mockRequest(chat());
    const body = JSON.parse(
      mock.encodeResponse(identity, planMockChatReply(request, 1, 'mock'), request),
    ) as Record<string, unknown>;
    expect(keys(body)).toEqual(keys(recorded));
    const candidate = (body.candidates as unknown[])[0];
    expect(keys(candidate)).toEqual(['content', 'finishReason', 'index']);
    for (const key of keys(body.usageMetadata)) {
      expect(keys(recorded.usageMetadata)).toContain(key);
    }
  });

  it('frames every stream event as `data: <json>` and CRLF CRLF, like Google', () => {
    const request = mockRequest(chat());
    const stream = mock.encodeStream(identity, planMockChatReply(request, 1, 'mock'), request);
    expect(stream.contentType).toBe('text/event-stream');
    expect(stream.terminalFrames).toBe(0);
    for (const frame of stream.frames) {
      expect(frame).toMatch(/^data: \{.*\}\r\n\r\n$/s);
    }
    const recorded = JSON.parse(
      readChunkLines('gemini-generate-content/google-text.chunks.txt')[0] ?? '',
    ) as Record<string, unknown>;
    const first = JSON.parse(String(stream.frames[0]).slice(6)) as Record<string, unknown>;
    expect(keys(first)).toEqual(keys(recorded));
  });

  it('streams a tool call like the AI Studio recording: the call, then an empty text with STOP', () => {
    const request = mockRequest(chat({ tools: [weather], toolChoice: { type: 'required' } }));
    const stream = mock.encodeStream(identity, planMockChatReply(request, 1, 'mock'), request);
    const chunks = stream.frames.map(
      (frame) => JSON.parse(String(frame).slice(6)) as Record<string, unknown>,
    );
    const recorded = readChunkLines('gemini-generate-content/google-tool-call.chunks.txt').map(
      (line) => JSON.parse(line) as Record<string, unknown>,
    );
    expect(chunks).toHaveLength(recorded.length);
    const shape = (chunk: Record<string, unknown>) => {
      const [candidate] = chunk.candidates as Record<
        string,
        { parts: Record<string, unknown>[] }
      >[];
      return {
        candidate: keys(candidate),
        parts: candidate?.content?.parts.map((part) => keys(part)),
      };
    };
    expect(chunks.map(shape)).toEqual(recorded.map(shape));
  });

  it('streams Vertex AI arguments like the Vertex recording', () => {
    const request = {
      ...mockRequest(
        chat({
          tools: [
            {
              name: 'getWeather',
              parameters: {
                type: 'object',
                properties: { location: { type: 'string' } },
                required: ['location'],
              },
            },
          ],
        }),
        vertex,
      ),
      streamArguments: true,
    } as MockRequest;
    const reply = planMockChatReply(request, 1, 'mock');
    const chunks = mock
      .encodeStream(identity, reply, request)
      .frames.map((frame) => JSON.parse(String(frame).slice(6)) as Record<string, unknown>);
    const recorded = readChunkLines(
      'gemini-generate-content/google-stream-tool-call-arguments.chunks.txt',
    ).map((line) => JSON.parse(line) as Record<string, unknown>);
    const part = (chunk: Record<string, unknown>) =>
      (chunk.candidates as { content: { parts: Record<string, unknown>[] } }[])[0]?.content
        .parts[0];
    expect(part(chunks[0] ?? {})).toMatchObject({
      functionCall: { name: 'getWeather', willContinue: true },
    });
    expect(keys(part(chunks[0] ?? {}))).toEqual(keys(part(recorded[0] ?? {})));
    expect(part(chunks.at(-1) ?? {})).toEqual({ functionCall: {} });
    expect(keys(chunks[0])).toEqual(keys(recorded[0]));
    expect(chunks[0]?.usageMetadata).toEqual({ trafficType: 'ON_DEMAND' });
    // The recording adds thoughtsTokenCount, which a model that does not think leaves out.
    expect(keys(recorded.at(-1)?.usageMetadata)).toEqual(
      expect.arrayContaining(keys(chunks.at(-1)?.usageMetadata)),
    );
  });
});

describe('stream faults decode as the gateway expects', () => {
  function stream(): MockStreamFrames {
    const request = mockRequest(chat());
    return mock.encodeStream(identity, planMockChatReply(request, 1, 'mock'), request);
  }
  const clean = decodeFrames(stream().frames);

  it.each(['crlf', 'comments', 'split', 'no-done'] as const)(
    'decodes the %s fault like a clean stream',
    (malformed) => {
      const directives: MockDirectives = { malformed };
      expect(decodeFrames(malformFrames(stream(), directives))).toEqual(clean);
    },
  );

  it.each([
    ['bad-json', 'SB_ERR_UPSTREAM_INVALID_RESPONSE'],
    ['error-chunk', 'SB_ERR_UPSTREAM_ERROR'],
    ['truncated', 'SB_ERR_UPSTREAM_ERROR'],
  ] as const)('reports the %s fault as %s', (malformed, code) => {
    const { failure } = decodeFrames(malformFrames(stream(), { malformed }));
    expect(failure?.code).toBe(code);
    expect(failure?.publicMessage).not.toContain('Upstream secret detail');
  });
});

describe('geminiGenerateContentMockDialect.encodeError', () => {
  it.each([
    [400, 'INVALID_ARGUMENT'],
    [401, 'UNAUTHENTICATED'],
    [403, 'PERMISSION_DENIED'],
    [404, 'NOT_FOUND'],
    [409, 'ABORTED'],
    [413, 'INVALID_ARGUMENT'],
    [422, 'FAILED_PRECONDITION'],
    [429, 'RESOURCE_EXHAUSTED'],
    [499, 'CANCELLED'],
    [500, 'INTERNAL'],
    [501, 'UNIMPLEMENTED'],
    [502, 'UNAVAILABLE'],
    [503, 'UNAVAILABLE'],
    [504, 'DEADLINE_EXCEEDED'],
    [529, 'UNAVAILABLE'],
  ])('writes a %i as Google status %s, readable by the codec', (status, name) => {
    const encoded = mock.encodeError({ status, code: 'x', message: 'Scripted failure.' });
    expect(encoded.headers['content-type']).toBe('application/json; charset=UTF-8');
    const body = JSON.parse(encoded.body) as { error: Record<string, unknown> };
    expect(body.error).toMatchObject({ code: status, message: 'Scripted failure.', status: name });
    expect(codec.readErrorFacts(encoded.body)).toEqual({ code: name, param: undefined });
  });

  it('adds the details Google sends: field violations, quota, error info', () => {
    const details = (status: number, code: string, param?: string) =>
      (
        JSON.parse(
          mock.encodeError({
            status,
            code,
            message: 'm',
            ...(param === undefined ? {} : { param }),
          }).body,
        ) as { error: { details?: Record<string, unknown>[] } }
      ).error.details;
    expect(details(400, 'invalid_argument', 'contents')).toEqual([
      {
        '@type': 'type.googleapis.com/google.rpc.BadRequest',
        fieldViolations: [{ field: 'contents', description: 'm' }],
      },
    ]);
    expect(details(429, 'rate_limit_exceeded')?.[0]?.['@type']).toBe(
      'type.googleapis.com/google.rpc.QuotaFailure',
    );
    expect(details(401, 'invalid_api_key')?.[0]).toMatchObject({ reason: 'API_KEY_INVALID' });
    expect(details(403, 'forbidden')?.[0]).toMatchObject({ reason: 'FORBIDDEN' });
    expect(details(500, 'server_error')).toBeUndefined();
    expect(details(400, 'invalid_argument')).toBeUndefined();
  });
});
