import { describe, expect, it } from 'vitest';
import { readChunkLines } from '../../../test/helpers/provider-recordings.ts';
import type { ChatStreamEvent } from '../../canonical/chat-stream-event.ts';
import type { AssistantContentPart } from '../../canonical/content-part.ts';
import type { FinishReason } from '../../canonical/finish-reason.ts';
import type { Usage } from '../../canonical/usage.ts';
import type { GatewayError } from '../../errors/gateway-error.ts';
import type { SseFrame } from '../../lib/sse-frame.ts';
import { SseParser } from '../../upstream/sse-parser.ts';
import { decodeGeminiResponse } from './decode-gemini-generate-content-response.ts';
import { GeminiStreamDecoder } from './gemini-generate-content-stream-decoder.ts';

const folder = 'gemini-generate-content/';

/** The wire body of a recording: `data: <line>` events, with Google's CRLF or with LF. */
function streamBody(name: string, lineEnd = '\r\n'): string {
  return readChunkLines(folder + name)
    .map((line) => `data: ${line}${lineEnd}${lineEnd}`)
    .join('');
}

interface Replay {
  readonly events: ChatStreamEvent[];
  readonly failure: GatewayError | undefined;
}

/** Parses and decodes a body, fed whole (`pieceSize` undefined) or in pieces of that many bytes. */
function replay(body: string, pieceSize?: number): Replay {
  const parser = new SseParser();
  const decoder = new GeminiStreamDecoder();
  const events: ChatStreamEvent[] = [];
  let failure: GatewayError | undefined;
  const feed = (frames: SseFrame[]): void => {
    for (const frame of frames) {
      if (failure !== undefined) return;
      const step = decoder.push(frame);
      events.push(...step.events);
      failure = step.failure;
    }
  };
  const bytes = Buffer.from(body, 'utf8');
  const size = pieceSize ?? bytes.length;
  for (let offset = 0; offset < bytes.length; offset += size) {
    feed(parser.push(bytes.subarray(offset, offset + size)));
  }
  feed(parser.end());
  if (failure === undefined) {
    const step = decoder.end();
    events.push(...step.events);
    failure = step.failure;
  }
  return { events, failure };
}

/** Feeds one `data` payload per frame, skipping the SSE parser. */
function replayPayloads(payloads: readonly unknown[]): Replay {
  const decoder = new GeminiStreamDecoder();
  const events: ChatStreamEvent[] = [];
  for (const payload of payloads) {
    const data = typeof payload === 'string' ? payload : JSON.stringify(payload);
    const step = decoder.push({ kind: 'event', event: undefined, data, id: undefined });
    events.push(...step.events);
    if (step.failure !== undefined) return { events, failure: step.failure };
  }
  const step = decoder.end();
  return { events: [...events, ...step.events], failure: step.failure };
}

interface Folded {
  id: string;
  model: string;
  choices: Map<number, { content: AssistantContentPart[]; finishReason?: FinishReason }>;
  usage: Usage | undefined;
}

/** Assembles canonical events into answers, checking the part lifecycle on the way. */
function fold(events: readonly ChatStreamEvent[]): Folded {
  const folded: Folded = { id: '', model: '', choices: new Map(), usage: undefined };
  const open = new Map<string, AssistantContentPart>();
  const choice = (index: number) => {
    let state = folded.choices.get(index);
    if (state === undefined) {
      state = { content: [] };
      folded.choices.set(index, state);
    }
    return state;
  };
  expect(events[0]?.type).toBe('response-start');
  for (const event of events) {
    const key = 'part' in event ? `${event.choice}:${event.part}` : '';
    switch (event.type) {
      case 'response-start':
        folded.id = event.id;
        folded.model = event.model;
        break;
      case 'text-start':
        open.set(key, { type: 'text', text: '' });
        break;
      case 'reasoning-start':
        open.set(key, { type: 'reasoning', text: '' });
        break;
      case 'tool-call-start':
        open.set(key, {
          type: 'tool-call',
          id: event.id,
          name: event.name,
          arguments: '',
          ...(event.signature === undefined ? {} : { signature: event.signature }),
        });
        break;
      case 'text-delta':
      case 'reasoning-delta': {
        const part = open.get(key);
        expect(part).toBeDefined();
        if (part?.type === 'text' || part?.type === 'reasoning') {
          open.set(key, { ...part, text: part.text + event.delta });
        }
        break;
      }
      case 'tool-call-delta': {
        const part = open.get(key);
        expect(part?.type).toBe('tool-call');
        if (part?.type === 'tool-call') {
          open.set(key, { ...part, arguments: part.arguments + event.argumentsDelta });
        }
        break;
      }
      case 'text-end':
      case 'tool-call-end':
      case 'reasoning-end': {
        let part = open.get(key);
        expect(part).toBeDefined();
        if (event.type === 'reasoning-end' && part?.type === 'reasoning') {
          part = event.signature === undefined ? part : { ...part, signature: event.signature };
        }
        if (part !== undefined) choice(event.choice).content.push(part);
        open.delete(key);
        break;
      }
      case 'choice-end':
        expect([...open.keys()].some((name) => name.startsWith(`${event.choice}:`))).toBe(false);
        choice(event.choice).finishReason = event.finishReason;
        break;
      case 'usage-delta':
        folded.usage = event.usage;
        break;
      case 'response-end':
        expect(open.size).toBe(0);
        break;
      default:
        throw new Error(`unexpected event ${event.type}`);
    }
  }
  return folded;
}

describe('GeminiStreamDecoder on recorded streams', () => {
  const recordings = [
    'google-text.chunks.txt',
    'google-reasoning.chunks.txt',
    'google-tool-call.chunks.txt',
    'google-stream-tool-call-arguments.chunks.txt',
  ];

  for (const name of recordings) {
    it(`gives identical events whole, frame by frame and byte by byte (${name})`, () => {
      const whole = replay(streamBody(name));
      expect(whole.failure).toBeUndefined();
      expect(whole.events.at(-1)).toEqual({ type: 'response-end' });
      const lines = readChunkLines(folder + name);
      const framewise = replayPayloads(lines);
      expect(framewise).toEqual(whole);
      expect(replay(streamBody(name), 1)).toEqual(whole);
      expect(replay(streamBody(name, '\n'), 7)).toEqual(whole);
      fold(whole.events);
    });
  }

  it('decodes a text answer with its trailing signature part (google-text)', () => {
    const { events } = replay(streamBody('google-text.chunks.txt'));
    const folded = fold(events);
    expect(folded.id).toBe('bH6LaZW8Fp_3nsEPqtaSwQ4');
    expect(folded.model).toBe('gemini-3-pro-preview');
    const answer = folded.choices.get(0);
    expect(answer?.content.map((part) => part.type)).toEqual(['text', 'reasoning']);
    expect(answer?.content[0]).toEqual({
      type: 'text',
      text: 'There are **3** "r"s in strawberry.\n\nst**r**awbe**rr**y',
    });
    const signature = answer?.content[1];
    expect(signature?.type === 'reasoning' && signature.text).toBe('');
    expect(signature?.type === 'reasoning' && signature.signature?.startsWith('EqsFCqgF')).toBe(
      true,
    );
    expect(answer?.finishReason).toEqual({ unified: 'stop', raw: 'STOP' });
    expect(folded.usage).toEqual({
      inputTokens: { total: 9 },
      outputTokens: { total: 23 + 185, reasoning: 185 },
    });
  });

  it('reports usage only when it changes, though every chunk repeats it', () => {
    const { events } = replay(streamBody('google-text.chunks.txt'));
    expect(events.filter((event) => event.type === 'usage-delta')).toHaveLength(2);
  });

  it('reports reasoning-token usage (google-reasoning)', () => {
    const folded = fold(replay(streamBody('google-reasoning.chunks.txt')).events);
    expect(folded.usage?.outputTokens).toEqual({ total: 285, reasoning: 256 });
  });

  it('decodes a whole function call with its signature and reports tool-calls (google-tool-call)', () => {
    const folded = fold(replay(streamBody('google-tool-call.chunks.txt')).events);
    const answer = folded.choices.get(0);
    expect(answer?.content).toHaveLength(1);
    const call = answer?.content[0];
    expect(call?.type).toBe('tool-call');
    if (call?.type === 'tool-call') {
      expect(call.id).toBe('call_0_0');
      expect(call.name).toBe('weather');
      expect(JSON.parse(call.arguments)).toEqual({ location: 'San Francisco' });
      expect(call.signature?.startsWith('EqUCCqIC')).toBe(true);
    }
    expect(answer?.finishReason).toEqual({ unified: 'tool-calls', raw: 'STOP' });
  });

  it('rebuilds Vertex AI streamed arguments of two parallel calls (google-stream-tool-call-arguments)', () => {
    const { events } = replay(streamBody('google-stream-tool-call-arguments.chunks.txt'));
    const folded = fold(events);
    expect(events[0]).toEqual({
      type: 'response-start',
      id: 'dqHOab6xGLzWodAPkPuViA4',
      model: 'gemini-3.1-pro-preview',
      created: Math.floor(Date.parse('2026-04-02T17:03:50.399550Z') / 1000),
    });
    const calls = folded.choices.get(0)?.content ?? [];
    expect(
      calls.map((call) => (call.type === 'tool-call' ? [call.id, call.name, call.arguments] : [])),
    ).toEqual([
      ['call_0_0', 'getWeather', '{"location":"Boston"}'],
      ['call_0_1', 'getWeather', '{"location":"San Francisco"}'],
    ]);
    const [first, second] = calls;
    expect(first?.type === 'tool-call' && first.signature?.startsWith('CiMBjz1r')).toBe(true);
    expect(second?.type === 'tool-call' && second.signature).toBeUndefined();
    // The argument text streams as it arrives, before the call closes.
    expect(events.filter((event) => event.type === 'tool-call-delta').length).toBeGreaterThan(2);
    expect(folded.choices.get(0)?.finishReason).toEqual({ unified: 'tool-calls', raw: 'STOP' });
    expect(folded.usage).toEqual({
      inputTokens: { total: 26 },
      outputTokens: { total: 155, reasoning: 132 },
    });
  });

  it('decodes a recorded stream like the matching complete answer', () => {
    const streamed = fold(replay(streamBody('google-tool-call.chunks.txt')).events);
    const lines = readChunkLines(`${folder}google-tool-call.chunks.txt`);
    // One complete body with the same parts as the stream: the stream's parts, in order.
    const parts = lines.flatMap((line) => {
      const chunk = JSON.parse(line) as { candidates: { content: { parts: unknown[] } }[] };
      return chunk.candidates[0]?.content.parts ?? [];
    });
    const complete = decodeGeminiResponse({
      candidates: [{ content: { parts, role: 'model' }, finishReason: 'STOP', index: 0 }],
      responseId: 'b36LacjwM668nsEP2tbsgQQ',
      modelVersion: 'gemini-3-pro-preview',
    });
    expect(streamed.choices.get(0)?.content).toEqual(complete.choices[0]?.content);
  });
});

const head = { responseId: 'r1', modelVersion: 'gemini-2.5-flash' };

function chunk(parts: unknown[], extra: Record<string, unknown> = {}, index = 0): unknown {
  return { candidates: [{ content: { parts, role: 'model' }, index, ...extra }], ...head };
}

describe('GeminiStreamDecoder on constructed streams', () => {
  it('turns thought parts into reasoning that ends with its signature', () => {
    const { events, failure } = replayPayloads([
      chunk([{ text: 'Let me think', thought: true }]),
      chunk([{ text: ' harder.', thought: true, thoughtSignature: 'c2ln' }]),
      chunk([{ text: 'Answer.' }], { finishReason: 'STOP' }),
    ]);
    expect(failure).toBeUndefined();
    expect(fold(events).choices.get(0)?.content).toEqual([
      { type: 'reasoning', text: 'Let me think harder.', signature: 'c2ln' },
      { type: 'text', text: 'Answer.' },
    ]);
  });

  it('keeps a signature that arrives on the first text chunk (Gemini 3 Flash) without losing text', () => {
    const { events } = replayPayloads([
      chunk([{ text: 'Hello', thoughtSignature: 'Zmlyc3Q=' }]),
      chunk([{ text: ' world' }], { finishReason: 'STOP' }),
    ]);
    expect(fold(events).choices.get(0)?.content).toEqual([
      { type: 'text', text: 'Hello' },
      { type: 'reasoning', text: '', signature: 'Zmlyc3Q=' },
      { type: 'text', text: ' world' },
    ]);
  });

  it('decodes parallel whole calls in one chunk, using Gemini ids when given', () => {
    const { events } = replayPayloads([
      chunk(
        [
          { functionCall: { name: 'a', args: { x: 1 } }, thoughtSignature: 'c2ln' },
          { functionCall: { id: 'fc-9', name: 'b' } },
        ],
        { finishReason: 'STOP' },
      ),
    ]);
    const content = fold(events).choices.get(0)?.content;
    expect(content).toEqual([
      { type: 'tool-call', id: 'call_0_0', name: 'a', arguments: '{"x":1}', signature: 'c2ln' },
      { type: 'tool-call', id: 'fc-9', name: 'b', arguments: '{}' },
    ]);
  });

  it('decodes several candidates, each ending on its own', () => {
    const { events, failure } = replayPayloads([
      {
        candidates: [
          { content: { parts: [{ text: 'A' }], role: 'model' } },
          { content: { parts: [{ text: 'B' }], role: 'model' }, index: 1 },
        ],
        ...head,
      },
      chunk([{ text: '!' }], { finishReason: 'STOP' }, 0),
      chunk([], { finishReason: 'MAX_TOKENS' }, 1),
    ]);
    expect(failure).toBeUndefined();
    const folded = fold(events);
    expect(folded.choices.get(0)).toEqual({
      content: [{ type: 'text', text: 'A!' }],
      finishReason: { unified: 'stop', raw: 'STOP' },
    });
    expect(folded.choices.get(1)).toEqual({
      content: [{ type: 'text', text: 'B' }],
      finishReason: { unified: 'length', raw: 'MAX_TOKENS' },
    });
  });

  it('ignores content for a candidate that already finished', () => {
    const { events } = replayPayloads([
      chunk([{ text: 'done' }], { finishReason: 'STOP' }),
      chunk([{ text: 'late' }]),
    ]);
    expect(fold(events).choices.get(0)?.content).toEqual([{ type: 'text', text: 'done' }]);
  });

  it('ends a blocked prompt with one content-filter choice', () => {
    const { events, failure } = replayPayloads([
      {
        promptFeedback: { blockReason: 'PROHIBITED_CONTENT' },
        usageMetadata: { promptTokenCount: 8, totalTokenCount: 8 },
        ...head,
      },
    ]);
    expect(failure).toBeUndefined();
    expect(events).toEqual([
      { type: 'response-start', id: 'r1', model: 'gemini-2.5-flash' },
      {
        type: 'choice-end',
        choice: 0,
        finishReason: { unified: 'content-filter', raw: 'PROHIBITED_CONTENT' },
      },
      {
        type: 'usage-delta',
        usage: { inputTokens: { total: 8 }, outputTokens: { total: 0 } },
      },
      { type: 'response-end' },
    ]);
  });

  it('reports a safety stop and a malformed function call', () => {
    const safety = fold(
      replayPayloads([chunk([{ text: 'Partial' }], { finishReason: 'SAFETY' })]).events,
    );
    expect(safety.choices.get(0)?.finishReason).toEqual({
      unified: 'content-filter',
      raw: 'SAFETY',
    });
    const malformed = fold(
      replayPayloads([{ candidates: [{ finishReason: 'MALFORMED_FUNCTION_CALL' }], ...head }])
        .events,
    );
    expect(malformed.choices.get(0)).toEqual({
      content: [],
      finishReason: { unified: 'error', raw: 'MALFORMED_FUNCTION_CALL' },
    });
  });

  it('closes streamed arguments that never got their closing fragment', () => {
    const { events } = replayPayloads([
      chunk([{ functionCall: { name: 'f', willContinue: true } }]),
      chunk([
        {
          functionCall: {
            partialArgs: [
              { jsonPath: '$.n', numberValue: 2 },
              { jsonPath: '$.tags[0]', stringValue: 'x', willContinue: true },
            ],
            willContinue: true,
          },
        },
      ]),
      chunk([{ text: 'after' }], { finishReason: 'STOP' }),
    ]);
    const content = fold(events).choices.get(0)?.content;
    expect(content).toEqual([
      { type: 'tool-call', id: 'call_0_0', name: 'f', arguments: '{"n":2,"tags":["x"]}' },
      { type: 'text', text: 'after' },
    ]);
  });

  it('closes streamed arguments when the candidate finishes', () => {
    const { events } = replayPayloads([
      chunk([
        {
          functionCall: {
            name: 'f',
            partialArgs: [{ jsonPath: '$.a', boolValue: true }],
            willContinue: true,
          },
        },
      ]),
      chunk([], { finishReason: 'STOP' }),
    ]);
    expect(fold(events).choices.get(0)?.content).toEqual([
      { type: 'tool-call', id: 'call_0_0', name: 'f', arguments: '{"a":true}' },
    ]);
  });

  it('fails on streamed arguments out of document order', () => {
    const { failure } = replayPayloads([
      chunk([{ functionCall: { name: 'f', willContinue: true } }]),
      chunk([
        {
          functionCall: { partialArgs: [{ jsonPath: '$.a', numberValue: 1 }], willContinue: true },
        },
      ]),
      chunk([
        {
          functionCall: { partialArgs: [{ jsonPath: '$.a', numberValue: 2 }], willContinue: true },
        },
      ]),
    ]);
    expect(failure?.code).toBe('SB_ERR_UPSTREAM_INVALID_RESPONSE');
  });

  it('ignores an argument continuation with no call to continue', () => {
    const { events, failure } = replayPayloads([
      chunk([{ functionCall: {} }, { text: 'ok' }], { finishReason: 'STOP' }),
    ]);
    expect(failure).toBeUndefined();
    expect(fold(events).choices.get(0)?.content).toEqual([{ type: 'text', text: 'ok' }]);
  });

  it('keeps a signature on a part it does not carry (inline data)', () => {
    const { events } = replayPayloads([
      chunk([{ inlineData: { mimeType: 'image/png', data: 'AA==' }, thoughtSignature: 'c2ln' }], {
        finishReason: 'STOP',
      }),
    ]);
    expect(fold(events).choices.get(0)?.content).toEqual([
      { type: 'reasoning', text: '', signature: 'c2ln' },
    ]);
  });

  it('fails when the stream ends before every candidate finished', () => {
    const { events, failure } = replayPayloads([chunk([{ text: 'Hel' }])]);
    expect(failure?.code).toBe('SB_ERR_UPSTREAM_ERROR');
    expect(events.some((event) => event.type === 'response-end')).toBe(false);
  });

  it('fails when the stream ends before any chunk', () => {
    expect(replayPayloads([]).failure?.code).toBe('SB_ERR_UPSTREAM_ERROR');
  });

  it('fails on a chunk that is not JSON, without passing its text on', () => {
    const { failure } = replayPayloads(['{"candidates": [']);
    expect(failure?.code).toBe('SB_ERR_UPSTREAM_INVALID_RESPONSE');
    expect(replayPayloads(['[1]']).failure?.code).toBe('SB_ERR_UPSTREAM_INVALID_RESPONSE');
  });

  it('fails on an error object in the middle of the stream, without repeating its message', () => {
    const { events, failure } = replayPayloads([
      chunk([{ text: 'Hi' }]),
      { error: { code: 500, message: 'internal secret sk-live-123', status: 'INTERNAL' } },
    ]);
    expect(failure?.code).toBe('SB_ERR_UPSTREAM_ERROR');
    expect(JSON.stringify(failure?.publicMessage)).not.toContain('sk-live-123');
    expect(events.map((event) => event.type)).toEqual([
      'response-start',
      'text-start',
      'text-delta',
    ]);
  });

  it('ignores comments, frames after the end and a second end', () => {
    const decoder = new GeminiStreamDecoder();
    expect(decoder.push({ kind: 'comment', text: ' keep-alive' })).toEqual({
      events: [],
      failure: undefined,
    });
    const data = JSON.stringify(chunk([{ text: 'x' }], { finishReason: 'STOP' }));
    decoder.push({ kind: 'event', event: undefined, data, id: undefined });
    expect(decoder.end().events).toEqual([{ type: 'response-end' }]);
    expect(decoder.end()).toEqual({ events: [], failure: undefined });
    expect(decoder.push({ kind: 'event', event: undefined, data, id: undefined }).events).toEqual(
      [],
    );
  });

  it('gives identical events byte by byte when multi-byte characters are split', () => {
    const body = [
      chunk([{ text: 'Grüße, 世界 🌍' }]),
      chunk([{ functionCall: { name: 'f', args: { city: 'Zürich 🏔' } } }], {
        finishReason: 'STOP',
      }),
    ]
      .map((payload) => `data: ${JSON.stringify(payload)}\r\n\r\n`)
      .join('');
    const whole = replay(body);
    expect(whole.failure).toBeUndefined();
    expect(replay(body, 1)).toEqual(whole);
    expect(fold(whole.events).choices.get(0)?.content).toEqual([
      { type: 'text', text: 'Grüße, 世界 🌍' },
      { type: 'tool-call', id: 'call_0_0', name: 'f', arguments: '{"city":"Zürich 🏔"}' },
    ]);
  });

  it('starts the response with empty id and model when the chunk has none', () => {
    const { events } = replayPayloads([
      { candidates: [{ content: { parts: [{ text: 'x' }] }, finishReason: 'STOP' }] },
    ]);
    expect(events[0]).toEqual({ type: 'response-start', id: '', model: '', created: undefined });
  });
});
