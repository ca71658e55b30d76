import { EventStreamCodec } from '@smithy/eventstream-codec';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  assembleStream,
  decodeWireBody,
  expectValidEventOrder,
  type DecodedStream,
} from '../../test/helpers/canonical-stream.ts';
import { fuzzParameters, readFuzzCorpus } from '../../test/helpers/fuzz-settings.ts';
import {
  listRecordings,
  namedEventStreamBody,
  openAiChatStreamBody,
  readChunkLines,
} from '../../test/helpers/provider-recordings.ts';
import type { ChatStreamEvent } from '../canonical/chat-stream-event.ts';
import type { DialectId } from '../canonical/dialect-id.ts';
import type { ModelOperation } from '../canonical/model-operation.ts';
import { GatewayError } from '../errors/gateway-error.ts';
import { isJsonObject, safeParseJson } from '../lib/json.ts';
import type { UpstreamFrame } from '../lib/upstream-frame.ts';
import { createFrameParser } from '../upstream/frame-parsers.ts';
import type { DialectCodec } from './dialect-codec.ts';
import { getDialectCodec } from './dialect-registry.ts';

const dialects: readonly DialectId[] = [
  'openai-chat',
  'anthropic-messages',
  'openai-responses',
  'bedrock-converse',
  'cohere-chat',
  'gemini-generate-content',
  'mistral-chat',
];
const codecs = dialects.map((id) => ({ id, codec: getDialectCodec(id) }));
const ingressCodecs = codecs.filter((entry) => entry.codec.ingress !== undefined);
const operations: readonly ModelOperation[] = ['chat', 'embeddings', 'count-tokens'];

/** Runs `action`; anything thrown that is not a GatewayError fails the property. */
function onlyGatewayErrors<T>(action: () => T): T | GatewayError {
  try {
    return action();
  } catch (error) {
    if (!(error instanceof GatewayError)) {
      throw new Error(`threw something other than a GatewayError: ${String(error)}`, {
        cause: error,
      });
    }
    return error;
  }
}

function expectPrototypesUntouched(): void {
  expect(Object.keys(Object.prototype)).toEqual([]);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect(Object.keys(Array.prototype)).toEqual([]);
}

// Keys and values the wire formats use, so random documents reach deep into the decoders
// instead of stopping at the first missing field.
const wireKeys = [
  'model',
  'messages',
  'role',
  'content',
  'type',
  'text',
  'input',
  'instructions',
  'system',
  'tools',
  'tool_choice',
  'function',
  'name',
  'arguments',
  'parameters',
  'tool_calls',
  'id',
  'tool_call_id',
  'call_id',
  'output',
  'image_url',
  'url',
  'source',
  'data',
  'media_type',
  'max_tokens',
  'max_completion_tokens',
  'max_output_tokens',
  'stream',
  'stream_options',
  'include_usage',
  'temperature',
  'top_p',
  'n',
  'stop',
  'seed',
  'response_format',
  'json_schema',
  'schema',
  'strict',
  'format',
  'metadata',
  'user',
  'thinking',
  'budget_tokens',
  'reasoning',
  'effort',
  'reasoning_effort',
  'signature',
  'tool_use_id',
  'is_error',
  'cache_control',
  'file',
  'file_id',
  'filename',
  'file_data',
  'input_audio',
  'encoding_format',
  'dimensions',
  'choices',
  'delta',
  'index',
  'finish_reason',
  'usage',
  'prompt_tokens',
  'completion_tokens',
  'input_tokens',
  'output_tokens',
  'candidates',
  'parts',
  'functionCall',
  'usageMetadata',
  'contentBlockDelta',
  'contentBlockStart',
  'messageStop',
  'stopReason',
  'metadata',
  'delta',
  'content_block',
  'message',
  'stop_reason',
  'error',
  'response',
  'item',
  'output_index',
  'content_index',
  'item_id',
  'status',
  'refusal',
  'annotations',
  'logprobs',
  'toolUse',
  'toolUseId',
  'contentBlockIndex',
  'inputTokens',
  'outputTokens',
  'totalTokens',
  '__proto__',
  'constructor',
  'prototype',
];
const wireStrings = [
  'user',
  'assistant',
  'system',
  'developer',
  'tool',
  'function',
  'text',
  'image_url',
  'image',
  'input_text',
  'input_image',
  'output_text',
  'message',
  'function_call',
  'function_call_output',
  'tool_use',
  'tool_result',
  'thinking',
  'redacted_thinking',
  'document',
  'json_object',
  'json_schema',
  'auto',
  'none',
  'required',
  'any',
  'base64',
  'image/png',
  'data:image/png;base64,AA==',
  'message_start',
  'content_block_start',
  'content_block_delta',
  'content_block_stop',
  'message_delta',
  'message_stop',
  'text_delta',
  'input_json_delta',
  'thinking_delta',
  'response.created',
  'response.output_text.delta',
  'response.completed',
  'response.failed',
  'response.output_item.added',
  'response.function_call_arguments.delta',
  'message-start',
  'content-delta',
  'content-end',
  'message-end',
  'tool-call-start',
  'stop',
  'length',
  'tool_calls',
  'end_turn',
  'max_tokens',
  'STOP',
  'SAFETY',
  'MAX_TOKENS',
  '[DONE]',
  '',
  '..',
  '%2e',
  '\u0000',
  '{"a":1}',
  'high',
  'low',
  'enabled',
  'disabled',
];

const leaf = fc.oneof(
  fc.constantFrom(...wireStrings),
  fc.string({ maxLength: 12 }),
  fc.integer({ min: -3, max: 70_000 }),
  fc.constantFrom(0, -1, 1.5, 1e308, Number.MAX_SAFE_INTEGER + 2, true, false, null),
);
const { wireValue } = fc.letrec<{ wireValue: unknown }>((tie) => ({
  wireValue: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.array(tie('wireValue'), { maxLength: 4 }),
    fc.dictionary(
      fc.oneof(fc.constantFrom(...wireKeys), fc.string({ maxLength: 6 })),
      tie('wireValue'),
      {
        maxKeys: 6,
      },
    ),
  ),
}));
/** A request-like document: an object with a model and wire keys, most of the time. */
const wireDocument = fc.oneof(
  {
    arbitrary: fc
      .json({ maxDepth: 4 })
      .map((text) => safeParseJson(text))
      .map((r) => (r.ok ? r.value : null)),
    weight: 1,
  },
  { arbitrary: wireValue, weight: 1 },
  {
    arbitrary: fc
      .tuple(
        fc.constantFrom('m', 'gpt-4o', ''),
        fc.dictionary(fc.constantFrom(...wireKeys), wireValue, { maxKeys: 8 }),
      )
      .map(([model, rest]) => ({ model, ...rest })),
    weight: 4,
  },
);
const toText = (value: unknown): string => JSON.stringify(value);

describe('ingress request decoders (properties)', () => {
  const corpus = readFuzzCorpus('dialect-requests');

  function decodeEverything(codec: DialectCodec, text: string): void {
    const ingress = codec.ingress;
    if (ingress === undefined) return;
    for (const operation of operations) {
      const envelope = onlyGatewayErrors(() => ingress.decodeRequest(text, operation));
      if (envelope instanceof GatewayError) continue;
      if (operation !== 'embeddings') {
        onlyGatewayErrors(() => ingress.toChatRequest(envelope));
        onlyGatewayErrors(() => ingress.readResponseFormat(envelope));
      }
    }
  }

  it.each(corpus.flatMap((entry) => ingressCodecs.map((codec) => ({ ...entry, ...codec }))))(
    'corpus $name through $id: a decoded request or a GatewayError',
    ({ codec, text }) => {
      decodeEverything(codec, text);
      expectPrototypesUntouched();
    },
  );

  it.each(ingressCodecs)('$id throws nothing but GatewayError on arbitrary JSON', ({ codec }) => {
    fc.assert(
      fc.property(wireDocument, (document) => {
        decodeEverything(codec, toText(document));
        expectPrototypesUntouched();
      }),
      fuzzParameters(400),
    );
  });

  it.each(ingressCodecs)('$id throws nothing but GatewayError on arbitrary text', ({ codec }) => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 60 }), (text) =>
        decodeEverything(codec, text),
      ),
      fuzzParameters(200),
    );
  });
});

describe('egress response decoders and error readers (properties)', () => {
  it.each(codecs)('$id: decodeResponse gives an answer or a GatewayError', ({ codec }) => {
    fc.assert(
      fc.property(wireDocument, (document) => {
        onlyGatewayErrors(() => codec.egress.decodeResponse(document));
        expectPrototypesUntouched();
      }),
      fuzzParameters(300),
    );
  });

  it.each(codecs)('$id: readErrorFacts and pass-through readers never throw', ({ codec }) => {
    fc.assert(
      fc.property(
        fc.oneof(wireDocument.map(toText), fc.string({ maxLength: 40 })),
        fc.dictionary(
          fc.constantFrom('retry-after', 'x-amzn-errortype', 'x-ratelimit-reset'),
          fc.string({ maxLength: 8 }),
        ),
        (text, headers) => {
          codec.readErrorFacts(text, headers);
          const parsed = safeParseJson(text);
          if (codec.passThrough !== undefined && parsed.ok) {
            codec.passThrough.readResponseUsage(parsed.value);
            codec.passThrough.readFinishReasons(parsed.value);
          }
        },
      ),
      fuzzParameters(300),
    );
  });
});

const eventStreamCodec = new EventStreamCodec(toUtf8, fromUtf8);

/** A frame as each framing delivers it: SSE events and comments, or binary event-stream messages. */
const sseFrame: fc.Arbitrary<UpstreamFrame> = fc.oneof(
  fc.record({
    kind: fc.constant('event' as const),
    event: fc.option(fc.constantFrom(...wireStrings), { nil: undefined }),
    data: fc.oneof(wireValue.map(toText), fc.constantFrom('[DONE]', '', '{', 'null')),
    id: fc.constant(undefined),
  }),
  fc.record({ kind: fc.constant('comment' as const), text: fc.string({ maxLength: 5 }) }),
);
const binaryFrame: fc.Arbitrary<UpstreamFrame> = fc.record({
  kind: fc.constant('binary' as const),
  headers: fc.record({
    ':event-type': fc.constantFrom(
      'messageStart',
      'contentBlockStart',
      'contentBlockDelta',
      'contentBlockStop',
      'messageStop',
      'metadata',
      'other',
    ),
    ':message-type': fc.constantFrom('event', 'exception', 'error'),
  }),
  payload: wireValue.map((value) => new Uint8Array(Buffer.from(toText(value), 'utf8'))),
});

function runDecoder(codec: DialectCodec, frames: readonly UpstreamFrame[]): DecodedStream {
  const decoder = codec.egress.createStreamDecoder();
  const events: ChatStreamEvent[] = [];
  for (const frame of frames) {
    const step = decoder.push(frame);
    events.push(...step.events);
    if (step.failure !== undefined) return { events, failure: step.failure };
  }
  const last = decoder.end();
  return { events: [...events, ...last.events], failure: last.failure };
}

describe('stream decoders on arbitrary frames (properties)', () => {
  it.each(codecs)(
    '$id never throws, and a stream it completes keeps the event order',
    ({ codec }) => {
      const frame = codec.egress.framing === 'aws-event-stream' ? binaryFrame : sseFrame;
      fc.assert(
        fc.property(fc.array(frame, { maxLength: 12 }), (frames) => {
          const decoded = runDecoder(codec, frames);
          if (decoded.failure === undefined) expectValidEventOrder(decoded.events);
          else expect(decoded.failure).toBeInstanceOf(GatewayError);
        }),
        fuzzParameters(300),
      );
    },
  );

  it.each(codecs.filter((entry) => entry.codec.passThrough !== undefined))(
    '$id stream tap never throws on arbitrary frames',
    ({ codec }) => {
      fc.assert(
        fc.property(
          fc.array(sseFrame, { maxLength: 12 }),
          fc.boolean(),
          (frames, stripUsageChunk) => {
            const tap = codec.passThrough?.createStreamTap({ stripUsageChunk });
            for (const frame of frames) {
              const output = tap?.push(frame);
              if (output?.kind === 'fail') expect(output.error).toBeInstanceOf(GatewayError);
            }
          },
        ),
        fuzzParameters(200),
      );
    },
  );
});

/** Recorded provider streams, as wire bytes, by the dialect that decodes them. */
function bedrockBody(path: string): Uint8Array {
  return Buffer.concat(
    readChunkLines(path).map((line) => {
      const parsed = safeParseJson(line);
      const [entry] = parsed.ok && isJsonObject(parsed.value) ? Object.entries(parsed.value) : [];
      return eventStreamCodec.encode({
        headers: {
          ':event-type': { type: 'string', value: entry?.[0] ?? 'unknown' },
          ':message-type': { type: 'string', value: 'event' },
        },
        body: fromUtf8(JSON.stringify(entry?.[1] ?? {})),
      });
    }),
  );
}
const recordedStreams: { dialect: DialectId; file: string; body: () => Uint8Array }[] = [
  ...['openai-chat/alibaba', 'openai-chat/groq', 'openai-chat/openai', 'openai-chat/xai'].flatMap(
    (folder) =>
      listRecordings(folder, '.chunks.txt').map((file) => ({
        dialect: 'openai-chat' as const,
        file,
        body: () => Buffer.from(openAiChatStreamBody(file)),
      })),
  ),
  ...listRecordings('mistral-chat', '.chunks.txt').map((file) => ({
    dialect: 'mistral-chat' as const,
    file,
    body: () => Buffer.from(openAiChatStreamBody(file)),
  })),
  ...listRecordings('gemini-generate-content', '.chunks.txt').map((file) => ({
    dialect: 'gemini-generate-content' as const,
    file,
    body: () => Buffer.from(openAiChatStreamBody(file, { done: false })),
  })),
  ...(
    [
      ['anthropic-messages', 'anthropic-messages'],
      ['cohere-chat', 'cohere-chat'],
      ['openai-responses', 'openai-responses/openai'],
      ['openai-responses', 'azure-openai'],
    ] as const
  ).flatMap(([dialect, folder]) =>
    listRecordings(folder, '.chunks.txt').map((file) => ({
      dialect,
      file,
      body: () => Buffer.from(namedEventStreamBody(file)),
    })),
  ),
  ...listRecordings('bedrock-converse', '.chunks.txt').map((file) => ({
    dialect: 'bedrock-converse' as const,
    file,
    body: () => bedrockBody(file),
  })),
];

/** Decodes `bytes` cut at `cuts` through the dialect's frame parser; the failure reduced to its code. */
function decodeSliced(dialect: DialectId, bytes: Uint8Array, cuts: readonly number[]) {
  const codec = getDialectCodec(dialect);
  const parser = createFrameParser(codec.egress.framing);
  const decoder = codec.egress.createStreamDecoder();
  const points = [...new Set(cuts.map((cut) => cut % Math.max(bytes.length, 1)))].sort(
    (a, b) => a - b,
  );
  const pieces: Uint8Array[] = [];
  let start = 0;
  for (const point of [...points, bytes.length]) {
    pieces.push(bytes.subarray(start, point));
    start = point;
  }
  const events: ChatStreamEvent[] = [];
  const finish = (failure: GatewayError | undefined) => ({ events, failure: failure?.code });
  try {
    for (const piece of pieces) {
      for (const frame of parser.push(piece)) {
        const step = decoder.push(frame);
        events.push(...step.events);
        if (step.failure !== undefined) return finish(step.failure);
      }
    }
    for (const frame of parser.end()) {
      const step = decoder.push(frame);
      events.push(...step.events);
      if (step.failure !== undefined) return finish(step.failure);
    }
  } catch (error) {
    // Framing errors belong to the frame parser (the relay maps them); the decoder must not throw.
    return { events, failure: error instanceof Error ? `thrown ${error.name}` : 'thrown' };
  }
  const last = decoder.end();
  events.push(...last.events);
  return finish(last.failure);
}

describe('stream decoders fed recorded streams whole, byte by byte and in slices (properties)', () => {
  it('covers every dialect that has recordings', () => {
    expect(new Set(recordedStreams.map((entry) => entry.dialect))).toEqual(new Set(dialects));
  });

  it.each(recordedStreams)('$dialect $file', ({ dialect, body }) => {
    const bytes = body();
    const whole = decodeSliced(dialect, bytes, []);
    expect(whole.failure?.startsWith('thrown') ?? false).toBe(false);
    expect(
      decodeSliced(
        dialect,
        bytes,
        Array.from({ length: bytes.length }, (_, n) => n),
      ),
    ).toEqual(whole);
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 30 }), (cuts) => {
        expect(decodeSliced(dialect, bytes, cuts)).toEqual(whole);
      }),
      fuzzParameters(25),
    );
  });

  it('never throws on damaged recordings (bytes flipped, dropped, duplicated, cut short)', () => {
    const streams = recordedStreams.filter((entry) => entry.dialect !== 'bedrock-converse');
    fc.assert(
      fc.property(
        fc.constantFrom(...streams),
        fc.array(
          fc.tuple(fc.constantFrom('flip', 'drop', 'duplicate', 'truncate'), fc.nat(), fc.nat(255)),
          {
            minLength: 1,
            maxLength: 4,
          },
        ),
        fc.array(fc.nat(), { maxLength: 6 }),
        ({ dialect, body }, damages, cuts) => {
          let bytes = Uint8Array.from(body());
          for (const [kind, at, value] of damages) {
            const index = at % Math.max(bytes.length, 1);
            if (kind === 'flip') bytes[index] = value;
            if (kind === 'drop')
              bytes = Uint8Array.from([...bytes.subarray(0, index), ...bytes.subarray(index + 40)]);
            if (kind === 'duplicate')
              bytes = Uint8Array.from([...bytes.subarray(0, index + 60), ...bytes.subarray(index)]);
            if (kind === 'truncate') bytes = bytes.subarray(0, index);
          }
          const whole = decodeSliced(dialect, bytes, []);
          expect(whole.failure ?? '').not.toMatch(/^thrown/);
          if (whole.failure === undefined) expectValidEventOrder(whole.events);
          expect(decodeSliced(dialect, bytes, cuts)).toEqual(whole);
        },
      ),
      fuzzParameters(300),
    );
  });
});

describe('ingress stream encoder then egress stream decoder round trip (properties)', () => {
  const context = { requestedModel: 'alias', includeUsage: false, now: 1_770_000_000_000 };
  it.each(ingressCodecs)(
    '$id gives back the text and finish reason, however the wire is split',
    ({ id, codec }) => {
      fc.assert(
        fc.property(
          fc.array(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }), {
            minLength: 1,
            maxLength: 6,
          }),
          fc.constantFrom('stop' as const, 'length' as const),
          fc.array(fc.nat(), { maxLength: 10 }),
          (deltas, finishReason, cuts) => {
            const encoder = codec.ingress?.createStreamEncoder(context);
            const events: ChatStreamEvent[] = [
              { type: 'response-start', id: 'resp_1', model: 'm' },
              { type: 'text-start', choice: 0, part: 0 },
              ...deltas.map((delta) => ({
                type: 'text-delta' as const,
                choice: 0,
                part: 0,
                delta,
              })),
              { type: 'text-end', choice: 0, part: 0 },
              {
                type: 'choice-end',
                choice: 0,
                finishReason: { unified: finishReason, raw: undefined },
              },
              { type: 'response-end' },
            ];
            const wire = Buffer.from(
              events.map((event) => encoder?.push(event) ?? '').join(''),
              'utf8',
            );
            const decoded = decodeSliced(id, wire, cuts);
            expect(decoded.failure).toBeUndefined();
            expectValidEventOrder(decoded.events);
            const choice = assembleStream(decoded.events).choices.get(0);
            expect(choice?.text).toBe(deltas.join(''));
            expect(choice?.finishReason).toBe(finishReason);
          },
        ),
        fuzzParameters(200),
      );
    },
  );
});

// decodeWireBody is the helper the per-dialect tests use; checked here against decodeSliced so the
// two ways of feeding a decoder cannot drift apart.
it('decodeSliced agrees with decodeWireBody on a recording', () => {
  const [first] = recordedStreams;
  if (first === undefined) throw new Error('no recordings');
  const viaHelper = decodeWireBody(
    getDialectCodec(first.dialect).egress.createStreamDecoder(),
    first.body(),
  );
  expect(decodeSliced(first.dialect, first.body(), []).events).toEqual(viaHelper.events);
});
