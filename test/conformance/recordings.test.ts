import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatResponse } from '../../src/canonical/chat-response.ts';
import { getDialectCodec } from '../../src/dialects/dialect-registry.ts';
import { safeParseJson } from '../../src/lib/json.ts';
import { createFrameParser } from '../../src/upstream/frame-parsers.ts';
import {
  assembleStream,
  decodeWireBody,
  type AssembledStream,
} from '../helpers/canonical-stream.ts';
import { readRecordingText } from '../helpers/provider-recordings.ts';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';
import { egressProviderYaml, testProviderEnvironment } from './egress-providers.ts';
import { ingressClients, type ClientOutcome } from './ingress-clients.ts';
import {
  listRecordingFiles,
  recordedStreamBody,
  recordingDialects,
  recordingsPresent,
} from './recording-wire.ts';
import { startReplayUpstream, type ReplayUpstream } from './replay-upstream.ts';

/** What the hub itself makes of a recording: the reference the client's view must match. */
interface Reference {
  readonly text: string;
  readonly reasoning: string;
  readonly refusal: string;
  readonly toolCalls: { name: string; arguments: unknown }[];
  readonly finish: string;
  readonly input: number | undefined;
  readonly output: number | undefined;
}

function parsedArguments(text: string): unknown {
  const parsed = safeParseJson(text);
  return parsed.ok ? parsed.value : { unparsable: text };
}

function fromStream(stream: AssembledStream): Reference {
  const choice = stream.choices.get(0);
  return {
    text: choice?.text ?? '',
    reasoning: choice?.reasoning ?? '',
    refusal: choice?.refusal ?? '',
    toolCalls: (choice?.toolCalls ?? []).map((call) => ({
      name: call.name,
      arguments: parsedArguments(call.arguments),
    })),
    finish: choice?.finishReason ?? 'missing',
    input: stream.usage?.inputTokens.total,
    output: stream.usage?.outputTokens.total,
  };
}

function fromResponse(response: ChatResponse): Reference {
  const parts = response.choices[0]?.content ?? [];
  const join = (type: string): string =>
    parts.flatMap((part) => (part.type === type && 'text' in part ? [part.text] : [])).join('');
  return {
    text: join('text'),
    reasoning: join('reasoning'),
    refusal: join('refusal'),
    toolCalls: parts.flatMap((part) =>
      part.type === 'tool-call'
        ? [{ name: part.name, arguments: parsedArguments(part.arguments) }]
        : [],
    ),
    finish: response.choices[0]?.finishReason.unified ?? 'missing',
    input: response.usage?.inputTokens.total,
    output: response.usage?.outputTokens.total,
  };
}

/**
 * Recordings the official Responses SDK itself cannot read when forwarded as they are: it throws on
 * the apply_patch and shell event types, and skips an output index in the phase recording.
 */
const unreadableBySdk: ReadonlySet<string> = new Set([
  'openai-responses/openai/openai-apply-patch-tool.1.chunks.txt',
  'openai-responses/openai/openai-shell-container.1.chunks.txt',
  'openai-responses/openai/openai-phase.1.chunks.txt',
]);

/** Recordings holding several responses back to back (agent loops), or deliberately broken ones. */
function isMultiResponse(text: string): boolean {
  return (text.match(/"type":"message_start"|"type":"response\.created"/g) ?? []).length > 1;
}

function expectMatch(
  ingress: string,
  dialect: string,
  reference: Reference,
  outcome: ClientOutcome,
): void {
  expect(outcome.kind, JSON.stringify(outcome).slice(0, 500)).toBe('answer');
  if (outcome.kind !== 'answer') return;
  const passThrough = ingress === dialect;
  const refusalAsText = ingress === 'anthropic-messages' && !passThrough;
  expect(outcome.text).toBe(reference.text + (refusalAsText ? reference.refusal : ''));
  if (ingress === 'openai-chat') expect(outcome.refusal).toBe(reference.refusal);
  expect(outcome.reasoning).toBe(reference.reasoning);
  expect(outcome.toolCalls.map(({ name, arguments: args }) => ({ name, arguments: args }))).toEqual(
    reference.toolCalls,
  );
  expect(outcome.finish).toBe(reference.finish);
  // Forwarded answers carry the provider's own usage fields; translated ones the hub's reading.
  if (passThrough) return;
  if (reference.input !== undefined) expect(outcome.usage.input).toBe(reference.input);
  if (reference.output !== undefined) expect(outcome.usage.output).toBe(reference.output);
}

const available = Object.entries(recordingDialects).filter(([, dialect]) => {
  try {
    getDialectCodec(dialect as Parameters<typeof getDialectCodec>[0]);
    return true;
  } catch {
    return false;
  }
});

describe.skipIf(!recordingsPresent)('provider recordings through the gateway', () => {
  let upstream: ReplayUpstream;
  let harness: TestGateway;
  let key: string;

  beforeAll(async () => {
    upstream = await startReplayUpstream();
    const dialects = [...new Set(available.map(([, dialect]) => dialect))];
    harness = await startTestGateway({
      config: `providers:\n${dialects.map((dialect) => egressProviderYaml(dialect, upstream.origin)).join('\n')}\n`,
      environment: testProviderEnvironment,
    });
    key = await harness.createKey();
  });

  afterAll(async () => {
    await harness.close();
    await upstream.close();
  });

  for (const [folder, dialect] of available) {
    const codec = getDialectCodec(dialect as Parameters<typeof getDialectCodec>[0]);
    for (const file of listRecordingFiles(folder)) {
      const text = readRecordingText(file);
      const streamed = file.endsWith('.chunks.txt');
      const parsed = streamed ? undefined : safeParseJson(text);
      if (!streamed && (!parsed?.ok || (parsed.value as { error?: unknown }).error !== undefined)) {
        continue; // Error bodies are covered by the conformance fixtures, with their statuses.
      }
      let reference: Reference;
      if (streamed) {
        const wire = recordedStreamBody(dialect, file);
        const parser = createFrameParser(codec.egress.framing);
        const decoded = decodeWireBody(
          codec.egress.createStreamDecoder(),
          wire.body,
          undefined,
          parser,
        );
        if (decoded.failure !== undefined) continue; // A deliberately broken recording.
        reference = fromStream(assembleStream(decoded.events));
      } else {
        reference = fromResponse(
          codec.egress.decodeResponse(parsed?.ok === true ? parsed.value : undefined),
        );
      }
      for (const [ingress, client] of Object.entries(ingressClients)) {
        if (ingress === dialect && streamed && isMultiResponse(text)) continue;
        if (ingress === 'openai-responses' && unreadableBySdk.has(file)) continue;
        it(`${file} read by the ${ingress} client`, async () => {
          const wire = streamed
            ? recordedStreamBody(dialect, file)
            : { contentType: 'application/json', body: Buffer.from(text) };
          upstream.serve({
            status: 200,
            headers: { 'content-type': wire.contentType },
            body: wire.body,
          });
          const outcome = await client(harness.url, key, {
            model: `${dialect}/recorded-model`,
            prompt: 'Replay.',
            stream: streamed,
            tools: [{ name: 'any_tool', description: 'A tool', parameters: { type: 'object' } }],
          });
          expectMatch(ingress, dialect, reference, outcome);
        });
      }
    }
  }
});
