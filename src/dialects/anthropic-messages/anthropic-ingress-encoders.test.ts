import { describe, expect, it } from 'vitest';
import {
  assembleStream,
  decodeWireBody,
  expectValidEventOrder,
} from '../../../test/helpers/canonical-stream.ts';
import {
  listRecordings,
  namedEventStreamBody,
  readRecordingText,
} from '../../../test/helpers/provider-recordings.ts';
import type { ChatStreamEvent } from '../../canonical/chat-stream-event.ts';
import { GatewayError } from '../../errors/gateway-error.ts';
import { safeParseJson } from '../../lib/json.ts';
import { encodeAnthropicErrorBody, readAnthropicErrorFacts } from './anthropic-error-body.ts';
import { anthropicMessagesCodec } from './anthropic-messages-codec.ts';
import { AnthropicStreamDecoder } from './anthropic-stream-decoder.ts';
import { AnthropicStreamEncoder } from './anthropic-stream-encoder.ts';
import { decodeAnthropicResponse } from './decode-anthropic-response.ts';
import { encodeAnthropicResponse } from './encode-anthropic-response.ts';

const context = { requestedModel: 'alias', includeUsage: true, now: 1_700_000_000_000 };

function encodeEvents(events: readonly ChatStreamEvent[]): string {
  const encoder = new AnthropicStreamEncoder(context);
  return events.map((event) => encoder.push(event)).join('');
}

describe('decodeAnthropicResponse on every recorded body', () => {
  it.each(listRecordings('anthropic-messages', '.json'))('%s decodes', (file) => {
    const parsed = safeParseJson(readRecordingText(file));
    expect(parsed.ok).toBe(true);
    const response = decodeAnthropicResponse(parsed.ok ? parsed.value : undefined);
    expect(response.choices).toHaveLength(1);
    expect(response.id).toMatch(/^msg_/);
    expect(response.usage?.inputTokens.total).toBeGreaterThan(0);
  });

  it('reads thinking with its signature, tool inputs as JSON text, and refusals', () => {
    const read = (file: string) => {
      const parsed = safeParseJson(readRecordingText(`anthropic-messages/${file}`));
      return decodeAnthropicResponse(parsed.ok ? parsed.value : undefined);
    };
    const thinking = read('anthropic-clear-thinking.1.json');
    expect(thinking.choices[0]?.content[0]).toMatchObject({
      type: 'reasoning',
      text: '925 divided by 5 = 185',
    });
    expect(thinking.choices[0]?.content[0]).toHaveProperty('signature');
    const tool = read('anthropic-tool-no-args.json');
    expect(tool.choices[0]?.content.find((part) => part.type === 'tool-call')).toMatchObject({
      arguments: '{}',
    });
    expect(tool.choices[0]?.finishReason).toEqual({ unified: 'tool-calls', raw: 'tool_use' });
    const refused = read('anthropic-refusal.json');
    expect(refused.choices[0]?.finishReason.unified).toBe('content-filter');
    expect(refused.choices[0]?.content).toEqual([
      { type: 'refusal', text: expect.stringContaining('Usage Policy') as unknown },
    ]);
  });

  it('refuses a body that is not a message', () => {
    expect(() => decodeAnthropicResponse({ type: 'error' })).toThrow(GatewayError);
    expect(
      decodeAnthropicResponse({ content: [{ type: 'tool_use' }, 'x', { type: 'text' }] }).choices[0]
        ?.content,
    ).toEqual([]);
  });
});

describe('AnthropicStreamEncoder', () => {
  it.each(listRecordings('anthropic-messages', '.chunks.txt'))(
    '%s: decode, encode, decode again gives the same answer',
    (file) => {
      const first = decodeWireBody(new AnthropicStreamDecoder(), namedEventStreamBody(file));
      const wire = encodeEvents(first.events);
      const second = decodeWireBody(new AnthropicStreamDecoder(), wire);
      expect(second.failure).toBeUndefined();
      expectValidEventOrder(second.events);
      const before = assembleStream(first.events);
      const after = assembleStream(second.events);
      expect(after.choices.get(0)?.text).toBe(
        (before.choices.get(0)?.text ?? '') + (before.choices.get(0)?.refusal ?? ''),
      );
      expect(after.choices.get(0)?.toolCalls).toEqual(before.choices.get(0)?.toolCalls);
      expect(after.choices.get(0)?.reasoning).toBe(before.choices.get(0)?.reasoning);
      expect(after.choices.get(0)?.signatures).toEqual(before.choices.get(0)?.signatures);
      expect(after.usage).toEqual({
        inputTokens: {
          total: before.usage?.inputTokens.total ?? 0,
          cacheRead: before.usage?.inputTokens.cacheRead ?? 0,
          cacheWrite: before.usage?.inputTokens.cacheWrite ?? 0,
        },
        outputTokens: { total: before.usage?.outputTokens.total ?? 0 },
      });
    },
  );

  it('writes the events the Messages API sends, for an answer from another provider', () => {
    const wire = encodeEvents([
      { type: 'response-start', id: 'chatcmpl-1', model: '' },
      { type: 'reasoning-start', choice: 0, part: 0 },
      { type: 'reasoning-delta', choice: 0, part: 0, delta: 'think' },
      { type: 'reasoning-end', choice: 0, part: 0 },
      { type: 'refusal-start', choice: 0, part: 1 },
      { type: 'refusal-delta', choice: 0, part: 1, delta: 'No.' },
      { type: 'refusal-end', choice: 0, part: 1 },
      { type: 'tool-call-start', choice: 1, part: 0, id: 'x', name: 'ignored' },
      {
        type: 'usage-delta',
        usage: { inputTokens: { total: 10, cacheRead: 4 }, outputTokens: { total: 5 } },
      },
      {
        type: 'choice-end',
        choice: 0,
        finishReason: { unified: 'content-filter', raw: 'content_filter' },
      },
      { type: 'response-end' },
    ]);
    const lines = wire.split('\n\n').filter((frame) => frame !== '');
    expect(lines.map((frame) => frame.split('\n')[0])).toEqual([
      'event: message_start',
      'event: content_block_start',
      'event: content_block_delta',
      'event: content_block_stop',
      'event: content_block_start',
      'event: content_block_delta',
      'event: content_block_stop',
      'event: message_delta',
      'event: message_stop',
    ]);
    expect(wire).toContain('"model":"alias"');
    expect(wire).toContain('{"type":"thinking","thinking":"","signature":""}');
    expect(wire).toContain(
      '"delta":{"stop_reason":"refusal","stop_sequence":null},"usage":{"input_tokens":6,"cache_creation_input_tokens":0,"cache_read_input_tokens":4,"output_tokens":5}',
    );
    expect(wire).not.toContain('ignored');
  });

  it('writes an in-stream error as an Anthropic error event without internal detail', () => {
    const encoder = new AnthropicStreamEncoder(context);
    const text = encoder.fail(
      new GatewayError('SB_ERR_UPSTREAM_ERROR', { internalDetail: 'secret' }),
    );
    expect(text.startsWith('event: error\ndata: {"type":"error","error":{"type":"api_error"')).toBe(
      true,
    );
    expect(text).not.toContain('secret');
    expect(
      anthropicMessagesCodec.ingress?.encodeStreamError(new GatewayError('SB_ERR_UPSTREAM_ERROR')),
    ).toBe(text);
  });
});

describe('encodeAnthropicResponse', () => {
  it('writes a message body with usage split the Anthropic way', () => {
    const text = encodeAnthropicResponse(
      {
        id: 'chatcmpl-9',
        model: 'gpt-x',
        created: 1,
        choices: [
          {
            index: 0,
            content: [
              { type: 'reasoning', text: 'r', signature: 'S' },
              { type: 'redacted-reasoning', data: 'E' },
              { type: 'text', text: 'Hello' },
              { type: 'refusal', text: 'no' },
              { type: 'tool-call', id: 'call_1', name: 'f', arguments: '{"a":1}' },
              { type: 'tool-call', id: 'call_2', name: 'g', arguments: '' },
              { type: 'tool-call', id: 'call_3', name: 'h', arguments: '{"broken' },
            ],
            finishReason: { unified: 'tool-calls', raw: 'tool_calls' },
          },
        ],
        usage: { inputTokens: { total: 20, cacheWrite: 5 }, outputTokens: { total: 7 } },
      },
      context,
    );
    expect(JSON.parse(text)).toEqual({
      id: 'chatcmpl-9',
      type: 'message',
      role: 'assistant',
      model: 'gpt-x',
      content: [
        { type: 'thinking', thinking: 'r', signature: 'S' },
        { type: 'redacted_thinking', data: 'E' },
        { type: 'text', text: 'Hello' },
        { type: 'text', text: 'no' },
        { type: 'tool_use', id: 'call_1', name: 'f', input: { a: 1 } },
        { type: 'tool_use', id: 'call_2', name: 'g', input: {} },
        { type: 'tool_use', id: 'call_3', name: 'h', input: { unparsed_arguments: '{"broken' } },
      ],
      stop_reason: 'tool_use',
      stop_sequence: null,
      usage: {
        input_tokens: 15,
        cache_creation_input_tokens: 5,
        cache_read_input_tokens: 0,
        output_tokens: 7,
      },
    });
    const empty = JSON.parse(
      encodeAnthropicResponse(
        { id: 'x', model: '', created: undefined, choices: [], usage: undefined },
        context,
      ),
    ) as Record<string, unknown>;
    expect(empty).toMatchObject({ model: 'alias', content: [], stop_reason: 'end_turn' });
  });
});

describe('Anthropic error bodies', () => {
  it.each([
    ['SB_ERR_REQUEST_INVALID', 400, 'invalid_request_error'],
    ['SB_ERR_AUTH_INVALID_KEY', 401, 'authentication_error'],
    ['SB_ERR_AUTH_FORBIDDEN', 403, 'permission_error'],
    ['SB_ERR_MODEL_NOT_FOUND', 404, 'not_found_error'],
    ['SB_ERR_REQUEST_TOO_LARGE', 413, 'request_too_large'],
    ['SB_ERR_UPSTREAM_RATE_LIMITED', 429, 'rate_limit_error'],
    ['SB_ERR_UPSTREAM_OVERLOADED', 503, 'overloaded_error'],
    ['SB_ERR_UPSTREAM_TIMEOUT', 504, 'timeout_error'],
    ['SB_ERR_INTERNAL', 500, 'api_error'],
  ] as const)('%s is a %d %s', (code, status, type) => {
    const error = new GatewayError(code);
    expect(error.status).toBe(status);
    expect(encodeAnthropicErrorBody(error)).toEqual({
      type: 'error',
      error: { type, message: error.publicMessage, details: { error_code: code } },
    });
  });

  it('reads only the error type of an upstream body, never its message', () => {
    expect(
      readAnthropicErrorFacts(
        '{"type":"error","error":{"type":"overloaded_error","message":"secret"}}',
      ),
    ).toEqual({ code: 'overloaded_error', param: undefined });
    expect(readAnthropicErrorFacts('{"error":{"type":"has spaces"}}')).toEqual({
      code: undefined,
      param: undefined,
    });
    expect(readAnthropicErrorFacts('<html>')).toEqual({ code: undefined, param: undefined });
  });
});
