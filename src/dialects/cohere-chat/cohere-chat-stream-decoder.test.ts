import { describe, expect, it } from 'vitest';
import { readChunkLines } from '../../../test/helpers/provider-recordings.ts';
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

/** A recording rebuilt as the README says: `event: <type>\ndata: <line>\n\n` per line. */
function streamEvents(lines: readonly string[], framing: 'event-line' | 'data-only'): string[] {
  return lines.map((line) =>
    framing === 'event-line' ? `event: ${typeOf(line)}\ndata: ${line}\n\n` : `data: ${line}\n\n`,
  );
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

const recordings = [
  'cohere-chat/cohere-tool-call.chunks.txt',
  'cohere-chat/cohere-reasoning.chunks.txt',
];

describe('CohereChatStreamDecoder on recorded streams', () => {
  for (const path of recordings) {
    for (const framing of ['event-line', 'data-only'] as const) {
      it(`gives identical events whole, frame by frame and byte by byte (${path}, ${framing})`, () => {
        const frames = streamEvents(readChunkLines(path), framing);
        const body = frames.join('');
        const whole = replay([body]);
        expect(whole.failure).toBeUndefined();
        expectWellFormed(whole.events);
        expect(replay(frames)).toEqual(whole);
        expect(replay(bytewise(body))).toEqual(whole);
      });
    }
  }

  it('decodes the tool plan, two parallel tool calls, finish reason and usage (cohere-tool-call)', () => {
    const { events } = replay(
      streamEvents(readChunkLines('cohere-chat/cohere-tool-call.chunks.txt'), 'event-line'),
    );
    expect(events[0]).toEqual({
      type: 'response-start',
      id: '2941521a-b87a-45f6-9b0d-235fd66c3025',
      model: '',
    });
    expect(assemble(events)).toEqual({
      parts: [
        {
          kind: 'text',
          text: 'I will use the weather tool to find the weather in San Francisco and the cityAttractions tool to find attractions in San Francisco.',
        },
        {
          kind: 'tool-call',
          id: 'weather_e8p4pn45zt0t',
          name: 'weather',
          text: '{"location": "San Francisco"}',
        },
        {
          kind: 'tool-call',
          id: 'cityAttractions_pyxssbwnq9fq',
          name: 'cityAttractions',
          text: '{"city": "San Francisco"}',
        },
      ],
      finish: { unified: 'tool-calls', raw: 'TOOL_CALL' },
      usage: { inputTokens: { total: 1549, cacheRead: 1504 }, outputTokens: { total: 95 } },
    });
  });

  it('decodes thinking as reasoning before the text (cohere-reasoning)', () => {
    const { events } = replay(
      streamEvents(readChunkLines('cohere-chat/cohere-reasoning.chunks.txt'), 'event-line'),
    );
    const result = assemble(events);
    expect(result.parts.map((part) => part.kind)).toEqual(['reasoning', 'text']);
    expect(result.parts[0]?.text).toMatch(/^The user is asking for the sum of 2 and 2\./);
    expect(result.parts[1]?.text).toBe('The answer to 2 + 2 is 4.');
    expect(result.finish).toEqual({ unified: 'stop', raw: 'COMPLETE' });
    expect(result.usage).toEqual({
      inputTokens: { total: 1394, cacheRead: 1360 },
      outputTokens: { total: 54 },
    });
  });
});

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
describe('CohereChatStreamDecoder on unusual and broken streams', () => {
  it('reports a stream that ends before message-end', () => {
    const { events, failure } = replay(
      body(start, {
        type: 'content-delta',
        index: 0,
        delta: { message: { content: { text: 'Hi' } } },
      }),
    );
    expect(failure?.code).toBe('SB_ERR_UPSTREAM_ERROR');
    expect(events.some((event) => event.type === 'response-end')).toBe(false);
  });

  it('reports an event that is not JSON and ignores what follows', () => {
    const decoder = new CohereChatStreamDecoder();
    const step = decoder.push({
      kind: 'event',
      event: 'content-delta',
      data: '{"type":',
      id: undefined,
    });
    expect(step.failure?.code).toBe('SB_ERR_UPSTREAM_INVALID_RESPONSE');
    expect(
      decoder.push({ kind: 'event', event: undefined, data: JSON.stringify(start), id: undefined })
        .events,
    ).toEqual([]);
    expect(decoder.end()).toEqual({ events: [], failure: undefined });
  });

  it('reports message-end with finish reason ERROR as an upstream error, after its usage, without the error text', () => {
    const { events, failure } = replay(
      body(
        start,
        {
          type: 'content-start',
          index: 0,
          delta: { message: { content: { type: 'text', text: 'Par' } } },
        },
        end('ERROR', { error: 'secret internal detail' }),
      ),
    );
    expect(failure?.code).toBe('SB_ERR_UPSTREAM_ERROR');
    expect(JSON.stringify(failure?.publicMessage)).not.toContain('secret');
    expect(events.map((event) => event.type)).toEqual([
      'response-start',
      'text-start',
      'text-delta',
      'text-end',
      'usage-delta',
    ]);
  });

  it('treats an error text with another finish reason as an error too', () => {
    expect(replay(body(start, end('COMPLETE', { error: 'boom' }))).failure?.code).toBe(
      'SB_ERR_UPSTREAM_ERROR',
    );
  });

  it('ends normally on TIMEOUT and MAX_TOKENS with their raw values', () => {
    expect(assemble(replay(body(start, end('TIMEOUT'))).events).finish).toEqual({
      unified: 'other',
      raw: 'TIMEOUT',
    });
    expect(assemble(replay(body(start, end('MAX_TOKENS'))).events).finish).toEqual({
      unified: 'length',
      raw: 'MAX_TOKENS',
    });
  });

  it('uses billed units when tokens are missing, and skips usage when there is none', () => {
    expect(assemble(replay(body(start, end('COMPLETE'))).events).usage).toEqual({
      inputTokens: { total: 3 },
      outputTokens: { total: 2 },
    });
    const { events } = replay(
      body(start, { type: 'message-end', delta: { finish_reason: 'COMPLETE' } }),
    );
    expect(events.map((event) => event.type)).toEqual([
      'response-start',
      'choice-end',
      'response-end',
    ]);
  });

  it('skips citations, debug events, comments, [DONE] and unknown events, and ignores events after message-end', () => {
    const frames = [
      ...body(start),
      ': keep-alive\n\n',
      ...body(
        {
          type: 'content-start',
          index: 0,
          delta: { message: { content: { type: 'text', text: '' } } },
        },
        { type: 'content-delta', index: 0, delta: { message: { content: { text: 'Cited' } } } },
        {
          type: 'citation-start',
          index: 0,
          delta: { message: { citations: { start: 0, end: 5, text: 'Cited', sources: [] } } },
        },
        { type: 'citation-end', index: 0 },
        { type: 'debug', prompt: 'x' },
        { type: 'something-new' },
        { type: 'content-end', index: 0 },
        end('COMPLETE'),
      ),
      'data: [DONE]\n\n',
      ...body({
        type: 'content-delta',
        index: 0,
        delta: { message: { content: { text: 'late' } } },
      }),
    ];
    const { events, failure } = replay(frames);
    expect(failure).toBeUndefined();
    expectWellFormed(events);
    expect(assemble(events).parts).toEqual([{ kind: 'text', text: 'Cited' }]);
  });

  it('starts the response even when message-start is missing, and takes the event name when the data has no type', () => {
    const frames = [
      'event: content-delta\ndata: {"index":0,"delta":{"message":{"content":{"text":"Hi"}}}}\n\n',
      'event: message-end\ndata: {"delta":{"finish_reason":"COMPLETE"}}\n\n',
    ];
    const { events, failure } = replay(frames);
    expect(failure).toBeUndefined();
    expect(events[0]).toEqual({ type: 'response-start', id: '', model: '' });
    expect(assemble(events).parts).toEqual([{ kind: 'text', text: 'Hi' }]);
  });

  it('ignores a second message-start and content events without content', () => {
    const { events } = replay(
      body(
        start,
        { ...start, id: 'msg-2' },
        { type: 'content-delta', index: 0, delta: { message: {} } },
        { type: 'tool-plan-delta', delta: {} },
        end('COMPLETE'),
      ),
    );
    expect(events[0]).toEqual({ type: 'response-start', id: 'msg-1', model: '' });
    expect(events.map((event) => event.type)).toEqual([
      'response-start',
      'choice-end',
      'usage-delta',
      'response-end',
    ]);
  });
});
