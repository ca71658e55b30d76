import { expect } from 'vitest';
import type { ChatStreamEvent } from '../../src/canonical/chat-stream-event.ts';
import { mergeUsage } from '../../src/canonical/merge-usage.ts';
import type { Usage } from '../../src/canonical/usage.ts';
import type { StreamDecoder } from '../../src/dialects/dialect-codec.ts';
import type { GatewayError } from '../../src/errors/gateway-error.ts';
import type { FrameParser } from '../../src/upstream/frame-parsers.ts';
import { SseParser } from '../../src/upstream/sse-parser.ts';

export interface DecodedStream {
  readonly events: ChatStreamEvent[];
  readonly failure: GatewayError | undefined;
}

/**
 * Feeds a wire body to a decoder through a frame parser, `pieceSize` bytes at a time (the whole
 * body by default), and collects the canonical events up to the first failure.
 */
export function decodeWireBody(
  decoder: StreamDecoder,
  body: string | Uint8Array,
  pieceSize?: number,
  parser: FrameParser = new SseParser(),
): DecodedStream {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  const size = pieceSize ?? Math.max(bytes.length, 1);
  const events: ChatStreamEvent[] = [];
  for (let offset = 0; offset < bytes.length; offset += size) {
    for (const frame of parser.push(bytes.subarray(offset, offset + size))) {
      const step = decoder.push(frame);
      events.push(...step.events);
      if (step.failure !== undefined) {
        return { events, failure: step.failure };
      }
    }
  }
  for (const frame of parser.end()) {
    const step = decoder.push(frame);
    events.push(...step.events);
    if (step.failure !== undefined) {
      return { events, failure: step.failure };
    }
  }
  const last = decoder.end();
  events.push(...last.events);
  return { events, failure: last.failure };
}

/** Feeds an SSE body to a decoder one event at a time (each event in its own read). */
export function decodeFramewise(decoder: StreamDecoder, body: string): DecodedStream {
  const parser = new SseParser();
  const events: ChatStreamEvent[] = [];
  for (const piece of body.split(/(?<=\n\n)/)) {
    for (const frame of parser.push(Buffer.from(piece, 'utf8'))) {
      const step = decoder.push(frame);
      events.push(...step.events);
      if (step.failure !== undefined) {
        return { events, failure: step.failure };
      }
    }
  }
  const last = decoder.end();
  events.push(...last.events);
  return { events, failure: last.failure };
}

/**
 * Checks the canonical stream contract: `response-start` first and once, `response-end` last and
 * once; every part starts before its deltas and ends once before its choice ends; parts of a
 * choice are numbered 0, 1, 2 ... in start order; every started choice ends once.
 */
export function expectValidEventOrder(events: readonly ChatStreamEvent[]): void {
  expect(events[0]?.type).toBe('response-start');
  expect(events.filter((event) => event.type === 'response-start')).toHaveLength(1);
  expect(events[events.length - 1]?.type).toBe('response-end');
  expect(events.filter((event) => event.type === 'response-end')).toHaveLength(1);
  const open = new Map<string, string>();
  const nextPart = new Map<number, number>();
  const ended = new Set<number>();
  for (const event of events) {
    if (!('choice' in event)) {
      continue;
    }
    if (event.type === 'choice-end') {
      expect(ended.has(event.choice), `choice ${event.choice} ends once`).toBe(false);
      expect([...open.keys()].some((key) => key.startsWith(`${event.choice}:`))).toBe(false);
      ended.add(event.choice);
      continue;
    }
    expect(ended.has(event.choice), `${event.type} after its choice ended`).toBe(false);
    const key = `${event.choice}:${event.part}`;
    const [kind, step] = splitType(event.type);
    if (step === 'start') {
      expect(open.has(key), `${key} starts once`).toBe(false);
      expect(event.part).toBe(nextPart.get(event.choice) ?? 0);
      nextPart.set(event.choice, event.part + 1);
      open.set(key, kind);
    } else {
      expect(open.get(key), `${event.type} on an open ${kind} part`).toBe(kind);
      if (step === 'end') {
        open.delete(key);
      }
    }
  }
  expect(open.size).toBe(0);
  for (const choice of nextPart.keys()) {
    expect(ended.has(choice), `choice ${choice} ended`).toBe(true);
  }
}

function splitType(type: string): [string, string] {
  const dash = type.lastIndexOf('-');
  return [type.slice(0, dash), type.slice(dash + 1)];
}

/** What a stream said, assembled: per choice text, reasoning, refusal and tool calls. */
export interface AssembledChoice {
  text: string;
  reasoning: string;
  signatures: string[];
  refusal: string;
  toolCalls: { id: string; name: string; arguments: string }[];
  finishReason: string | undefined;
  rawFinishReason: string | undefined;
}

export interface AssembledStream {
  readonly id: string;
  readonly model: string;
  readonly choices: Map<number, AssembledChoice>;
  readonly usage: Usage | undefined;
}

/** Assembles canonical events into what a client would end up with. */
export function assembleStream(events: readonly ChatStreamEvent[]): AssembledStream {
  let id = '';
  let model = '';
  let usage: Usage | undefined;
  const choices = new Map<number, AssembledChoice>();
  const toolParts = new Map<string, number>();
  const choice = (index: number): AssembledChoice => {
    let entry = choices.get(index);
    if (entry === undefined) {
      entry = {
        text: '',
        reasoning: '',
        signatures: [],
        refusal: '',
        toolCalls: [],
        finishReason: undefined,
        rawFinishReason: undefined,
      };
      choices.set(index, entry);
    }
    return entry;
  };
  for (const event of events) {
    switch (event.type) {
      case 'response-start':
        id = event.id;
        model = event.model;
        break;
      case 'text-delta':
        choice(event.choice).text += event.delta;
        break;
      case 'reasoning-delta':
        choice(event.choice).reasoning += event.delta;
        break;
      case 'reasoning-end':
        if (event.signature !== undefined) choice(event.choice).signatures.push(event.signature);
        break;
      case 'refusal-delta':
        choice(event.choice).refusal += event.delta;
        break;
      case 'tool-call-start': {
        const calls = choice(event.choice).toolCalls;
        toolParts.set(`${event.choice}:${event.part}`, calls.length);
        calls.push({ id: event.id, name: event.name, arguments: '' });
        break;
      }
      case 'tool-call-delta': {
        const call = choice(event.choice).toolCalls[
          toolParts.get(`${event.choice}:${event.part}`) ?? -1
        ];
        if (call !== undefined) call.arguments += event.argumentsDelta;
        break;
      }
      case 'choice-end':
        choice(event.choice).finishReason = event.finishReason.unified;
        choice(event.choice).rawFinishReason = event.finishReason.raw;
        break;
      case 'usage-delta':
        usage = mergeUsage(usage, event.usage);
        break;
      default:
        break;
    }
  }
  return { id, model, choices, usage };
}
