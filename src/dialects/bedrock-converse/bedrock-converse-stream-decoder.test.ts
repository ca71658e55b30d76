import { EventStreamCodec } from '@smithy/eventstream-codec';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';
import { describe, expect, it } from 'vitest';
import { listRecordings, readChunkLines } from '../../../test/helpers/provider-recordings.ts';
import type { ChatStreamEvent } from '../../canonical/chat-stream-event.ts';
import type { Usage } from '../../canonical/usage.ts';
import { mergeUsage } from '../../canonical/merge-usage.ts';
import type { GatewayError } from '../../errors/gateway-error.ts';
import { isJsonObject, safeParseJson } from '../../lib/json.ts';
import { AwsEventStreamParser } from '../../upstream/aws-event-stream-parser.ts';
import { bedrockConverseCodec } from './bedrock-converse-codec.ts';

const codec = new EventStreamCodec(toUtf8, fromUtf8);

/** One binary event-stream message, as Bedrock frames a ConverseStream event. */
function eventMessage(eventType: string, payload: unknown): Uint8Array {
  return codec.encode({
    headers: {
      ':event-type': { type: 'string', value: eventType },
      ':content-type': { type: 'string', value: 'application/json' },
      ':message-type': { type: 'string', value: 'event' },
    },
    body: fromUtf8(typeof payload === 'string' ? payload : JSON.stringify(payload)),
  });
}

/** The messages of a recording: each line `{"<eventType>": {payload}}` becomes one binary message. */
function recordingMessages(relativePath: string): Uint8Array[] {
  const path = relativePath.includes('/') ? relativePath : `bedrock-converse/${relativePath}`;
  return readChunkLines(path).map((line) => {
    const parsed = safeParseJson(line);
    if (!parsed.ok || !isJsonObject(parsed.value)) {
      throw new Error(`not a JSON object: ${line}`);
    }
    const [entry] = Object.entries(parsed.value);
    if (entry === undefined) {
      throw new Error(`no event in: ${line}`);
    }
    return eventMessage(entry[0], entry[1]);
  });
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const joined = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    joined.set(part, offset);
    offset += part.length;
  }
  return joined;
}

interface Replay {
  readonly events: ChatStreamEvent[];
  readonly failure: GatewayError | undefined;
}

/** Feeds pieces of the wire body through the real parser and the decoder, then ends both. */
function replayPieces(pieces: readonly Uint8Array[]): Replay {
  const parser = new AwsEventStreamParser();
  const decoder = bedrockConverseCodec.egress.createStreamDecoder();
  const events: ChatStreamEvent[] = [];
  for (const piece of pieces) {
    for (const frame of parser.push(piece)) {
      const step = decoder.push(frame);
      events.push(...step.events);
      if (step.failure !== undefined) {
        return { events, failure: step.failure };
      }
    }
  }
  parser.end();
  const last = decoder.end();
  events.push(...last.events);
  return { events, failure: last.failure };
}

function replayThreeWays(messages: readonly Uint8Array[]): Replay {
  const body = concat(messages);
  const whole = replayPieces([body]);
  const byMessage = replayPieces(messages);
  const byByte = replayPieces(Array.from(body, (byte) => Uint8Array.of(byte)));
  expect(byMessage).toEqual(whole);
  expect(byByte).toEqual(whole);
  return whole;
}

/** What a client would assemble from the events. */
function assemble(events: readonly ChatStreamEvent[]) {
  const texts: string[] = [];
  const reasoning: string[] = [];
  const calls: { id: string; name: string; arguments: string }[] = [];
  const byPart = new Map<number, { kind: string; index: number }>();
  let usage: Usage | undefined;
  let finish: unknown;
  for (const event of events) {
    switch (event.type) {
      case 'text-start':
        byPart.set(event.part, { kind: 'text', index: texts.push('') - 1 });
        break;
      case 'text-delta': {
        const entry = byPart.get(event.part);
        if (entry !== undefined) texts[entry.index] = `${texts[entry.index] ?? ''}${event.delta}`;
        break;
      }
      case 'reasoning-start':
        byPart.set(event.part, { kind: 'reasoning', index: reasoning.push('') - 1 });
        break;
      case 'reasoning-delta': {
        const entry = byPart.get(event.part);
        if (entry !== undefined) {
          reasoning[entry.index] = `${reasoning[entry.index] ?? ''}${event.delta}`;
        }
        break;
      }
      case 'tool-call-start':
        byPart.set(event.part, {
          kind: 'tool',
          index: calls.push({ id: event.id, name: event.name, arguments: '' }) - 1,
        });
        break;
      case 'tool-call-delta': {
        const entry = byPart.get(event.part);
        const call = entry === undefined ? undefined : calls[entry.index];
        if (call !== undefined) call.arguments += event.argumentsDelta;
        break;
      }
      case 'usage-delta':
        usage = mergeUsage(usage, event.usage);
        break;
      case 'choice-end':
        finish = event.finishReason;
        break;
      default:
        break;
    }
  }
  return { texts, reasoning, calls, usage, finish };
}

/** Every part that starts ends, before its choice ends; response-start first, response-end last. */
function expectWellFormed(events: readonly ChatStreamEvent[]): void {
  expect(events[0]?.type).toBe('response-start');
  expect(events[events.length - 1]?.type).toBe('response-end');
  const open = new Set<number>();
  let choiceEnded = false;
  for (const event of events) {
    if (event.type.endsWith('-start') && event.type !== 'response-start' && 'part' in event) {
      expect(choiceEnded).toBe(false);
      open.add(event.part);
    }
    if (event.type.endsWith('-end') && 'part' in event) {
      expect(open.delete(event.part)).toBe(true);
    }
    if (event.type === 'choice-end') {
      expect(open.size).toBe(0);
      choiceEnded = true;
    }
  }
  expect(choiceEnded).toBe(true);
}

describe('BedrockConverseStreamDecoder on recorded streams (rebuilt as binary frames)', () => {
  it('decodes a real text stream: messageStart, deltas, messageStop, then metadata', () => {
    const { events, failure } = replayThreeWays(
      recordingMessages('amazon-bedrock-text.chunks.txt'),
    );
    expect(failure).toBeUndefined();
    expectWellFormed(events);
    const result = assemble(events);
    expect(result.texts).toEqual([
      'Let me count the "r"s in "strawberry":\n\ns-t-**r**-a-w-b-e-**r**-**r**-y\n\nThere are **3** r\'s in "strawberry."',
    ]);
    expect(result.finish).toEqual({ unified: 'stop', raw: 'end_turn' });
    expect(result.usage).toEqual({ inputTokens: { total: 22 }, outputTokens: { total: 55 } });
    expect(events.slice(-4).map((event) => event.type)).toEqual([
      'text-end',
      'choice-end',
      'usage-delta',
      'response-end',
    ]);
  });

  it('decodes a tool call streamed in pieces, with metadata before messageStop', () => {
    const { events, failure } = replayThreeWays(
      recordingMessages('amazon-bedrock-tool-call.1.chunks.txt'),
    );
    expect(failure).toBeUndefined();
    expectWellFormed(events);
    expect(events).toEqual([
      { type: 'response-start', id: '', model: '' },
      { type: 'tool-call-start', choice: 0, part: 0, id: 'tool-use-id', name: 'test-tool' },
      { type: 'tool-call-delta', choice: 0, part: 0, argumentsDelta: '{"value":' },
      { type: 'tool-call-delta', choice: 0, part: 0, argumentsDelta: '"Sparkle Day"}' },
      { type: 'tool-call-end', choice: 0, part: 0 },
      {
        type: 'usage-delta',
        usage: { inputTokens: { total: 125 }, outputTokens: { total: 45 } },
      },
      { type: 'choice-end', choice: 0, finishReason: { unified: 'tool-calls', raw: 'tool_use' } },
      { type: 'response-end' },
    ]);
  });

  it('gives a tool without parameters (streamed input "") the arguments {}', () => {
    const { events, failure } = replayThreeWays(
      recordingMessages('amazon-bedrock-tool-no-args.chunks.txt'),
    );
    expect(failure).toBeUndefined();
    expectWellFormed(events);
    const result = assemble(events);
    expect(result.texts).toEqual(["I'll update the issue list for you."]);
    expect(result.calls).toEqual([{ id: 'tool-use-id', name: 'updateIssueList', arguments: '{}' }]);
    expect(result.usage).toEqual({ inputTokens: { total: 100 }, outputTokens: { total: 25 } });
  });

  it('completes a stream without metadata at the end of the body', () => {
    const { events, failure } = replayThreeWays(
      recordingMessages('amazon-bedrock-json-tool.1.chunks.txt'),
    );
    expect(failure).toBeUndefined();
    expectWellFormed(events);
    const result = assemble(events);
    expect(result.calls).toEqual([
      { id: 'json-tool-id', name: 'json', arguments: '{"value":"test"}' },
    ]);
    expect(result.usage).toBeUndefined();
  });

  it('keeps text blocks that arrive without start or stop events apart', () => {
    const { events, failure } = replayThreeWays(
      recordingMessages('amazon-bedrock-json-tool.3.chunks.txt'),
    );
    expect(failure).toBeUndefined();
    expectWellFormed(events);
    const result = assemble(events);
    expect(result.texts).toEqual(['First text block.', 'Second text block.', 'Third block.']);
    expect(result.calls).toEqual([
      { id: 'json-tool-id', name: 'json', arguments: '{"result":42}' },
    ]);
  });

  it('decodes parallel tool calls between text blocks', () => {
    const { events, failure } = replayThreeWays(
      recordingMessages('amazon-bedrock-json-with-tools.1.chunks.txt'),
    );
    expect(failure).toBeUndefined();
    expectWellFormed(events);
    const result = assemble(events);
    expect(result.texts).toEqual(['Multiple tools.', 'Final JSON.']);
    expect(result.calls).toEqual([
      { id: 'tool-1', name: 'tool-a', arguments: '{"a":"1"}' },
      { id: 'tool-2', name: 'tool-b', arguments: '{"b":"2"}' },
      { id: 'json-tool-id', name: 'json', arguments: '{"final":"result"}' },
    ]);
    expect(
      events
        .filter((event) => event.type === 'tool-call-start')
        .map((event) => 'part' in event && event.part),
    ).toEqual([1, 2, 4]);
  });

  it('decodes a stream with no messageStart and no contentBlockStart for its text', () => {
    const { events, failure } = replayThreeWays(
      recordingMessages('amazon-bedrock-json-only-text-first.1.chunks.txt'),
    );
    expect(failure).toBeUndefined();
    expectWellFormed(events);
    const result = assemble(events);
    expect(result.texts).toEqual(['Here is your data:']);
    expect(result.calls).toEqual([
      { id: 'json-tool-1', name: 'json', arguments: '{"name":"John"}' },
    ]);
    expect(result.usage).toEqual({ inputTokens: { total: 100 }, outputTokens: { total: 20 } });
    expect(result.finish).toEqual({ unified: 'tool-calls', raw: 'tool_use' });
  });
});

describe('BedrockConverseStreamDecoder on every recorded stream', () => {
  it.each(listRecordings('bedrock-converse', '.chunks.txt'))(
    'replays %s whole, message by message and byte by byte into a complete answer',
    (path) => {
      const { events, failure } = replayThreeWays(recordingMessages(path));
      expect(failure).toBeUndefined();
      expectWellFormed(events);
      for (const call of assemble(events).calls) {
        expect(safeParseJson(call.arguments).ok).toBe(true);
      }
    },
  );
});
