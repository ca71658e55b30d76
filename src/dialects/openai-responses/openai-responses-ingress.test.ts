import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import {
  assembleStream,
  decodeWireBody,
  expectValidEventOrder,
} from '../../../test/helpers/canonical-stream.ts';
import { listRecordings, namedEventStreamBody } from '../../../test/helpers/provider-recordings.ts';
import type { ChatResponse } from '../../canonical/chat-response.ts';
import type { ChatStreamEvent } from '../../canonical/chat-stream-event.ts';
import { GatewayError } from '../../errors/gateway-error.ts';
import { isJsonObject, safeParseJson } from '../../lib/json.ts';
import { SseParser } from '../../upstream/sse-parser.ts';
import { openAiResponsesIngress } from './openai-responses-codec.ts';
import { OpenAiResponsesStreamDecoder } from './openai-responses-stream-decoder.ts';

const context = { requestedModel: 'alias', includeUsage: false, now: 1_700_000_000_000 };

/** An OpenAI SDK client whose every request is answered with `body`. */
function clientAnswering(body: string, contentType = 'application/json', status = 200): OpenAI {
  return new OpenAI({
    apiKey: 'sk-test',
    baseURL: 'http://gateway.test/v1',
    maxRetries: 0,
    fetch: () =>
      Promise.resolve(new Response(body, { status, headers: { 'content-type': contentType } })),
  });
}

function encodeEvents(events: readonly ChatStreamEvent[]): string {
  const encoder = openAiResponsesIngress.createStreamEncoder(context);
  return events.map((event) => encoder.push(event)).join('');
}

/** The JSON payloads of an SSE body, in order. */
function payloads(body: string): Record<string, unknown>[] {
  return new SseParser().push(body).flatMap((frame) => {
    if (frame.kind !== 'event') return [];
    const parsed = safeParseJson(frame.data);
    return parsed.ok && isJsonObject(parsed.value) ? [parsed.value] : [];
  });
}

const usage = {
  inputTokens: { total: 30, cacheRead: 10 },
  outputTokens: { total: 20, reasoning: 5 },
};

const answer: ChatResponse = {
  id: 'chatcmpl-1',
  model: 'claude-x',
  created: 1_700_000_100,
  choices: [
    {
      index: 0,
      content: [
        { type: 'reasoning', text: 'Think.', signature: 'SIG' },
        { type: 'redacted-reasoning', data: 'REDACTED' },
        { type: 'text', text: 'Hello ' },
        { type: 'text', text: 'world.' },
        { type: 'refusal', text: 'No more.' },
        { type: 'tool-call', id: 'call_1', name: 'weather', arguments: '{"city":"Oslo"}' },
      ],
      finishReason: { unified: 'tool-calls', raw: 'tool_use' },
    },
  ],
  usage,
};

/** The canonical events of `answer`, as a decoder would produce them. */
const answerEvents: ChatStreamEvent[] = [
  { type: 'response-start', id: 'chatcmpl-1', model: 'claude-x', created: 1_700_000_100 },
  { type: 'reasoning-start', choice: 0, part: 0 },
  { type: 'reasoning-delta', choice: 0, part: 0, delta: 'Thi' },
  { type: 'reasoning-delta', choice: 0, part: 0, delta: 'nk.' },
  { type: 'reasoning-end', choice: 0, part: 0, signature: 'SIG' },
  { type: 'reasoning-start', choice: 0, part: 1, redactedData: 'REDACTED' },
  { type: 'reasoning-delta', choice: 0, part: 1, delta: 'hidden' },
  { type: 'reasoning-end', choice: 0, part: 1 },
  { type: 'text-start', choice: 0, part: 2 },
  { type: 'text-delta', choice: 0, part: 2, delta: 'Hello ' },
  { type: 'text-delta', choice: 0, part: 2, delta: '' },
  { type: 'text-delta', choice: 0, part: 2, delta: 'world.' },
  { type: 'text-end', choice: 0, part: 2 },
  { type: 'refusal-start', choice: 0, part: 3 },
  { type: 'refusal-delta', choice: 0, part: 3, delta: 'No more.' },
  { type: 'refusal-end', choice: 0, part: 3 },
  { type: 'tool-call-start', choice: 0, part: 4, id: 'call_1', name: 'weather' },
  { type: 'tool-call-delta', choice: 0, part: 4, argumentsDelta: '{"city":' },
  { type: 'tool-call-delta', choice: 0, part: 4, argumentsDelta: '"Oslo"}' },
  { type: 'tool-call-end', choice: 0, part: 4 },
  { type: 'text-start', choice: 1, part: 0 },
  { type: 'choice-end', choice: 0, finishReason: { unified: 'tool-calls', raw: 'tool_use' } },
  { type: 'usage-delta', usage },
  { type: 'response-end' },
];

describe('encodeOpenAiResponsesResponse through the OpenAI SDK', () => {
  it('gives the SDK output_text, the function call and usage', async () => {
    const body = openAiResponsesIngress.encodeResponse(answer, context);
    const response = await clientAnswering(body).responses.create({ model: 'alias', input: 'Hi' });
    expect(response.id).toBe('resp_chatcmpl-1');
    expect(response.object).toBe('response');
    expect(response.status).toBe('completed');
    expect(response.model).toBe('claude-x');
    expect(response.output_text).toBe('Hello world.');
    expect(response.output.map((item) => item.type)).toEqual([
      'reasoning',
      'message',
      'function_call',
    ]);
    expect(response.output[0]).toEqual({
      id: 'rs_chatcmpl-1_0',
      type: 'reasoning',
      summary: [{ type: 'summary_text', text: 'Think.' }],
      encrypted_content: 'SIG',
    });
    expect(response.output[1]).toMatchObject({
      role: 'assistant',
      status: 'completed',
      content: [
        { type: 'output_text', text: 'Hello ', annotations: [] },
        { type: 'output_text', text: 'world.', annotations: [] },
        { type: 'refusal', refusal: 'No more.' },
      ],
    });
    const call = response.output.find((item) => item.type === 'function_call');
    expect(call).toMatchObject({
      call_id: 'call_1',
      name: 'weather',
      arguments: '{"city":"Oslo"}',
    });
    expect(response.usage).toEqual({
      input_tokens: 30,
      input_tokens_details: { cached_tokens: 10 },
      output_tokens: 20,
      output_tokens_details: { reasoning_tokens: 5 },
      total_tokens: 50,
    });
  });

  it('reports a length finish as incomplete and fills in what the provider left out', async () => {
    const body = openAiResponsesIngress.encodeResponse(
      {
        id: 'resp_abc',
        model: '',
        created: undefined,
        choices: [
          {
            index: 0,
            content: [{ type: 'text', text: 'Cut' }],
            finishReason: { unified: 'length', raw: 'max_tokens' },
          },
        ],
        usage: undefined,
      },
      context,
    );
    const response = await clientAnswering(body).responses.create({ model: 'alias', input: 'Hi' });
    expect(response).toMatchObject({
      id: 'resp_abc',
      model: 'alias',
      created_at: 1_700_000_000,
      status: 'incomplete',
      incomplete_details: { reason: 'max_output_tokens' },
      output_text: 'Cut',
    });
    expect(response.output[0]).toMatchObject({ status: 'incomplete' });
    const filtered = safeParseJson(
      openAiResponsesIngress.encodeResponse(
        {
          id: 'x',
          model: 'm',
          created: 1,
          choices: [
            { index: 0, content: [], finishReason: { unified: 'content-filter', raw: 'x' } },
          ],
          usage: { inputTokens: {}, outputTokens: {} },
        },
        context,
      ),
    );
    expect(filtered.ok && filtered.value).toMatchObject({
      status: 'incomplete',
      incomplete_details: { reason: 'content_filter' },
      output: [],
      usage: { input_tokens: 0, output_tokens: 0, total_tokens: 0 },
    });
  });
});

describe('OpenAiResponsesStreamEncoder', () => {
  it('writes the API event sequence with increasing sequence numbers', () => {
    const events = payloads(encodeEvents(answerEvents));
    expect(events.map((event) => event.type)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.reasoning_summary_part.added',
      'response.reasoning_summary_text.delta',
      'response.reasoning_summary_text.delta',
      'response.reasoning_summary_text.done',
      'response.reasoning_summary_part.done',
      'response.output_item.done',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.content_part.added',
      'response.refusal.delta',
      'response.refusal.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.output_item.added',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(events.map((event) => event.sequence_number)).toEqual(events.map((_, index) => index));
    expect(events[11]).toEqual({
      type: 'response.output_text.delta',
      sequence_number: 11,
      item_id: 'msg_chatcmpl-1_1',
      output_index: 1,
      content_index: 0,
      delta: 'Hello ',
      logprobs: [],
    });
    expect(events.at(-1)).toMatchObject({
      response: { status: 'completed', usage: { total_tokens: 50 } },
    });
  });

  it('is read by the SDK, streamed and with responses.stream(...).finalResponse()', async () => {
    const body = encodeEvents(answerEvents);
    const client = clientAnswering(body, 'text/event-stream');
    const stream = await client.responses.create({ model: 'alias', input: 'Hi', stream: true });
    const types: string[] = [];
    let text = '';
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === 'response.output_text.delta') text += event.delta;
    }
    expect(text).toBe('Hello world.');
    expect(types.at(-1)).toBe('response.completed');
    const final = await clientAnswering(body, 'text/event-stream')
      .responses.stream({ model: 'alias', input: 'Hi' })
      .finalResponse();
    expect(final.output_text).toBe('Hello world.');
    expect(final.usage?.total_tokens).toBe(50);
    expect(final.output.find((item) => item.type === 'function_call')).toMatchObject({
      call_id: 'call_1',
      name: 'weather',
      arguments: '{"city":"Oslo"}',
      status: 'completed',
    });
    expect(final.output[0]).toMatchObject({ type: 'reasoning', encrypted_content: 'SIG' });
  });

  it('ends an incomplete answer with response.incomplete, which the SDK accepts', async () => {
    const body = encodeEvents([
      { type: 'response-start', id: '', model: '' },
      { type: 'text-start', choice: 0, part: 0 },
      { type: 'text-delta', choice: 0, part: 0, delta: 'Cut' },
      { type: 'text-end', choice: 0, part: 0 },
      { type: 'choice-end', choice: 0, finishReason: { unified: 'length', raw: 'length' } },
      { type: 'response-end' },
    ]);
    const events = payloads(body);
    expect(events.at(-1)).toMatchObject({
      type: 'response.incomplete',
      response: {
        id: 'resp_',
        model: 'alias',
        created_at: 1_700_000_000,
        status: 'incomplete',
        incomplete_details: { reason: 'max_output_tokens' },
        usage: null,
      },
    });
    const final = await clientAnswering(body, 'text/event-stream')
      .responses.stream({ model: 'alias', input: 'Hi' })
      .finalResponse();
    expect(final.status).toBe('incomplete');
    expect(final.output_text).toBe('Cut');
    expect(final.output[0]).toMatchObject({ type: 'message', status: 'incomplete' });
  });

  it('ignores events for parts it never opened', () => {
    const encoder = openAiResponsesIngress.createStreamEncoder(context);
    expect(encoder.push({ type: 'text-delta', choice: 0, part: 9, delta: 'x' })).toBe('');
    expect(encoder.push({ type: 'text-end', choice: 0, part: 9 })).toBe('');
    expect(encoder.push({ type: 'reasoning-end', choice: 0, part: 9 })).toBe('');
    expect(encoder.push({ type: 'tool-call-end', choice: 0, part: 9 })).toBe('');
    expect(payloads(encoder.push({ type: 'response-end' }))[0]).toMatchObject({
      type: 'response.completed',
      response: { id: 'resp_', output: [] },
    });
  });

  it('writes a failure as an error event the SDK raises, without internal details', async () => {
    const encoder = openAiResponsesIngress.createStreamEncoder(context);
    const head = encoder.push({ type: 'response-start', id: 'r', model: 'm' });
    const error = new GatewayError('SB_ERR_UPSTREAM_ERROR', {
      detail: 'The provider reported an error in the middle of the stream.',
      internalDetail: 'secret upstream text',
    });
    const failure = encoder.fail(error);
    expect(payloads(failure)[0]).toEqual({
      type: 'error',
      sequence_number: 2,
      code: 'SB_ERR_UPSTREAM_ERROR',
      message: error.publicMessage,
      param: null,
      error: {
        type: 'api_error',
        code: 'SB_ERR_UPSTREAM_ERROR',
        message: error.publicMessage,
        param: null,
      },
    });
    expect(failure).not.toContain('secret');
    expect(failure.startsWith('event: error\n')).toBe(true);
    const stream = clientAnswering(head + failure, 'text/event-stream').responses.stream({
      model: 'alias',
      input: 'Hi',
    });
    await expect(stream.finalResponse()).rejects.toThrow(/failed to answer/);
    const standalone = openAiResponsesIngress.encodeStreamError(
      new GatewayError('SB_ERR_REQUEST_INVALID', { param: 'input', detail: 'Bad input.' }),
    );
    expect(payloads(standalone)[0]).toMatchObject({
      type: 'error',
      sequence_number: 0,
      code: 'SB_ERR_REQUEST_INVALID',
      param: 'input',
    });
  });
});

describe('round trips through the stream encoder and the stream decoder', () => {
  it('gives back the canonical answer', () => {
    const decoded = decodeWireBody(new OpenAiResponsesStreamDecoder(), encodeEvents(answerEvents));
    expect(decoded.failure).toBeUndefined();
    expectValidEventOrder(decoded.events);
    const result = assembleStream(decoded.events);
    expect(result.id).toBe('resp_chatcmpl-1');
    expect(result.usage).toEqual(usage);
    expect(result.choices.get(0)).toEqual({
      text: 'Hello world.',
      reasoning: 'Think.',
      signatures: ['SIG'],
      refusal: 'No more.',
      toolCalls: [{ id: 'call_1', name: 'weather', arguments: '{"city":"Oslo"}' }],
      finishReason: 'tool-calls',
      rawFinishReason: 'completed',
    });
  });

  it.each(
    [
      ...listRecordings('openai-responses/openai', '.chunks.txt'),
      ...listRecordings('openai-responses/xai', '.chunks.txt'),
      ...listRecordings('azure-openai', '.chunks.txt'),
    ].filter((file) => !file.includes('openai-error') && !file.includes('parallel-tool-call')),
  )('%s: decode, encode, decode again gives the same answer', (file) => {
    const first = decodeWireBody(new OpenAiResponsesStreamDecoder(), namedEventStreamBody(file));
    const wire = encodeEvents(first.events);
    const second = decodeWireBody(new OpenAiResponsesStreamDecoder(), wire);
    expect(second.failure).toBeUndefined();
    expectValidEventOrder(second.events);
    const before = assembleStream(first.events);
    const after = assembleStream(second.events);
    expect(after.choices).toEqual(before.choices);
    expect(after.usage).toEqual(before.usage);
    expect(after.model).toBe(before.model);
  });
});
