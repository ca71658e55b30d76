import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SseFrame } from '../lib/sse-frame.ts';
import { SseEventTooLargeError, SseParser } from './sse-parser.ts';

function parseWhole(text: string | Uint8Array): SseFrame[] {
  const parser = new SseParser();
  return [...parser.push(text), ...parser.end()];
}

function parseInPieces(bytes: Uint8Array, cuts: readonly number[]): SseFrame[] {
  const parser = new SseParser();
  const frames: SseFrame[] = [];
  let start = 0;
  for (const cut of [...cuts].sort((left, right) => left - right)) {
    frames.push(...parser.push(bytes.subarray(start, cut)));
    start = cut;
  }
  frames.push(...parser.push(bytes.subarray(start)), ...parser.end());
  return frames;
}

const event = (data: string, extra: Partial<{ event: string; id: string }> = {}): SseFrame => ({
  kind: 'event',
  event: extra.event,
  data,
  id: extra.id,
});

describe('SseParser', () => {
  it('parses LF-separated events', () => {
    expect(parseWhole('data: one\n\ndata: two\n\n')).toEqual([event('one'), event('two')]);
  });

  it('accepts CRLF and lone CR line endings alike', () => {
    const expected = [event('one'), event('two')];
    expect(parseWhole('data: one\r\n\r\ndata: two\r\n\r\n')).toEqual(expected);
    expect(parseWhole('data: one\r\rdata: two\r\r')).toEqual(expected);
  });

  it('joins multi-line data with a newline', () => {
    expect(parseWhole('data: first\ndata: second\n\n')).toEqual([event('first\nsecond')]);
    expect(parseWhole('data:\ndata: x\ndata:\n\ndata: next\n\n')).toEqual([
      event('\nx\n'),
      event('next'),
    ]);
  });

  it('keeps event names and ids, and strips only one leading space', () => {
    expect(parseWhole('event: message_start\nid: 7\ndata:  padded\n\n')).toEqual([
      event(' padded', { event: 'message_start', id: '7' }),
    ]);
  });

  it('accepts data without a space after the colon', () => {
    expect(parseWhole('data:{"a":1}\n\n')).toEqual([event('{"a":1}')]);
  });

  it('reports comment lines (keep-alives) as comments', () => {
    expect(parseWhole(': keep-alive\n\ndata: x\n\n')).toEqual([
      { kind: 'comment', text: ' keep-alive' },
      event('x'),
    ]);
  });

  it('reads a line without a colon as a field with an empty value, and names by exact case', () => {
    expect(
      parseWhole('data\n\nevent\ndata\ndata: x\n\nData: no\nevents: no\nid\ndata: y\n\n'),
    ).toEqual([event(''), event('\nx', { event: '' }), event('y', { id: '' })]);
  });

  it('ignores retry and unknown fields, and events without data', () => {
    expect(parseWhole('retry: 1000\nfoo: bar\n\nevent: ping\n\ndata: y\n\n')).toEqual([event('y')]);
  });

  it('dispatches a final event that lacks its blank line when the stream ends', () => {
    expect(parseWhole('data: tail')).toEqual([event('tail')]);
  });

  it('handles a CRLF pair split between two chunks as one line ending', () => {
    const parser = new SseParser();
    const frames = [
      ...parser.push('data: a\r'),
      ...parser.push('\n\r'),
      ...parser.push('\ndata: b\r\n\r\n'),
    ];
    expect(frames).toEqual([event('a'), event('b')]);
  });

  it('decodes a UTF-8 character split across chunks', () => {
    const bytes = Buffer.from('data: héllo 🌍\n\n', 'utf8');
    const split = bytes.indexOf(0xf0) + 2;
    expect(parseInPieces(bytes, [split])).toEqual([event('héllo 🌍')]);
  });

  it('gives the same frames whole, event by event and byte by byte', () => {
    const text =
      'event: a\r\ndata: {"x":"ü"}\r\n\r\n: ping\n\ndata: line1\ndata: line2\n\ndata: [DONE]\n\n';
    const bytes = Buffer.from(text, 'utf8');
    const whole = parseWhole(bytes);
    const byteCuts = Array.from({ length: bytes.length - 1 }, (_, index) => index + 1);
    expect(parseInPieces(bytes, byteCuts)).toEqual(whole);
    expect(whole).toHaveLength(4);
  });

  it('gives the same frames for any split of the body (property)', () => {
    const frameText = fc.oneof(
      fc
        .string({ unit: 'grapheme', maxLength: 30 })
        .map((value) => `data: ${value.replace(/[\r\n]/g, ' ')}`),
      fc.constantFrom('event: delta', ': comment', 'id: 12', 'data:', 'retry: 5'),
    );
    const body = fc
      .tuple(
        fc.array(fc.array(frameText, { minLength: 1, maxLength: 4 }), { maxLength: 6 }),
        fc.constantFrom('\n', '\r\n', '\r'),
      )
      .map(([events, newline]) =>
        events.map((lines) => lines.join(newline) + newline + newline).join(''),
      );
    fc.assert(
      fc.property(body, fc.array(fc.nat(), { maxLength: 12 }), (text, rawCuts) => {
        const bytes = Buffer.from(text, 'utf8');
        const cuts = rawCuts.map((cut) => (bytes.length === 0 ? 0 : cut % bytes.length));
        expect(parseInPieces(bytes, cuts)).toEqual(parseWhole(bytes));
      }),
    );
  });

  it('refuses an event larger than the cap, whether in one line or many', () => {
    const oneLine = new SseParser({ maxEventSize: 16 });
    expect(() => oneLine.push(`data: ${'x'.repeat(40)}`)).toThrow(SseEventTooLargeError);
    const manyLines = new SseParser({ maxEventSize: 16 });
    expect(() => manyLines.push('data: aaaaaa\ndata: bbbbbb\ndata: cccccc\n')).toThrow(
      SseEventTooLargeError,
    );
  });

  it('parses a long unterminated line fed in small chunks in linear time', () => {
    const parser = new SseParser({ maxEventSize: 4 * 1024 * 1024 });
    const piece = 'x'.repeat(1024);
    for (let index = 0; index < 2048; index += 1) {
      expect(parser.push(index === 0 ? `data: ${piece}` : piece)).toEqual([]);
    }
    const frames = parser.push('\n\n');
    expect(frames).toHaveLength(1);
    expect(frames[0]?.kind === 'event' ? frames[0].data.length : 0).toBe(2048 * 1024);
  });
});
