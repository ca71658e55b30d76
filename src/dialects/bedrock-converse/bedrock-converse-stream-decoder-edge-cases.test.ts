import { fromUtf8 } from '@smithy/util-utf8';
import { describe, expect, it } from 'vitest';
import type { ChatStreamEvent } from '../../canonical/chat-stream-event.ts';
import type { GatewayError } from '../../errors/gateway-error.ts';
import {
  encodeBedrockException,
  encodeEventStreamMessage,
} from '../../mock-provider/encode-event-stream-message.ts';
import { AwsEventStreamParser } from '../../upstream/aws-event-stream-parser.ts';
import { BedrockConverseStreamDecoder } from './bedrock-converse-stream-decoder.ts';

/** A ConverseStream event message; a string payload is sent as it is (possibly not JSON). */
function eventMessage(eventType: string, payload: object | string): Uint8Array {
  return encodeEventStreamMessage(
    { ':event-type': eventType, ':content-type': 'application/json', ':message-type': 'event' },
    typeof payload === 'string' ? payload : JSON.stringify(payload),
  );
}

const exceptionMessage = encodeBedrockException;

interface Replay {
  readonly events: ChatStreamEvent[];
  readonly failure: GatewayError | undefined;
}

function replayPieces(pieces: readonly Uint8Array[]): Replay {
  const parser = new AwsEventStreamParser();
  const decoder = new BedrockConverseStreamDecoder();
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

/** Replays message by message and byte by byte; both must give the same result. */
function replay(messages: readonly Uint8Array[]): Replay {
  const byMessage = replayPieces(messages);
  const bytes = messages.flatMap((message) => Array.from(message, (byte) => Uint8Array.of(byte)));
  expect(replayPieces(bytes)).toEqual(byMessage);
  return byMessage;
}

describe('BedrockConverseStreamDecoder on constructed streams', () => {
  it('decodes reasoning with its signature, redacted reasoning and padded payloads', () => {
    const { events, failure } = replay([
      eventMessage('messageStart', { role: 'assistant', p: 'abcdefgh' }),
      eventMessage('contentBlockDelta', {
        contentBlockIndex: 0,
        delta: { reasoningContent: { text: 'Let me think' } },
        p: 'abc',
      }),
      eventMessage('contentBlockDelta', {
        contentBlockIndex: 0,
        delta: { reasoningContent: { text: '' } },
      }),
      eventMessage('contentBlockDelta', {
        contentBlockIndex: 0,
        delta: { reasoningContent: { signature: 'sig-1' } },
      }),
      eventMessage('contentBlockStop', { contentBlockIndex: 0 }),
      eventMessage('contentBlockDelta', {
        contentBlockIndex: 1,
        delta: { reasoningContent: { redactedContent: 'ZW5jcnlwdGVk' } },
      }),
      eventMessage('contentBlockStop', { contentBlockIndex: 1 }),
      eventMessage('contentBlockDelta', { contentBlockIndex: 2, delta: { text: 'Three.' } }),
      eventMessage('contentBlockStop', { contentBlockIndex: 2 }),
      eventMessage('messageStop', { stopReason: 'end_turn', p: 'xy' }),
      eventMessage('metadata', {
        usage: {
          inputTokens: 10,
          outputTokens: 40,
          totalTokens: 80,
          cacheReadInputTokens: 20,
          cacheWriteInputTokens: 10,
        },
        metrics: { latencyMs: 900 },
        p: 'abcdefghijklmnop',
      }),
    ]);
    expect(failure).toBeUndefined();
    expect(events).toEqual([
      { type: 'response-start', id: '', model: '' },
      { type: 'reasoning-start', choice: 0, part: 0 },
      { type: 'reasoning-delta', choice: 0, part: 0, delta: 'Let me think' },
      { type: 'reasoning-end', choice: 0, part: 0, signature: 'sig-1' },
      { type: 'reasoning-start', choice: 0, part: 1, redactedData: 'ZW5jcnlwdGVk' },
      { type: 'reasoning-end', choice: 0, part: 1 },
      { type: 'text-start', choice: 0, part: 2 },
      { type: 'text-delta', choice: 0, part: 2, delta: 'Three.' },
      { type: 'text-end', choice: 0, part: 2 },
      { type: 'choice-end', choice: 0, finishReason: { unified: 'stop', raw: 'end_turn' } },
      {
        type: 'usage-delta',
        usage: {
          inputTokens: { total: 40, cacheRead: 20, cacheWrite: 10 },
          outputTokens: { total: 40 },
        },
      },
      { type: 'response-end' },
    ]);
  });

  it('fails on an exception message mid-stream, keeping the events before it and not the message', () => {
    const { events, failure } = replay([
      eventMessage('messageStart', { role: 'assistant' }),
      eventMessage('contentBlockDelta', { contentBlockIndex: 0, delta: { text: 'Hel' } }),
      exceptionMessage('modelStreamErrorException', 'secret upstream detail sk-123'),
      eventMessage('contentBlockDelta', { contentBlockIndex: 0, delta: { text: 'lo' } }),
    ]);
    expect(events.map((event) => event.type)).toEqual([
      'response-start',
      'text-start',
      'text-delta',
    ]);
    expect(failure?.code).toBe('SB_ERR_UPSTREAM_ERROR');
    expect(failure?.internalDetail).toContain('modelStreamErrorException');
    expect(JSON.stringify(failure)).not.toContain('sk-123');
    expect(failure?.message).not.toContain('sk-123');
  });

  it.each([
    'throttlingException',
    'validationException',
    'internalServerException',
    'serviceUnavailableException',
  ])('fails on a %s before any content', (exceptionType) => {
    const { events, failure } = replay([exceptionMessage(exceptionType, 'slow down')]);
    expect(events).toEqual([]);
    expect(failure?.code).toBe('SB_ERR_UPSTREAM_ERROR');
    expect(failure?.internalDetail).toContain(exceptionType);
  });

  it('fails on an error message without repeating a strange error code', () => {
    const decoder = new BedrockConverseStreamDecoder();
    const step = decoder.push({
      kind: 'binary',
      headers: { ':message-type': 'error', ':error-code': 'bad code <script>' },
      payload: new Uint8Array(),
    });
    expect(step.failure?.code).toBe('SB_ERR_UPSTREAM_ERROR');
    expect(step.failure?.internalDetail).not.toContain('<script>');
    expect(decoder.push({ kind: 'binary', headers: {}, payload: new Uint8Array() })).toEqual({
      events: [],
      failure: undefined,
    });
    expect(decoder.end()).toEqual({ events: [], failure: undefined });
  });

  it('fails when the body ends before messageStop', () => {
    const { events, failure } = replay([
      eventMessage('messageStart', { role: 'assistant' }),
      eventMessage('contentBlockDelta', { contentBlockIndex: 0, delta: { text: 'Hi' } }),
    ]);
    expect(events.map((event) => event.type)).toEqual([
      'response-start',
      'text-start',
      'text-delta',
    ]);
    expect(failure?.code).toBe('SB_ERR_UPSTREAM_ERROR');
  });

  it('fails on a payload that is not JSON', () => {
    const { failure } = replay([
      eventMessage('messageStart', { role: 'assistant' }),
      eventMessage('contentBlockDelta', '{"contentBlockIndex":0,"delta":{'),
    ]);
    expect(failure?.code).toBe('SB_ERR_UPSTREAM_INVALID_RESPONSE');
  });

  it('fails on tool input for a block that never started as a tool call', () => {
    const { failure } = replay([
      eventMessage('contentBlockDelta', {
        contentBlockIndex: 0,
        delta: { toolUse: { input: '{}' } },
      }),
    ]);
    expect(failure?.code).toBe('SB_ERR_UPSTREAM_INVALID_RESPONSE');
  });

  it('skips unknown events and message types, SSE frames and events after the end', () => {
    const decoder = new BedrockConverseStreamDecoder();
    expect(decoder.push({ kind: 'comment', text: 'keep-alive' }).events).toEqual([]);
    expect(
      decoder.push({
        kind: 'binary',
        headers: { ':message-type': 'other' },
        payload: new Uint8Array(),
      }),
    ).toEqual({ events: [], failure: undefined });
    const unknown = decoder.push({
      kind: 'binary',
      headers: { ':message-type': 'event', ':event-type': 'somethingNew' },
      payload: fromUtf8('{"x":1}'),
    });
    expect(unknown).toEqual({ events: [], failure: undefined });
    const stop = decoder.push({
      kind: 'binary',
      headers: { ':message-type': 'event', ':event-type': 'messageStop' },
      payload: fromUtf8('{"stopReason":"max_tokens"}'),
    });
    expect(stop.events).toEqual([
      { type: 'response-start', id: '', model: '' },
      { type: 'choice-end', choice: 0, finishReason: { unified: 'length', raw: 'max_tokens' } },
    ]);
    const metadata = decoder.push({
      kind: 'binary',
      headers: { ':message-type': 'event', ':event-type': 'metadata' },
      payload: fromUtf8('{"metrics":{"latencyMs":1}}'),
    });
    expect(metadata.events).toEqual([{ type: 'response-end' }]);
    expect(decoder.end()).toEqual({ events: [], failure: undefined });
  });

  it('closes an open tool call at messageStop and gives it {} when no input came', () => {
    const { events, failure } = replay([
      eventMessage('contentBlockStart', {
        contentBlockIndex: 0,
        start: { toolUse: { toolUseId: 't1', name: 'ping' } },
      }),
      eventMessage('messageStop', { stopReason: 'tool_use' }),
    ]);
    expect(failure).toBeUndefined();
    expect(events).toEqual([
      { type: 'response-start', id: '', model: '' },
      { type: 'tool-call-start', choice: 0, part: 0, id: 't1', name: 'ping' },
      { type: 'tool-call-delta', choice: 0, part: 0, argumentsDelta: '{}' },
      { type: 'tool-call-end', choice: 0, part: 0 },
      { type: 'choice-end', choice: 0, finishReason: { unified: 'tool-calls', raw: 'tool_use' } },
      { type: 'response-end' },
    ]);
  });

  it('names a tool call without an id after its block, and ignores a repeated start', () => {
    const { events } = replay([
      eventMessage('contentBlockStart', {
        contentBlockIndex: 3,
        start: { toolUse: { name: 'x' } },
      }),
      eventMessage('contentBlockDelta', {
        contentBlockIndex: 3,
        delta: { toolUse: { input: '{"a":1}' } },
      }),
      eventMessage('contentBlockStart', {
        contentBlockIndex: 3,
        start: { toolUse: { toolUseId: 'again', name: 'x' } },
      }),
      eventMessage('contentBlockStop', { contentBlockIndex: 3 }),
      eventMessage('messageStop', { stopReason: 'tool_use' }),
    ]);
    expect(events.slice(1, 4)).toEqual([
      { type: 'tool-call-start', choice: 0, part: 0, id: 'tooluse_3', name: 'x' },
      { type: 'tool-call-delta', choice: 0, part: 0, argumentsDelta: '{"a":1}' },
      { type: 'tool-call-end', choice: 0, part: 0 },
    ]);
    expect(events.filter((event) => event.type === 'tool-call-start')).toHaveLength(1);
  });
});
