import { describe, expect, it } from 'vitest';
import {
  listRecordings,
  namedEventStreamBody,
  readChunkLines,
  readRecordingText,
} from '../../../test/helpers/provider-recordings.ts';
import { safeParseJson } from '../../lib/json.ts';
import { encodeSseEvent } from '../../lib/sse-frame.ts';
import { SseParser } from '../../upstream/sse-parser.ts';
import type { EgressOptions, TapOutput } from '../dialect-codec.ts';
import { decodeOpenAiResponsesRequest } from './decode-openai-responses-request.ts';
import { openAiResponsesCodec } from './openai-responses-codec.ts';
import { OpenAiResponsesStreamTap } from './openai-responses-stream-tap.ts';
import { rewriteOpenAiResponsesRequestBody } from './rewrite-openai-responses-request-body.ts';

function replay(body: string, pieceSize = body.length) {
  const tap = new OpenAiResponsesStreamTap();
  const parser = new SseParser();
  const outputs: TapOutput[] = [];
  const bytes = Buffer.from(body, 'utf8');
  for (let offset = 0; offset < bytes.length; offset += Math.max(pieceSize, 1)) {
    outputs.push(
      ...parser.push(bytes.subarray(offset, offset + pieceSize)).map((frame) => tap.push(frame)),
    );
  }
  outputs.push(...parser.end().map((frame) => tap.push(frame)));
  const forwarded = outputs.flatMap((output) => (output.kind === 'forward' ? [output.text] : []));
  return { tap, outputs, forwarded };
}

const options: EgressOptions = {
  upstreamModel: 'gpt-5-mini',
  modelInBody: true,
  bodyFields: {},
  requestStreamUsage: false,
  maxTokensField: 'max_completion_tokens',
  streamInBody: true,
  defaultMaxOutputTokens: undefined,
};

const streams = [
  ...listRecordings('openai-responses/openai', '.chunks.txt'),
  ...listRecordings('openai-responses/xai', '.chunks.txt'),
  ...listRecordings('azure-openai', '.chunks.txt'),
].filter((file) => !file.includes('openai-error') && !file.includes('parallel-tool-call'));

describe('OpenAiResponsesStreamTap on every recorded stream', () => {
  it.each(streams)('%s: forwarded byte for byte, usage and the end read', (file) => {
    const body = namedEventStreamBody(file);
    const { tap, forwarded, outputs } = replay(body);
    expect(outputs.every((output) => output.kind === 'forward')).toBe(true);
    expect(forwarded.join('')).toBe(body);
    expect(tap.complete).toBe(true);
    expect(tap.usage?.inputTokens.total).toBeGreaterThan(0);
    expect(tap.finishReasons.get(0)).toBe('completed');
    const pieces = replay(body, 5);
    expect(pieces.forwarded.join('')).toBe(body);
    expect(pieces.tap.usage).toEqual(tap.usage);
  });

  it('reads the usage of the recorded answer (azure-text)', () => {
    const { tap } = replay(namedEventStreamBody('azure-openai/azure-text.1.chunks.txt'));
    expect(tap.usage).toEqual({
      inputTokens: { total: 11, cacheRead: 0 },
      outputTokens: { total: 11, reasoning: 0 },
    });
    expect(tap.forwardedEvents).toBe(7);
  });

  it('does not count response.created and response.in_progress as content', () => {
    const body = namedEventStreamBody('azure-openai/azure-text.1.chunks.txt');
    const tap = new OpenAiResponsesStreamTap();
    const frames = new SseParser().push(body);
    for (const frame of frames.slice(0, 2)) tap.push(frame);
    expect(tap.forwardedEvents).toBe(0);
    expect(tap.complete).toBe(false);
    tap.push(frames[2] ?? { kind: 'comment', text: '' });
    expect(tap.forwardedEvents).toBe(1);
  });

  it('fails on the recorded error event without forwarding its text (openai-error)', () => {
    const { outputs, forwarded } = replay(
      namedEventStreamBody('openai-responses/openai/openai-error.1.chunks.txt'),
    );
    expect(forwarded).toHaveLength(2);
    expect(outputs[2]).toMatchObject({ kind: 'fail', error: { code: 'SB_ERR_UPSTREAM_ERROR' } });
    expect(JSON.stringify(outputs[2])).not.toContain('quota');
  });

  it('fails on response.failed, and on a watched event that is not JSON', () => {
    const failed = replay(
      encodeSseEvent(
        '{"type":"response.failed","response":{"status":"failed"}}',
        'response.failed',
      ),
    );
    expect(failed.outputs[0]).toMatchObject({
      kind: 'fail',
      error: { code: 'SB_ERR_UPSTREAM_ERROR' },
    });
    const broken = replay('event: response.completed\ndata: {"type":\n\n');
    expect(broken.outputs[0]).toMatchObject({
      kind: 'fail',
      error: { code: 'SB_ERR_UPSTREAM_INVALID_RESPONSE' },
    });
    // parallel-tool-call-wrapper.1 starts with a line that is not JSON (rebuilt without a name).
    const wrapper = replay(
      namedEventStreamBody('openai-responses/openai/parallel-tool-call-wrapper.1.chunks.txt'),
    );
    expect(wrapper.outputs[0]).toMatchObject({
      kind: 'fail',
      error: { code: 'SB_ERR_UPSTREAM_INVALID_RESPONSE' },
    });
  });

  it('forwards content events unparsed, and reads unnamed events by their type', () => {
    const { tap, forwarded } = replay(
      ': keep-alive\n\nevent: response.output_text.delta\ndata: not json at all\n\n' +
        'data: {"type":"response.incomplete","response":{"status":"incomplete","incomplete_details":{"reason":"max_output_tokens"}}}\n\n',
    );
    expect(forwarded[0]).toBe(': keep-alive\n\n');
    expect(forwarded[1]).toBe('event: response.output_text.delta\ndata: not json at all\n\n');
    expect(tap.complete).toBe(true);
    expect(tap.finishReasons.get(0)).toBe('max_output_tokens');
    expect(tap.usage).toBeUndefined();
    expect(tap.forwardedEvents).toBe(2);
    const bare = replay('data: {"type":"response.completed","response":{}}\n\n');
    expect(bare.tap.finishReasons.get(0)).toBe('completed');
    expect(bare.tap.push({ kind: 'binary', headers: {}, payload: new Uint8Array() })).toEqual({
      kind: 'drop',
    });
  });

  it('reads usage from a complete answer', () => {
    const parsed = safeParseJson(readRecordingText('azure-openai/azure-text.1.json'));
    expect(
      openAiResponsesCodec.passThrough?.readResponseUsage(parsed.ok ? parsed.value : null),
    ).toEqual({
      inputTokens: { total: 11, cacheRead: 0 },
      outputTokens: { total: 11, reasoning: 0 },
    });
    expect(openAiResponsesCodec.passThrough?.readResponseUsage('x')).toBeUndefined();
    const tap = openAiResponsesCodec.passThrough?.createStreamTap({ stripUsageChunk: true });
    expect(tap?.complete).toBe(false);
  });

  it('lists the multi-step recordings it forwards whole', () => {
    const lines = readChunkLines('azure-openai/azure-reasoning-encrypted-content.1.chunks.txt');
    const { forwarded } = replay(
      namedEventStreamBody('azure-openai/azure-reasoning-encrypted-content.1.chunks.txt'),
    );
    expect(forwarded).toHaveLength(lines.length);
  });
});

describe('rewriteOpenAiResponsesRequestBody', () => {
  const text =
    '{"model":"alias", "input":[{"role":"user","content":"hi"}],"stream":true,"previous_response_id":"resp_1","store":true,"x_future":{"a":1.0}}';

  it('changes only the model, keeping stateful and unknown fields byte for byte', () => {
    expect(
      rewriteOpenAiResponsesRequestBody(decodeOpenAiResponsesRequest(text, 'chat'), options),
    ).toBe(text.replace('"alias"', '"gpt-5-mini"'));
  });

  it('removes the model where the URL names it and adds variant fields', () => {
    const rewritten = rewriteOpenAiResponsesRequestBody(
      decodeOpenAiResponsesRequest(text, 'chat'),
      {
        ...options,
        modelInBody: false,
        bodyFields: { extra: 'yes' },
      },
    );
    const parsed = safeParseJson(rewritten);
    expect(parsed.ok && parsed.value).toEqual({
      input: [{ role: 'user', content: 'hi' }],
      stream: true,
      previous_response_id: 'resp_1',
      store: true,
      x_future: { a: 1 },
      extra: 'yes',
    });
    expect(rewritten).toContain('"x_future":{"a":1.0}');
  });

  it('is the codec pass-through rewrite', () => {
    const envelope = decodeOpenAiResponsesRequest(text, 'chat');
    expect(openAiResponsesCodec.passThrough?.rewriteRequestBody(envelope, options)).toBe(
      rewriteOpenAiResponsesRequestBody(envelope, options),
    );
  });
});
