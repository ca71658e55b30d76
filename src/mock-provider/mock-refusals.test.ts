import type { IncomingHttpHeaders } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anthropicMessagesCodec } from '../dialects/anthropic-messages/anthropic-messages-codec.ts';
import { bedrockConverseCodec } from '../dialects/bedrock-converse/bedrock-converse-codec.ts';
import { cohereChatCodec } from '../dialects/cohere-chat/cohere-chat-codec.ts';
import type { DialectCodec } from '../dialects/dialect-codec.ts';
import { geminiGenerateContentCodec } from '../dialects/gemini-generate-content/gemini-generate-content-codec.ts';
import { mistralChatCodec } from '../dialects/mistral-chat/mistral-chat-codec.ts';
import { openAiChatCodec } from '../dialects/openai-chat/openai-chat-codec.ts';
import { openAiResponsesCodec } from '../dialects/openai-responses/openai-responses-codec.ts';
import { safeParseJson } from '../lib/json.ts';
import { mapUpstreamErrorResponse } from '../upstream/map-upstream-error-response.ts';
import { SseParser } from '../upstream/sse-parser.ts';
import { parseMockDirectives } from './mock-directives.ts';
import { startMockProvider, type MockProviderServer } from './mock-provider-server.ts';

let mock: MockProviderServer;

beforeAll(async () => {
  mock = await startMockProvider();
});

afterAll(async () => {
  await mock.close();
});

/** One API the mock speaks: where to send a chat request, its body, and the codec that reads it. */
interface MockApi {
  readonly name: string;
  readonly path: string;
  readonly body: (text: string) => object;
  readonly codec: DialectCodec;
  /** The status of each refusal; undefined where the provider has no such refusal. */
  readonly contextLength: number;
  readonly contentPolicy: number | undefined;
}

const openAiChat = (text: string) => ({
  model: 'echo',
  messages: [{ role: 'user', content: text }],
});
const anthropic = (text: string) => ({
  model: 'echo',
  max_tokens: 16,
  messages: [{ role: 'user', content: text }],
});
const gemini = (text: string) => ({ contents: [{ role: 'user', parts: [{ text }] }] });
const vertexModel = '/v1/projects/p/locations/us-east5/publishers';

const apis: readonly MockApi[] = [
  {
    name: 'OpenAI Chat Completions',
    path: '/v1/chat/completions',
    body: openAiChat,
    codec: openAiChatCodec,
    contextLength: 400,
    contentPolicy: 400,
  },
  {
    name: 'Azure OpenAI Chat Completions',
    path: '/openai/deployments/echo/chat/completions',
    body: (text) => ({ messages: [{ role: 'user', content: text }] }),
    codec: openAiChatCodec,
    contextLength: 400,
    contentPolicy: 400,
  },
  {
    name: 'OpenAI Responses',
    path: '/v1/responses',
    body: (text) => ({ model: 'echo', input: text }),
    codec: openAiResponsesCodec,
    contextLength: 400,
    contentPolicy: 400,
  },
  {
    name: 'Azure OpenAI Responses',
    path: '/openai/v1/responses',
    body: (text) => ({ model: 'echo', input: text }),
    codec: openAiResponsesCodec,
    contextLength: 400,
    contentPolicy: 400,
  },
  {
    name: 'Anthropic Messages',
    path: '/v1/messages',
    body: anthropic,
    codec: anthropicMessagesCodec,
    contextLength: 400,
    contentPolicy: 400,
  },
  {
    name: 'Claude on Vertex AI',
    path: `${vertexModel}/anthropic/models/echo:rawPredict`,
    body: (text) => ({
      anthropic_version: 'vertex-2023-10-16',
      max_tokens: 16,
      messages: [{ role: 'user', content: text }],
    }),
    codec: anthropicMessagesCodec,
    contextLength: 400,
    contentPolicy: 400,
  },
  {
    name: 'Claude on Bedrock InvokeModel',
    path: '/model/echo/invoke',
    body: (text) => ({
      anthropic_version: 'bedrock-2023-05-31',
      max_tokens: 16,
      messages: [{ role: 'user', content: text }],
    }),
    codec: anthropicMessagesCodec,
    contextLength: 400,
    contentPolicy: undefined,
  },
  {
    name: 'Bedrock Converse',
    path: '/model/echo/converse',
    body: (text) => ({ messages: [{ role: 'user', content: [{ text }] }] }),
    codec: bedrockConverseCodec,
    contextLength: 400,
    contentPolicy: undefined,
  },
  {
    name: 'Cohere v2',
    path: '/v2/chat',
    body: openAiChat,
    codec: cohereChatCodec,
    contextLength: 400,
    contentPolicy: undefined,
  },
  {
    name: 'Mistral',
    path: '/mistral/v1/chat/completions',
    body: openAiChat,
    codec: mistralChatCodec,
    contextLength: 400,
    contentPolicy: undefined,
  },
  {
    name: 'Gemini API',
    path: '/v1beta/models/echo:generateContent',
    body: gemini,
    codec: geminiGenerateContentCodec,
    contextLength: 400,
    // A blocked prompt is a 200 with promptFeedback.blockReason.
    contentPolicy: 200,
  },
  {
    name: 'Gemini on Vertex AI',
    path: `${vertexModel}/google/models/echo:generateContent`,
    body: gemini,
    codec: geminiGenerateContentCodec,
    contextLength: 400,
    contentPolicy: 200,
  },
];

async function post(
  path: string,
  body: object,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: IncomingHttpHeaders; text: string }> {
  const response = await fetch(mock.origin + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return {
    status: response.status,
    headers: Object.fromEntries(response.headers),
    text: await response.text(),
  };
}

/** The gateway's error for an upstream error answer, as `callProvider` builds it. */
function gatewayCode(api: MockApi, answer: Awaited<ReturnType<typeof post>>): string {
  const facts = api.codec.readErrorFacts(answer.text, answer.headers);
  return mapUpstreamErrorResponse(answer.status, answer.headers, facts, 'mock', 0).code;
}

describe('!mock refuse=context-length', () => {
  it.each(apis.map((api) => [api.name, api] as const))(
    "%s answers with its provider's context-window error",
    async (_name, api) => {
      const answer = await post(api.path, api.body('!mock refuse=context-length\nhello there'));
      expect(answer.status).toBe(api.contextLength);
      expect(answer.headers['content-type']).toMatch(/^application\/json/);
      expect(api.codec.readErrorFacts(answer.text, answer.headers).refusal).toBe('context-length');
      expect(gatewayCode(api, answer)).toBe('SB_ERR_UPSTREAM_CONTEXT_LENGTH');
    },
  );

  it('refuses a stream the same way, before any event', async () => {
    const answer = await post('/v1/messages', {
      ...anthropic('!mock refuse=context-length\nhi'),
      stream: true,
    });
    expect(answer.status).toBe(400);
    expect(answer.headers['content-type']).toBe('application/json');
    expect(safeParseJson(answer.text)).toMatchObject({
      ok: true,
      value: {
        type: 'error',
        error: {
          type: 'invalid_request_error',
          message: expect.stringMatching(
            /^prompt is too long: \d+ tokens > 200000 maximum$/,
          ) as unknown,
        },
      },
    });
  });

  it('is read from the x-mock-directive header too', async () => {
    const answer = await post(
      '/model/echo/converse-stream',
      {
        messages: [{ role: 'user', content: [{ text: 'hi' }] }],
      },
      { 'x-mock-directive': 'refuse=context-length' },
    );
    expect(answer.status).toBe(400);
    expect(answer.headers['x-amzn-errortype']).toMatch(/^ValidationException:/);
    expect(safeParseJson(answer.text)).toEqual({
      ok: true,
      value: {
        message: 'The model returned the following errors: Input is too long for requested model.',
      },
    });
  });
});

describe('!mock refuse=content-policy', () => {
  it.each(apis.filter((api) => api.contentPolicy === 400).map((api) => [api.name, api] as const))(
    "%s answers with its provider's content-policy error",
    async (_name, api) => {
      const answer = await post(api.path, api.body('!mock refuse=content-policy\nhello'));
      expect(answer.status).toBe(400);
      expect(api.codec.readErrorFacts(answer.text, answer.headers).refusal).toBe('content-policy');
      expect(gatewayCode(api, answer)).toBe('SB_ERR_UPSTREAM_CONTENT_POLICY');
    },
  );

  it('answers Azure with content_filter and its filter results, OpenAI with invalid_prompt', async () => {
    const azure = await post('/openai/deployments/echo/chat/completions', {
      messages: [{ role: 'user', content: '!mock refuse=content-policy\nx' }],
    });
    expect(safeParseJson(azure.text)).toMatchObject({
      ok: true,
      value: {
        error: {
          code: 'content_filter',
          param: 'prompt',
          type: null,
          innererror: { code: 'ResponsibleAIPolicyViolation' },
        },
      },
    });
    const openai = await post('/v1/chat/completions', openAiChat('!mock refuse=content-policy\nx'));
    expect(safeParseJson(openai.text)).toMatchObject({
      ok: true,
      value: { error: { code: 'invalid_prompt', type: 'invalid_request_error', param: null } },
    });
  });

  it.each(
    apis.filter((api) => api.contentPolicy === undefined).map((api) => [api.name, api] as const),
  )('%s has no such error, so it answers as usual', async (_name, api) => {
    const answer = await post(api.path, api.body('!mock refuse=content-policy\nhello'));
    expect(answer.status).toBe(200);
    const parsed = safeParseJson(answer.text);
    if (!parsed.ok) throw new Error(answer.text);
    expect(api.codec.egress.decodeResponse(parsed.value).choices[0]?.finishReason.unified).toBe(
      'stop',
    );
  });

  it.each(apis.filter((api) => api.contentPolicy === 200).map((api) => [api.name, api] as const))(
    '%s blocks the prompt in a 200 answer, as Gemini does',
    async (_name, api) => {
      const answer = await post(api.path, api.body('!mock refuse=content-policy\nhello'));
      expect(answer.status).toBe(200);
      const parsed = safeParseJson(answer.text);
      if (!parsed.ok) throw new Error(answer.text);
      expect(parsed.value).toMatchObject({ promptFeedback: { blockReason: 'SAFETY' } });
      const response = api.codec.egress.decodeResponse(parsed.value);
      expect(response.choices).toEqual([
        { index: 0, content: [], finishReason: { unified: 'content-filter', raw: 'SAFETY' } },
      ]);
    },
  );

  it('streams the blocked prompt as one Gemini chunk the stream decoder ends on', async () => {
    const answer = await post(
      '/v1beta/models/echo:streamGenerateContent?alt=sse',
      gemini('!mock refuse=content-policy\nhello'),
    );
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('text/event-stream');
    const parser = new SseParser();
    const frames = [...parser.push(answer.text), ...parser.end()];
    expect(frames).toHaveLength(1);
    const decoder = geminiGenerateContentCodec.egress.createStreamDecoder();
    const events = [
      ...frames.flatMap((frame) => decoder.push(frame).events),
      ...decoder.end().events,
    ];
    expect(events).toContainEqual(
      expect.objectContaining({ finishReason: { unified: 'content-filter', raw: 'SAFETY' } }),
    );
  });
});

describe('parseMockDirectives: refuse', () => {
  it('reads the two refusals and ignores any other value', () => {
    expect(parseMockDirectives('refuse=context-length')).toEqual({ refuse: 'context-length' });
    expect(parseMockDirectives('refuse=content-policy status=429')).toEqual({
      refuse: 'content-policy',
      status: 429,
    });
    expect(parseMockDirectives('refuse=everything refuse')).toEqual({});
  });

  it('lets status= win over refuse= on the same line', async () => {
    const answer = await post(
      '/v1/chat/completions',
      openAiChat('!mock refuse=context-length status=503\nhi'),
    );
    expect(answer.status).toBe(503);
  });
});
