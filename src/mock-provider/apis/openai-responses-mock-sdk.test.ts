import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { safeParseJson, type JsonObject } from '../../lib/json.ts';
import { planMockChatReply } from '../mock-chat-reply.ts';
import type { MockCompletionIdentity } from '../mock-dialect.ts';
import type { MockRequest } from '../mock-request.ts';
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

const weatherTool = {
  type: 'function' as const,
  name: 'weather',
  strict: false,
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};

describe('the mock wire format, read by the OpenAI SDK', () => {
  /** An SDK client answered by the mock dialect itself, as the mock server would answer it. */
  const client = new OpenAI({
    apiKey: 'sk-mock',
    baseURL: 'http://mock.test/v1',
    maxRetries: 0,
    fetch: (_url, init) => {
      const request = parse(json(typeof init?.body === 'string' ? init.body : '') as JsonObject);
      const reply = planMockChatReply(request, 9, 'mock');
      if (!request.stream) {
        const body = openAiResponsesMockDialect.encodeResponse(identity, reply, request);
        return Promise.resolve(
          new Response(body, { headers: { 'content-type': 'application/json' } }),
        );
      }
      const stream = openAiResponsesMockDialect.encodeStream(identity, reply, request);
      return Promise.resolve(
        new Response(stream.frames.map(String).join(''), {
          headers: { 'content-type': stream.contentType },
        }),
      );
    },
  });

  it('answers responses.create and responses.stream', async () => {
    const response = await client.responses.create({ model: 'echo', input: 'Hello mock' });
    expect(response.output_text).toBe('Hello mock');
    expect(response.usage?.output_tokens).toBeGreaterThan(0);
    const final = await client.responses
      .stream({
        model: 'fast',
        input: 'Hi',
        tools: [weatherTool],
      })
      .finalResponse();
    expect(final.output[0]).toMatchObject({
      type: 'function_call',
      name: 'weather',
      call_id: 'call_mock_9_0',
      arguments: '{"city":"Hi"}',
    });
    const text = await client.responses.stream({ model: 'fast', input: 'Hi' }).finalResponse();
    expect(text.output_text).toBe('Hello from Signalbox.');
  });
});
