import { describe, expect, it } from 'vitest';
import type { ChatStreamEvent } from '../../canonical/chat-stream-event.ts';
import type { GatewayError } from '../../errors/gateway-error.ts';
import { isJsonObject, safeParseJson } from '../../lib/json.ts';
import type { UpstreamFrame } from '../../lib/upstream-frame.ts';
import { SseParser } from '../../upstream/sse-parser.ts';
import { CohereChatStreamDecoder } from './cohere-chat-stream-decoder.ts';

/** The JSON `type` of one recorded line. */
function typeOf(line: string): string {
  const parsed = safeParseJson(line);
  return parsed.ok && isJsonObject(parsed.value) && typeof parsed.value.type === 'string'
    ? parsed.value.type
    : '';
}

interface Replay {
  readonly events: ChatStreamEvent[];
  readonly failure: GatewayError | undefined;
}

/** Feeds the pieces to a parser and a decoder, then ends both. */
function replay(pieces: readonly (string | Uint8Array)[]): Replay {
  const parser = new SseParser();
  const decoder = new CohereChatStreamDecoder();
  const events: ChatStreamEvent[] = [];
  let failure: GatewayError | undefined;
  const feed = (frames: readonly UpstreamFrame[]) => {
    for (const frame of frames) {
      const step = decoder.push(frame);
      events.push(...step.events);
      failure ??= step.failure;
    }
  };
  for (const piece of pieces) {
    feed(parser.push(piece));
  }
  feed(parser.end());
  const last = decoder.end();
  events.push(...last.events);
  failure ??= last.failure;
  return { events, failure };
}

function bytewise(body: string): Uint8Array[] {
  const bytes = Buffer.from(body, 'utf8');
  return Array.from(bytes, (_, index) => bytes.subarray(index, index + 1));
}

/** What the events add up to: parts by number, finish reason and the last usage. */
function assemble(events: readonly ChatStreamEvent[]) {
  const parts: { kind: string; text: string; id?: string; name?: string }[] = [];
  let finish: unknown;
  let usage: unknown;
  for (const event of events) {
    switch (event.type) {
      case 'text-start':
      case 'reasoning-start':
        parts[event.part] = { kind: event.type.replace('-start', ''), text: '' };
        break;
      case 'tool-call-start':
        parts[event.part] = { kind: 'tool-call', text: '', id: event.id, name: event.name };
        break;
      case 'text-delta':
      case 'reasoning-delta':
        (parts[event.part] ?? { text: '' }).text += event.delta;
        break;
      case 'tool-call-delta':
        (parts[event.part] ?? { text: '' }).text += event.argumentsDelta;
        break;
      case 'choice-end':
        finish = event.finishReason;
        break;
      case 'usage-delta':
        usage = event.usage;
        break;
      default:
        break;
    }
  }
  return { parts, finish, usage };
}

/** Checks the canonical lifecycle: start first, end last, every part closed before choice-end. */
function expectWellFormed(events: readonly ChatStreamEvent[]): void {
  expect(events[0]?.type).toBe('response-start');
  expect(events.at(-1)?.type).toBe('response-end');
  const open = new Set<number>();
  for (const event of events) {
    if (event.type.endsWith('-start') && 'part' in event) open.add(event.part);
    if (event.type.endsWith('-end') && 'part' in event) open.delete(event.part);
    if (event.type.endsWith('-delta') && 'part' in event) expect(open.has(event.part)).toBe(true);
    if (event.type === 'choice-end') expect(open.size).toBe(0);
  }
}

/** Builds a stream from event payloads (SSE `event:` lines from their `type`). */
function body(...payloads: object[]): string[] {
  return payloads.map((payload) => {
    const line = JSON.stringify(payload);
    return `event: ${typeOf(line)}\ndata: ${line}\n\n`;
  });
}

const start = {
  id: 'msg-1',
  type: 'message-start',
  delta: { message: { role: 'assistant', content: [], tool_plan: '', tool_calls: [] } },
};
const end = (finishReason: string, extra: object = {}) => ({
  type: 'message-end',
  delta: {
    finish_reason: finishReason,
    usage: { billed_units: { input_tokens: 3, output_tokens: 2 } },
    ...extra,
  },
});
const callStart = (index: number, id: string, name: string, args = '') => ({
  type: 'tool-call-start',
  index,
  delta: { message: { tool_calls: { id, type: 'function', function: { name, arguments: args } } } },
});
const callDelta = (index: number | undefined, args: string) => ({
  type: 'tool-call-delta',
  ...(index === undefined ? {} : { index }),
  delta: { message: { tool_calls: { function: { arguments: args } } } },
});
const callEnd = (index: number) => ({ type: 'tool-call-end', index });

describe('CohereChatStreamDecoder on tool-call arguments', () => {
  it('turns streamed "null" arguments into "{}" (no-argument tool)', () => {
    const frames = body(
      start,
      callStart(0, 'currentTime_1', 'currentTime'),
      callDelta(0, 'nu'),
      callDelta(0, 'll'),
      callEnd(0),
      end('TOOL_CALL'),
    );
    const whole = replay(frames);
    expectWellFormed(whole.events);
    expect(assemble(whole.events).parts).toEqual([
      { kind: 'tool-call', id: 'currentTime_1', name: 'currentTime', text: '{}' },
    ]);
    expect(replay(bytewise(frames.join('')))).toEqual(whole);
  });

  it('turns "null" given whole in tool-call-start into "{}"', () => {
    const { events } = replay(
      body(start, callStart(0, 'a', 'now', 'null'), callEnd(0), end('TOOL_CALL')),
    );
    expect(assemble(events).parts[0]?.text).toBe('{}');
  });

  it('gives "{}" for a tool call that streams no arguments at all', () => {
    const { events } = replay(body(start, callStart(0, 'a', 'now'), callEnd(0), end('TOOL_CALL')));
    expect(events.filter((event) => event.type === 'tool-call-delta')).toEqual([
      { type: 'tool-call-delta', choice: 0, part: 0, argumentsDelta: '{}' },
    ]);
  });

  it('streams ordinary arguments at once, without holding them back', () => {
    const decoder = new CohereChatStreamDecoder();
    const push = (payload: object) =>
      decoder.push({
        kind: 'event',
        event: undefined,
        data: JSON.stringify(payload),
        id: undefined,
      });
    push(start);
    push(callStart(0, 'a', 'weather'));
    expect(push(callDelta(0, '{"')).events).toEqual([
      { type: 'tool-call-delta', choice: 0, part: 0, argumentsDelta: '{"' },
    ]);
  });

  it('keeps a beginning of "null" that turns out to be something else', () => {
    const { events } = replay(
      body(
        start,
        callStart(0, 'a', 't'),
        callDelta(0, ' n'),
        callDelta(0, 'o'),
        callEnd(0),
        end('TOOL_CALL'),
      ),
    );
    expect(assemble(events).parts[0]?.text).toBe(' no');
  });

  it('releases held arguments before the next call starts when tool-call-end is missing', () => {
    const frames = body(
      start,
      callStart(0, 'a', 'first'),
      callDelta(0, 'null'),
      callStart(1, 'b', 'second', '{"x":1}'),
      end('TOOL_CALL'),
    );
    const { events, failure } = replay(frames);
    expect(failure).toBeUndefined();
    expectWellFormed(events);
    expect(assemble(events).parts.map((part) => part.text)).toEqual(['{}', '{"x":1}']);
  });

  it('routes argument deltas without index to the last started call', () => {
    const { events } = replay(
      body(
        start,
        callStart(0, 'a', 'f'),
        callDelta(undefined, '{"q":'),
        callDelta(undefined, '2}'),
        callEnd(0),
        end('TOOL_CALL'),
      ),
    );
    expect(assemble(events).parts[0]?.text).toBe('{"q":2}');
  });

  it('numbers tool calls that come without index and ignores deltas for unknown calls', () => {
    const startWithoutIndex = { ...callStart(0, 'a', 'f', '{}'), index: undefined };
    const { events } = replay(
      body(
        start,
        callDelta(7, 'lost'),
        startWithoutIndex,
        callDelta(undefined, ''),
        end('TOOL_CALL'),
      ),
    );
    expect(assemble(events).parts).toEqual([{ kind: 'tool-call', id: 'a', name: 'f', text: '{}' }]);
  });

  it('ignores argument deltas before any call started and deltas without arguments', () => {
    const { events } = replay(
      body(
        start,
        callDelta(undefined, '{"x":1}'),
        callStart(0, 'a', 'f', '{}'),
        { type: 'tool-call-delta', index: 0, delta: { message: { tool_calls: {} } } },
        callEnd(0),
        end('TOOL_CALL'),
      ),
    );
    expect(assemble(events).parts).toEqual([{ kind: 'tool-call', id: 'a', name: 'f', text: '{}' }]);
  });

  it('fills in a missing tool call id and name', () => {
    const { events } = replay(
      body(start, { type: 'tool-call-start', index: 0, delta: {} }, callEnd(0), end('TOOL_CALL')),
    );
    expect(events).toContainEqual({
      type: 'tool-call-start',
      choice: 0,
      part: 0,
      id: 'call_0',
      name: '',
    });
  });
});
