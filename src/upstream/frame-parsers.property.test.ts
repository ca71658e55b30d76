import { EventStreamCodec } from '@smithy/eventstream-codec';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fuzzParameters, readFuzzCorpus } from '../../test/helpers/fuzz-settings.ts';
import type { UpstreamFrame } from '../lib/upstream-frame.ts';
import { AwsEventStreamParser, EventStreamFramingError } from './aws-event-stream-parser.ts';
import { createFrameParser, type FrameParser } from './frame-parsers.ts';
import { SseEventTooLargeError, SseParser } from './sse-parser.ts';

// Extends the split property in sse-parser.test.ts (structured text, random cuts) to arbitrary
// bytes, a model of the format, the size cap, and the binary AWS event-stream framing.

/** Feeds `bytes` cut at `cuts` (any numbers; taken modulo the length) and returns every frame. */
function parseInPieces(parser: FrameParser, bytes: Uint8Array, cuts: readonly number[]) {
  const points = [...new Set(cuts.map((cut) => (bytes.length === 0 ? 0 : cut % bytes.length)))];
  points.sort((a, b) => a - b);
  const frames: UpstreamFrame[] = [];
  let start = 0;
  for (const point of [...points, bytes.length]) {
    frames.push(...parser.push(bytes.subarray(start, point)));
    start = point;
  }
  frames.push(...parser.end());
  return frames;
}

/** Frames, or the error's class name, of one whole-body parse with `make()`. */
function outcome(make: () => FrameParser, bytes: Uint8Array, cuts: readonly number[]) {
  try {
    return { frames: parseInPieces(make(), bytes, cuts) };
  } catch (error) {
    return { error: error instanceof Error ? error.name : 'non-Error' };
  }
}

const byteByByte = (bytes: Uint8Array): number[] =>
  Array.from({ length: bytes.length }, (_, n) => n);

const sseBodies = readFuzzCorpus('sse').map((entry) => ({
  name: entry.name,
  bytes: new Uint8Array(Buffer.from(entry.text, 'latin1')),
}));

/** Bytes biased towards what matters to the parser: line endings, colons, spaces, UTF-8 lead bytes. */
const sseByte = fc.oneof(
  fc.constantFrom(0x0a, 0x0d, 0x3a, 0x20, 0x00, 0xc3, 0xa9, 0xe2, 0x82, 0xf0, 0x9f),
  fc.constantFrom(...Buffer.from('dataeventidretry')),
  fc.integer({ min: 0, max: 255 }),
);
const sseBytes = fc
  .uint8Array({ maxLength: 300 })
  .chain((noise) =>
    fc
      .array(sseByte, { maxLength: 300 })
      .map((biased) => Uint8Array.from([...biased, ...noise.subarray(0, 40)])),
  );

describe('SseParser (properties)', () => {
  it.each(sseBodies)('corpus $name: same frames whole, byte by byte and split', ({ bytes }) => {
    const whole = outcome(() => new SseParser(), bytes, []);
    expect(whole.frames).toBeDefined();
    expect(outcome(() => new SseParser(), bytes, byteByByte(bytes))).toEqual(whole);
    expect(outcome(() => new SseParser(), bytes, [1, 5, 9])).toEqual(whole);
  });

  it('gives identical frames for arbitrary bytes whole, byte by byte and in random slices', () => {
    fc.assert(
      fc.property(sseBytes, fc.array(fc.nat(), { maxLength: 20 }), (bytes, cuts) => {
        const whole = outcome(() => new SseParser(), bytes, []);
        expect(whole.frames).toBeDefined();
        expect(outcome(() => new SseParser(), bytes, byteByByte(bytes))).toEqual(whole);
        expect(outcome(() => new SseParser(), bytes, cuts)).toEqual(whole);
      }),
      fuzzParameters(300),
    );
  });

  it('parses back exactly the events a writer following the format produced', () => {
    const line = fc
      .string({ unit: 'grapheme', maxLength: 20 })
      .map((text) => text.replace(/[\r\n]/g, ''));
    const event = fc.record({
      event: fc.option(
        line.filter((text) => !text.startsWith(' ')),
        { nil: undefined },
      ),
      dataLines: fc.array(line, { minLength: 1, maxLength: 4 }),
      id: fc.option(
        line.map((text) => text.replace(/^ |\0/g, '')),
        { nil: undefined },
      ),
      comment: fc.option(line, { nil: undefined }),
    });
    fc.assert(
      fc.property(
        fc.array(event, { maxLength: 8 }),
        fc.constantFrom('\n', '\r', '\r\n'),
        fc.array(fc.nat(), { maxLength: 10 }),
        (events, eol, cuts) => {
          const text = events
            .map((entry) =>
              [
                ...(entry.comment === undefined ? [] : [`:${entry.comment}`]),
                ...(entry.event === undefined ? [] : [`event: ${entry.event}`]),
                ...(entry.id === undefined ? [] : [`id: ${entry.id}`]),
                ...entry.dataLines.map((data) => `data: ${data}`),
              ]
                .map((item) => item + eol)
                .join(''),
            )
            .join(eol);
          const frames = parseInPieces(new SseParser(), Buffer.from(text, 'utf8'), cuts);
          const expected = events.flatMap((entry) => [
            ...(entry.comment === undefined ? [] : [{ kind: 'comment', text: entry.comment }]),
            { kind: 'event', event: entry.event, data: entry.dataLines.join('\n'), id: entry.id },
          ]);
          expect(frames).toEqual(expected);
        },
      ),
      fuzzParameters(300),
    );
  });

  it('with a small cap, either refuses with SseEventTooLargeError or keeps every event under it', () => {
    fc.assert(
      fc.property(sseBytes, fc.integer({ min: 1, max: 64 }), (bytes, cap) => {
        try {
          const frames = parseInPieces(
            new SseParser({ maxEventSize: cap }),
            bytes,
            byteByByte(bytes),
          );
          for (const frame of frames) {
            if (frame.kind === 'event') expect(frame.data.length).toBeLessThanOrEqual(cap);
          }
        } catch (error) {
          expect(error).toBeInstanceOf(SseEventTooLargeError);
        }
      }),
      fuzzParameters(300),
    );
  });
});

const codec = new EventStreamCodec(toUtf8, fromUtf8);

const headerText = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 });
const awsMessage = fc.record({
  headers: fc.dictionary(
    headerText,
    fc.oneof(
      headerText.map((value) => ({ type: 'string' as const, value })),
      fc.integer().map((value) => ({ type: 'integer' as const, value })),
      fc.boolean().map((value) => ({ type: 'boolean' as const, value })),
    ),
    { maxKeys: 4 },
  ),
  body: fc.uint8Array({ maxLength: 200 }),
});

function hexCorpus(target: string) {
  return readFuzzCorpus(target).map((entry) => ({
    name: entry.name,
    bytes: new Uint8Array(Buffer.from(entry.text.replace(/\s+/g, ''), 'hex')),
  }));
}

const framings = ['aws-event-stream', 'bedrock-invoke-chunks'] as const;

describe('AwsEventStreamParser and the Bedrock chunk framing (properties)', () => {
  it.each(hexCorpus('aws-event-stream'))(
    'corpus $name: same result however it is split',
    ({ bytes }) => {
      for (const framing of framings) {
        const make = () => createFrameParser(framing);
        const whole = outcome(make, bytes, []);
        if (whole.error !== undefined) expect(whole.error).toBe('EventStreamFramingError');
        expect(outcome(make, bytes, byteByByte(bytes))).toEqual(whole);
        expect(outcome(make, bytes, [3, 12, 40])).toEqual(whole);
      }
    },
  );

  it('gives back every message, with its string headers and body, however the bytes are split', () => {
    fc.assert(
      fc.property(
        fc.array(awsMessage, { maxLength: 5 }),
        fc.array(fc.nat(), { maxLength: 20 }),
        (messages, cuts) => {
          const bytes = Buffer.concat(messages.map((message) => codec.encode(message)));
          const expected = messages.map((message) => ({
            kind: 'binary',
            headers: Object.fromEntries(
              Object.entries(message.headers).flatMap(([name, header]) =>
                header.type === 'string' ? [[name, header.value]] : [],
              ),
            ),
            payload: message.body,
          }));
          const normalise = (frames: UpstreamFrame[]) =>
            frames.map((frame) =>
              frame.kind === 'binary'
                ? { ...frame, payload: Uint8Array.from(frame.payload) }
                : frame,
            );
          expect(normalise(parseInPieces(new AwsEventStreamParser(), bytes, cuts))).toEqual(
            expected,
          );
          expect(
            normalise(parseInPieces(new AwsEventStreamParser(), bytes, byteByByte(bytes))),
          ).toEqual(expected);
        },
      ),
      fuzzParameters(200),
    );
  });

  it('refuses any single flipped bit of a valid stream with EventStreamFramingError', () => {
    fc.assert(
      fc.property(
        fc.array(awsMessage, { minLength: 1, maxLength: 3 }),
        fc.nat(),
        fc.nat(7),
        (messages, at, bit) => {
          const bytes = Uint8Array.from(
            Buffer.concat(messages.map((message) => codec.encode(message))),
          );
          const index = at % bytes.length;
          bytes[index] = (bytes[index] ?? 0) ^ (1 << bit);
          expect(() => parseInPieces(new AwsEventStreamParser(), bytes, [])).toThrow(
            EventStreamFramingError,
          );
        },
      ),
      fuzzParameters(300),
    );
  });

  it('throws nothing but EventStreamFramingError on arbitrary bytes, in any framing and any split', () => {
    const prefixed = fc
      .tuple(fc.array(awsMessage, { maxLength: 2 }), fc.uint8Array({ maxLength: 80 }))
      .map(([messages, tail]) =>
        Uint8Array.from(Buffer.concat([...messages.map((m) => codec.encode(m)), tail])),
      );
    fc.assert(
      fc.property(
        fc.oneof(fc.uint8Array({ maxLength: 200 }), prefixed),
        fc.constantFrom(...framings),
        fc.array(fc.nat(), { maxLength: 8 }),
        (bytes, framing, cuts) => {
          const make = () => createFrameParser(framing);
          const whole = outcome(make, bytes, []);
          if (whole.error !== undefined) expect(whole.error).toBe('EventStreamFramingError');
          expect(outcome(make, bytes, cuts)).toEqual(whole);
        },
      ),
      fuzzParameters(300),
    );
  });
});
