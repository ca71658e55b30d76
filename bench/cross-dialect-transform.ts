// Cross-dialect stream translation cost: what turning an Anthropic Messages stream into OpenAI
// chat completion chunks costs the event loop per token, without sockets. The body is the mock
// provider's own wire text for a long answer, cut into socket-sized reads (64 KB by default: the
// gateway's reads of this stream from the mock on loopback were 30 to 62 KB), and goes through
// the same frame parser, transformer and relay a streamed request uses.
//
// Run: npm run bench:cross-dialect -- [--tokens N] [--read-bytes N] [--streams N] [--rounds N]
// (the script runs with the young generation `signalbox serve` sets: --max-semi-space-size=8).
import { parseArgs } from 'node:util';
import type { IngressCodec } from '../src/dialects/dialect-codec.ts';
import { getDialectCodec } from '../src/dialects/dialect-registry.ts';
import { encodeMockAnthropicEvents } from '../src/mock-provider/apis/anthropic-messages-mock-wire.ts';
import type { MockChatReply } from '../src/mock-provider/mock-chat-reply.ts';
import { createFrameParser } from '../src/upstream/frame-parsers.ts';
import { relayUpstreamStream, type RelayedBody } from '../src/upstream/relay-upstream-stream.ts';
import { TranslatingTransformer } from '../src/upstream/stream-transformers.ts';
import { median } from './sample-statistics.ts';

const { values } = parseArgs({
  options: {
    tokens: { type: 'string', default: '2000' },
    'read-bytes': { type: 'string', default: '65536' },
    streams: { type: 'string', default: '200' },
    rounds: { type: 'string', default: '7' },
  },
});
const tokenCount = Number(values.tokens);
const readBytes = Number(values['read-bytes']);
const streamsPerRound = Number(values.streams);
const rounds = Number(values.rounds);

/** Prose with the characters a real answer has: punctuation, quotes, newlines, non-ASCII. */
const prose =
  'The gateway reads each event as it arrives, translates it, and writes it to the client. ' +
  'It says "hello" to the caller\nand keeps going: naïve café façade — 東京 — ✓ done.\n\n';
const words = prose.split(/(?<=\s)/);

function mockReply(): MockChatReply {
  return {
    tokens: Array.from({ length: tokenCount }, (_, index) => words[index % words.length] ?? ' '),
    toolCalls: [],
    finishReason: 'stop',
    promptTokens: 12,
    completionTokens: tokenCount,
    directives: {},
  };
}

/** The stream's body as the mock writes it, cut into reads of `readBytes`. */
function streamReads(): Uint8Array[] {
  const identity = { id: 'bench-stream', created: 1_795_000_000, model: 'fast', choices: 1 };
  const body = Buffer.from(
    encodeMockAnthropicEvents(identity, mockReply())
      .map(
        (event) =>
          `event: ${String((event as { type?: unknown }).type)}\ndata: ${JSON.stringify(event)}\n\n`,
      )
      .join(''),
  );
  const reads: Uint8Array[] = [];
  for (let offset = 0; offset < body.length; offset += readBytes) {
    reads.push(body.subarray(offset, offset + readBytes));
  }
  return reads;
}

const openAiIngress: IngressCodec = (() => {
  const ingress = getDialectCodec('openai-chat').ingress;
  if (ingress === undefined) throw new Error('the OpenAI chat dialect has no ingress codec');
  return ingress;
})();

/** Relays one whole stream as a streamed request does; returns the characters written. */
async function translate(reads: readonly Uint8Array[]): Promise<number> {
  let next = 0;
  const body: RelayedBody = {
    next: () => Promise.resolve(next < reads.length ? Buffer.from(reads[next++] ?? []) : null),
    release: () => undefined,
    outliveClient: () => undefined,
  };
  const transformer = new TranslatingTransformer(
    getDialectCodec('anthropic-messages').egress.createStreamDecoder(),
    openAiIngress.createStreamEncoder({
      requestedModel: 'fast',
      includeUsage: true,
      now: 1_795_000_000_000,
    }),
    'anthropic-messages',
  );
  const stream = await relayUpstreamStream(body, createFrameParser('sse'), transformer);
  let written = 0;
  for await (const text of stream.chunks) written += text.length;
  const outcome = await stream.outcome;
  if (outcome.status !== 'completed') throw new Error(`the stream ended ${outcome.status}`);
  return written;
}

const reads = streamReads();
const expected = await translate(reads);
for (let warm = 0; warm < streamsPerRound; warm += 1) await translate(reads);
const perToken: number[] = [];
for (let round = 0; round < rounds; round += 1) {
  const started = process.hrtime.bigint();
  for (let stream = 0; stream < streamsPerRound; stream += 1) {
    if ((await translate(reads)) !== expected)
      throw new Error('the translation changed between streams');
  }
  const elapsedNs = Number(process.hrtime.bigint() - started);
  perToken.push(elapsedNs / 1000 / (streamsPerRound * tokenCount));
}
process.stdout.write(
  `${tokenCount} tokens per stream in ${reads.length} reads of up to ${readBytes} bytes; ` +
    `${streamsPerRound} streams per round, ${rounds} rounds\n` +
    `translation: ${median(perToken).toFixed(3)} µs per token (median; rounds ${perToken
      .map((value) => value.toFixed(3))
      .join(', ')})\n`,
);
