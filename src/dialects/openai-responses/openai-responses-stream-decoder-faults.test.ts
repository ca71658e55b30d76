import { describe, expect, it } from 'vitest';
import {
  assembleStream,
  decodeWireBody,
  expectValidEventOrder,
} from '../../../test/helpers/canonical-stream.ts';
import { encodeSseEvent } from '../../lib/sse-frame.ts';
import { openAiResponsesCodec } from './openai-responses-codec.ts';

function decode(body: string, pieceSize?: number) {
  return decodeWireBody(openAiResponsesCodec.egress.createStreamDecoder(), body, pieceSize);
}

function events(...payloads: object[]): string {
  return payloads
    .map((payload) => encodeSseEvent(JSON.stringify(payload), (payload as { type: string }).type))
    .join('');
}

function choiceOf(body: string) {
  const decoded = decode(body);
  expect(decoded.failure).toBeUndefined();
  expectValidEventOrder(decoded.events);
  const choice = assembleStream(decoded.events).choices.get(0);
  if (choice === undefined) throw new Error('no choice');
  return choice;
}

const created = { type: 'response.created', response: { id: 'resp_1', model: 'gpt-x' } };
const completed = (extra: object = {}) => ({
  type: 'response.completed',
  response: {
    id: 'resp_1',
    status: 'completed',
    usage: { input_tokens: 5, output_tokens: 7, output_tokens_details: { reasoning_tokens: 2 } },
    ...extra,
  },
});

describe('OpenAiResponsesStreamDecoder on edge cases', () => {
  it('maps incomplete answers to length and content-filter finishes', () => {
    const text = [
      { type: 'response.output_item.added', output_index: 0, item: { type: 'message', id: 'm' } },
      { type: 'response.output_text.delta', output_index: 0, content_index: 0, delta: 'Cut' },
    ];
    const incomplete = (reason: string) => ({
      type: 'response.incomplete',
      response: { status: 'incomplete', incomplete_details: { reason } },
    });
    const length = assembleStream(
      decode(events(created, ...text, incomplete('max_output_tokens'))).events,
    ).choices.get(0);
    expect(length).toMatchObject({
      text: 'Cut',
      finishReason: 'length',
      rawFinishReason: 'max_output_tokens',
    });
    const filtered = assembleStream(
      decode(events(created, ...text, incomplete('content_filter'))).events,
    ).choices.get(0);
    expect(filtered?.finishReason).toBe('content-filter');
    const other = assembleStream(decode(events(created, incomplete('later'))).events).choices.get(
      0,
    );
    expect(other).toMatchObject({ finishReason: 'other', rawFinishReason: 'later' });
  });

  it('fills in content given only whole, in done events or the finished item', () => {
    const body = events(
      created,
      {
        type: 'response.output_item.added',
        output_index: 0,
        item: { id: 'rs', type: 'reasoning' },
      },
      {
        type: 'response.output_item.done',
        output_index: 0,
        item: {
          id: 'rs',
          type: 'reasoning',
          summary: [
            { type: 'summary_text', text: 'First.' },
            { type: 'summary_text', text: '' },
            { type: 'summary_text', text: 'Second.' },
          ],
          encrypted_content: 'ENC',
        },
      },
      { type: 'response.output_item.added', output_index: 1, item: { id: 'm', type: 'message' } },
      { type: 'response.output_text.delta', item_id: 'm', content_index: 0, delta: 'Hel' },
      { type: 'response.output_text.done', item_id: 'm', content_index: 0, text: 'Hello' },
      { type: 'response.refusal.done', item_id: 'm', content_index: 1, refusal: 'No.' },
      {
        type: 'response.output_item.done',
        output_index: 1,
        item: {
          id: 'm',
          type: 'message',
          content: [
            { type: 'output_text', text: 'Hello' },
            { type: 'refusal', refusal: 'No.' },
            { type: 'output_text', text: ' More.' },
            'junk',
          ],
        },
      },
      {
        type: 'response.output_item.added',
        output_index: 2,
        item: { type: 'function_call', id: 'fc', call_id: 'call_1', name: 'f', arguments: '{"a"' },
      },
      { type: 'response.function_call_arguments.done', item_id: 'fc', arguments: '{"a":1}' },
      {
        type: 'response.output_item.done',
        output_index: 3,
        item: { type: 'function_call', id: 'fc2', call_id: 'call_2', name: 'g', arguments: '' },
      },
      completed(),
    );
    const decoded = decode(body);
    expect(decoded.failure).toBeUndefined();
    expectValidEventOrder(decoded.events);
    const choice = assembleStream(decoded.events).choices.get(0);
    expect(choice).toMatchObject({
      reasoning: 'First.\n\nSecond.',
      signatures: ['ENC'],
      text: 'Hello More.',
      refusal: 'No.',
      finishReason: 'tool-calls',
    });
    expect(choice?.toolCalls).toEqual([
      { id: 'call_1', name: 'f', arguments: '{"a":1}' },
      { id: 'call_2', name: 'g', arguments: '{}' },
    ]);
    expect(decode(body, 5).events).toEqual(decoded.events);
  });

  it('streams refusals, reasoning text and separate summary parts', () => {
    const address = { item_id: 'rs', output_index: 0 };
    const body = events(
      created,
      {
        type: 'response.output_item.added',
        output_index: 0,
        item: { id: 'rs', type: 'reasoning' },
      },
      { type: 'response.reasoning_summary_part.added', ...address, summary_index: 0 },
      { type: 'response.reasoning_summary_text.delta', ...address, summary_index: 0, delta: 'A' },
      { type: 'response.reasoning_summary_text.done', ...address, summary_index: 0, text: 'A' },
      { type: 'response.reasoning_summary_part.added', ...address, summary_index: 1 },
      { type: 'response.reasoning_summary_text.delta', ...address, summary_index: 1, delta: 'B' },
      { type: 'response.reasoning_text.delta', ...address, content_index: 0, delta: 'ra' },
      { type: 'response.reasoning_text.done', ...address, content_index: 0, text: 'raw' },
      {
        type: 'response.output_item.done',
        output_index: 0,
        item: { id: 'rs', type: 'reasoning', summary: [{ text: 'A' }, { text: 'B' }] },
      },
      { type: 'response.output_item.added', output_index: 1, item: { id: 'm', type: 'message' } },
      {
        type: 'response.refusal.delta',
        item_id: 'm',
        output_index: 1,
        content_index: 0,
        delta: 'I ',
      },
      {
        type: 'response.refusal.delta',
        item_id: 'm',
        output_index: 1,
        content_index: 0,
        delta: 'cannot.',
      },
      { type: 'response.output_text.annotation.added', item_id: 'm', output_index: 1 },
      { type: 'response.output_item.done', output_index: 1, item: { type: 'message' } },
      completed(),
    );
    const choice = choiceOf(body);
    expect(choice.reasoning).toBe('A\n\nB\n\nraw');
    expect(choice.signatures).toEqual([]);
    expect(choice.refusal).toBe('I cannot.');
    expect(choice.finishReason).toBe('stop');
  });

  it('starts without response.created, ignores comments and unknown events, reads usage', () => {
    const decoded = decode(
      `: keep-alive\n\n${events(
        { type: 'response.output_text.delta', output_index: 0, content_index: 0, delta: 'Hi' },
        { type: 'response.future_event' },
        completed(),
        { type: 'response.created', response: { id: 'resp_2' } },
      )}`,
    );
    expect(decoded.failure).toBeUndefined();
    expectValidEventOrder(decoded.events);
    expect(decoded.events[0]).toEqual({
      type: 'response-start',
      id: '',
      model: '',
      created: undefined,
    });
    expect(assembleStream(decoded.events).usage).toEqual({
      inputTokens: { total: 5 },
      outputTokens: { total: 7, reasoning: 2 },
    });
  });

  it('takes the event name when the data has no type', () => {
    const decoded = decode(
      `event: response.output_text.delta\ndata: {"output_index":0,"content_index":0,"delta":"x"}\n\n${events(completed())}`,
    );
    expect(assembleStream(decoded.events).choices.get(0)?.text).toBe('x');
  });

  it('fails on response.failed, on data that is not JSON, and on a stream that stops early', () => {
    const failed = decode(
      events(created, {
        type: 'response.failed',
        response: { status: 'failed', error: { code: 'server_error', message: 'secret' } },
      }),
    );
    expect(failed.failure?.code).toBe('SB_ERR_UPSTREAM_ERROR');
    expect(failed.failure?.internalDetail).toContain('server_error');
    const flat = decode(events({ type: 'error', code: 'rate limit!', message: 'secret' }));
    expect(flat.failure?.internalDetail).toContain('code unknown');
    expect(decode('data: [1]\n\n').failure?.code).toBe('SB_ERR_UPSTREAM_INVALID_RESPONSE');
    const early = decode(
      events(created, {
        type: 'response.output_text.delta',
        output_index: 0,
        content_index: 0,
        delta: 'partial',
      }),
    );
    expect(early.failure?.code).toBe('SB_ERR_UPSTREAM_ERROR');
    expect(assembleStream(early.events).choices.get(0)?.text).toBe('partial');
    expect(decode('').failure?.code).toBe('SB_ERR_UPSTREAM_ERROR');
  });
});
