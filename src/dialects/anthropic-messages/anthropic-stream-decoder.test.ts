import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  assembleStream,
  decodeFramewise,
  decodeWireBody,
  expectValidEventOrder,
} from '../../../test/helpers/canonical-stream.ts';
import { listRecordings, namedEventStreamBody } from '../../../test/helpers/provider-recordings.ts';
import { isJsonObject, safeParseJson } from '../../lib/json.ts';
import { encodeSseEvent } from '../../lib/sse-frame.ts';
import { AnthropicStreamDecoder, parseTextDelta } from './anthropic-stream-decoder.ts';

const recordings = listRecordings('anthropic-messages', '.chunks.txt');

function decode(body: string, pieceSize?: number) {
  return decodeWireBody(new AnthropicStreamDecoder(), body, pieceSize);
}

function events(...payloads: object[]): string {
  return payloads
    .map((payload) => {
      const type = (payload as { type: string }).type;
      return encodeSseEvent(JSON.stringify(payload), type);
    })
    .join('');
}

const start = {
  type: 'message_start',
  message: { id: 'msg_1', model: 'claude-x', usage: { input_tokens: 10, output_tokens: 1 } },
};
const stop = { type: 'message_stop' };

describe('AnthropicStreamDecoder on every recorded stream', () => {
  it.each(recordings)(
    '%s: valid order, identical whole, frame by frame and byte by byte',
    (file) => {
      const body = namedEventStreamBody(file);
      const whole = decode(body);
      expect(whole.failure).toBeUndefined();
      expectValidEventOrder(whole.events);
      expect(decodeFramewise(new AnthropicStreamDecoder(), body).events).toEqual(whole.events);
      expect(decode(body, 1).events).toEqual(whole.events);
      expect(decode(body, 7).events).toEqual(whole.events);
    },
  );

  it.each(recordings)(
    '%s: the same events when no event takes the text-delta fast path',
    (file) => {
      const body = namedEventStreamBody(file);
      // A space before each event's JSON: still the same JSON, but not as Anthropic writes a text
      // delta, so every event is parsed whole.
      const spaced = body.replace(/^data: /gm, 'data:  ');
      expect(spaced).not.toBe(body);
      expect(decode(spaced)).toEqual(decode(body));
    },
  );
});

describe('AnthropicStreamDecoder on specific recordings', () => {
  it('decodes text with pings between deltas, and usage including the input (anthropic-text)', () => {
    const result = assembleStream(
      decode(namedEventStreamBody('anthropic-messages/anthropic-text.chunks.txt')).events,
    );
    const choice = result.choices.get(0);
    expect(result.id).toBe('msg_01QC4g3HwBThD4BaNtBckFDJ');
    expect(result.model).toBe('claude-sonnet-4-5-20250929');
    expect(choice?.text).toBe(
      "Hello! I'm doing well, thank you for asking. How are you doing today? Is there anything I can help you with?",
    );
    expect(choice?.finishReason).toBe('stop');
    expect(choice?.rawFinishReason).toBe('end_turn');
    expect(result.usage).toEqual({
      inputTokens: { total: 12, cacheRead: 0, cacheWrite: 0 },
      outputTokens: { total: 30 },
    });
  });

  it('gives a tool called without arguments the arguments {} (anthropic-tool-no-args)', () => {
    const result = assembleStream(
      decode(namedEventStreamBody('anthropic-messages/anthropic-tool-no-args.chunks.txt')).events,
    );
    const choice = result.choices.get(0);
    expect(choice?.text).toBe("I'll update the issue list for you.");
    expect(choice?.toolCalls).toEqual([
      { id: 'toolu_01QE1WLsSVp5hy5Q3GmGTmjP', name: 'updateIssueList', arguments: '{}' },
    ]);
    expect(choice?.finishReason).toBe('tool-calls');
  });

  it('joins input_json_delta fragments into the exact arguments (anthropic-json-tool.2)', () => {
    const result = assembleStream(
      decode(namedEventStreamBody('anthropic-messages/anthropic-json-tool.2.chunks.txt')).events,
    );
    const call = result.choices.get(0)?.toolCalls[0];
    expect(call?.name).toBe('json');
    expect(JSON.parse(call?.arguments ?? '')).toBeTypeOf('object');
    expect(result.choices.get(0)?.text.length).toBeGreaterThan(0);
  });

  it('keeps thinking text and its signature (anthropic-clear-thinking.1)', () => {
    const decoded = decode(
      namedEventStreamBody('anthropic-messages/anthropic-clear-thinking.1.chunks.txt'),
    );
    const result = assembleStream(decoded.events);
    const choice = result.choices.get(0);
    expect(choice?.reasoning).toBe(
      'The previous result was 925. Now I need to divide that by 5.\n\n925 ÷ 5 = 185',
    );
    expect(choice?.signatures).toHaveLength(1);
    expect(choice?.signatures[0]).toMatch(/^EvQBCkYICxgCKkAxhD4N/);
    expect(choice?.text).toBe('925 ÷ 5 = 185');
    const starts = decoded.events.filter(
      (event) => event.type.endsWith('-start') && 'part' in event,
    );
    expect(starts.map((event) => event.type)).toEqual(['reasoning-start', 'text-start']);
  });

  it('reports a refusal with its explanation and a content-filter finish (anthropic-refusal)', () => {
    const result = assembleStream(
      decode(namedEventStreamBody('anthropic-messages/anthropic-refusal.chunks.txt')).events,
    );
    const choice = result.choices.get(0);
    expect(choice?.finishReason).toBe('content-filter');
    expect(choice?.refusal).toContain('violative cyber content');
    expect(choice?.text).toBe('');
  });

  it('ignores a duplicated message_start (duplicate-message-start)', () => {
    const decoded = decode(
      namedEventStreamBody('anthropic-messages/duplicate-message-start.chunks.txt'),
    );
    const result = assembleStream(decoded.events);
    expect(decoded.events.filter((event) => event.type === 'response-start')).toHaveLength(1);
    expect(result.choices.get(0)?.text).toBe('Hello, World!');
    expect(result.usage?.outputTokens.total).toBe(227);
    expect(result.usage?.inputTokens.total).toBe(17);
  });

  it('counts cache writes into the input total (code-execution prompt cache)', () => {
    const result = assembleStream(
      decode(
        namedEventStreamBody(
          'anthropic-messages/anthropic-code-execution-20260120-prompt-cache.1.chunks.txt',
        ),
      ).events,
    );
    const input = result.usage?.inputTokens;
    expect(input?.cacheWrite).toBeGreaterThan(0);
    expect(input?.total).toBeGreaterThanOrEqual((input?.cacheWrite ?? 0) + (input?.cacheRead ?? 0));
  });

  it('leaves out provider-run tool blocks but keeps the text around them (web search)', () => {
    const result = assembleStream(
      decode(namedEventStreamBody('anthropic-messages/anthropic-web-search-tool.1.chunks.txt'))
        .events,
    );
    const choice = result.choices.get(0);
    expect(choice?.toolCalls).toEqual([]);
    expect(choice?.text.length).toBeGreaterThan(100);
  });

  it('stops at the first message of a multi-message recording', () => {
    const decoded = decode(
      namedEventStreamBody('anthropic-messages/anthropic-tool-search-bm25.1.chunks.txt'),
    );
    expect(decoded.events.filter((event) => event.type === 'response-end')).toHaveLength(1);
    expect(decoded.events[decoded.events.length - 1]?.type).toBe('response-end');
  });
});

describe('AnthropicStreamDecoder on faults', () => {
  it('fails on an error event, keeping the events before it', () => {
    const body = events(
      start,
      { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hi' } },
      { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } },
    );
    const decoded = decode(body);
    expect(decoded.failure?.code).toBe('SB_ERR_UPSTREAM_ERROR');
    expect(decoded.failure?.publicMessage).not.toContain('Overloaded');
    expect(assembleStream(decoded.events).choices.get(0)?.text).toBe('Hi');
  });

  it('fails on an event that is not JSON', () => {
    const decoded = decode(`${events(start)}event: content_block_delta\ndata: {"type":\n\n`);
    expect(decoded.failure?.code).toBe('SB_ERR_UPSTREAM_INVALID_RESPONSE');
  });

  it('fails when the stream ends before the message finished', () => {
    const body = events(start, {
      type: 'content_block_start',
      index: 0,
      content_block: { type: 'text', text: 'partial' },
    });
    const decoded = decode(body);
    expect(decoded.failure?.code).toBe('SB_ERR_UPSTREAM_ERROR');
  });

  it('finishes without message_stop once the stop reason has come', () => {
    const body = events(
      start,
      { type: 'content_block_start', index: 0, content_block: { type: 'text', text: 'Done' } },
      { type: 'content_block_stop', index: 0 },
      { type: 'message_delta', delta: { stop_reason: 'max_tokens' }, usage: { output_tokens: 3 } },
    );
    const decoded = decode(body);
    expect(decoded.failure).toBeUndefined();
    expectValidEventOrder(decoded.events);
    expect(assembleStream(decoded.events).choices.get(0)?.finishReason).toBe('length');
  });

  it('decodes redacted thinking, a signature-only thinking block and a tool input given whole', () => {
    const body = events(
      start,
      {
        type: 'content_block_start',
        index: 0,
        content_block: { type: 'redacted_thinking', data: 'ENC' },
      },
      { type: 'content_block_stop', index: 0 },
      {
        type: 'content_block_start',
        index: 1,
        content_block: { type: 'thinking', thinking: '', signature: '' },
      },
      {
        type: 'content_block_delta',
        index: 1,
        delta: { type: 'signature_delta', signature: 'SIG' },
      },
      { type: 'content_block_stop', index: 1 },
      {
        type: 'content_block_start',
        index: 2,
        content_block: { type: 'tool_use', id: 'toolu_1', name: 'f', input: { a: 1 } },
      },
      {
        type: 'content_block_delta',
        index: 2,
        delta: { type: 'input_json_delta', partial_json: '{"a":2}' },
      },
      { type: 'content_block_stop', index: 2 },
      { type: 'message_delta', delta: { stop_reason: 'tool_use' }, usage: { output_tokens: 9 } },
      stop,
      start,
    );
    const decoded = decode(body);
    expect(decoded.failure).toBeUndefined();
    expectValidEventOrder(decoded.events);
    expect(decoded.events).toContainEqual({
      type: 'reasoning-start',
      choice: 0,
      part: 0,
      redactedData: 'ENC',
    });
    expect(decoded.events).toContainEqual({
      type: 'reasoning-end',
      choice: 0,
      part: 1,
      signature: 'SIG',
    });
    expect(assembleStream(decoded.events).choices.get(0)?.toolCalls[0]?.arguments).toBe('{"a":1}');
  });

  it('ignores comments, unknown events and deltas for unknown blocks', () => {
    const body = `: keep-alive\n\n${events(
      start,
      { type: 'content_block_delta', index: 5, delta: { type: 'text_delta', text: 'lost' } },
      { type: 'future_event' },
      { type: 'message_delta', delta: { stop_reason: 'end_turn' } },
      stop,
    )}`;
    const decoded = decode(body);
    expect(decoded.failure).toBeUndefined();
    expect(assembleStream(decoded.events).choices.get(0)?.text).toBe('');
  });
});

describe('parseTextDelta', () => {
  /** Index and text as a whole parse finds them, or undefined when the event is not a text delta. */
  const parsedWhole = (data: string): unknown => {
    const parsed = safeParseJson(data);
    if (!parsed.ok || !isJsonObject(parsed.value) || !isJsonObject(parsed.value.delta)) {
      return undefined;
    }
    return { index: parsed.value.index, text: parsed.value.delta.text };
  };
  const wire = (index: number, text: string): string =>
    JSON.stringify({ type: 'content_block_delta', index, delta: { type: 'text_delta', text } });

  it('gives the index and text JSON.parse gives for a text delta as Anthropic writes it', () => {
    fc.assert(
      fc.property(fc.nat(1000), fc.string({ unit: 'binary' }), (index, text) => {
        const data = wire(index, text);
        expect(parseTextDelta(data)).toEqual(parsedWhole(data));
      }),
    );
  });

  it('gives either nothing or the index and text JSON.parse gives, for any text around the pattern', () => {
    const pieces = fc.constantFrom(
      '{"type":"content_block_delta","index":',
      ',"delta":{"type":"text_delta","text":',
      '}}',
      '"',
      '\\"',
      '0',
      '01',
      '-1',
      ',"x":1',
      '"a"',
      '}',
      ' ',
    );
    fc.assert(
      fc.property(fc.array(pieces, { maxLength: 8 }), (parts) => {
        const data = parts.join('');
        const fast = parseTextDelta(data);
        if (fast !== undefined) expect(fast).toEqual(parsedWhole(data));
      }),
      { numRuns: 2000 },
    );
    expect(parseTextDelta(`${wire(0, 'a').slice(0, -2)},"extra":1}}`)).toBeUndefined();
    expect(parseTextDelta(wire(0, 'a').replace('"index":0', '"index":00'))).toBeUndefined();
    expect(parseTextDelta(wire(123456789, 'a'))).toEqual({ index: 123456789, text: 'a' });
    expect(parseTextDelta(wire(1234567890, 'a'))).toBeUndefined();
    expect(parseTextDelta(wire(0, 'a').replace('"a"', '"a\u0001"'))).toBeUndefined();
    expect(parseTextDelta(wire(0, 'a').replace('"a"', '"\\"'))).toBeUndefined();
    expect(parseTextDelta(wire(7, 'say "hi"\n'))).toEqual({ index: 7, text: 'say "hi"\n' });
    expect(
      parseTextDelta(
        '{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"a","b":"c"}}',
      ),
    ).toBeUndefined();
  });
});
