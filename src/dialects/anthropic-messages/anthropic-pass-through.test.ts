import { describe, expect, it } from 'vitest';
import { namedEventStreamBody } from '../../../test/helpers/provider-recordings.ts';
import { SseParser } from '../../upstream/sse-parser.ts';
import type { EgressOptions, TapOutput } from '../dialect-codec.ts';
import { anthropicMessagesCodec } from './anthropic-messages-codec.ts';
import { AnthropicStreamTap } from './anthropic-stream-tap.ts';
import { decodeAnthropicRequest } from './decode-anthropic-request.ts';
import { rewriteAnthropicRequestBody } from './rewrite-anthropic-request-body.ts';

function replay(body: string, pieceSize = body.length) {
  const tap = new AnthropicStreamTap();
  const parser = new SseParser();
  const outputs: TapOutput[] = [];
  const bytes = Buffer.from(body, 'utf8');
  for (let offset = 0; offset < bytes.length; offset += pieceSize) {
    outputs.push(
      ...parser.push(bytes.subarray(offset, offset + pieceSize)).map((frame) => tap.push(frame)),
    );
  }
  outputs.push(...parser.end().map((frame) => tap.push(frame)));
  const forwarded = outputs.flatMap((output) => (output.kind === 'forward' ? [output.text] : []));
  return { tap, outputs, forwarded };
}

const options: EgressOptions = {
  upstreamModel: 'claude-sonnet-4-5',
  modelInBody: true,
  bodyFields: {},
  requestStreamUsage: false,
  maxTokensField: 'max_tokens',
  streamInBody: true,
  defaultMaxOutputTokens: undefined,
};

describe('AnthropicStreamTap', () => {
  it('forwards a recorded stream byte for byte and reads usage and the stop reason', () => {
    const body = namedEventStreamBody('anthropic-messages/anthropic-clear-thinking.1.chunks.txt');
    const { tap, forwarded } = replay(body);
    expect(forwarded.join('')).toBe(body);
    expect(tap.usage).toEqual({
      inputTokens: { total: 69, cacheRead: 0, cacheWrite: 0 },
      outputTokens: { total: 53 },
    });
    expect([...tap.finishReasons.values()]).toEqual(['end_turn']);
    expect(tap.complete).toBe(true);
    expect(replay(body, 3).forwarded.join('')).toBe(body);
  });

  it('does not count message_start and ping as content (the stream is not yet committed)', () => {
    const body = namedEventStreamBody('anthropic-messages/anthropic-text.chunks.txt');
    const tap = new AnthropicStreamTap();
    const frames = new SseParser().push(Buffer.from(body));
    tap.push(frames[0] ?? { kind: 'comment', text: '' });
    expect(tap.forwardedEvents).toBe(0);
    for (const frame of frames.slice(1)) tap.push(frame);
    expect(tap.forwardedEvents).toBe(frames.length - 2);
  });

  it('fails on an error event or an event that is not JSON, without forwarding it', () => {
    const error = replay(
      'event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"secret"}}\n\n',
    );
    expect(error.outputs).toEqual([
      {
        kind: 'fail',
        error: expect.objectContaining({ code: 'SB_ERR_UPSTREAM_ERROR' }) as unknown,
      },
    ]);
    const broken = replay('event: message_delta\ndata: {"type":\n\n');
    expect(broken.outputs[0]).toMatchObject({
      kind: 'fail',
      error: { code: 'SB_ERR_UPSTREAM_INVALID_RESPONSE' },
    });
    const unnamed = replay('data: not json\n\n');
    expect(unnamed.outputs[0]?.kind).toBe('fail');
  });

  it('forwards comments and is incomplete until the message stops', () => {
    const { tap, forwarded } = replay(': keep-alive\n\nevent: ping\ndata: {"type":"ping"}\n\n');
    expect(forwarded).toEqual([': keep-alive\n\n', 'event: ping\ndata: {"type":"ping"}\n\n']);
    expect(tap.complete).toBe(false);
  });

  it('reads usage from a complete answer', () => {
    expect(
      anthropicMessagesCodec.passThrough?.readResponseUsage({
        usage: { input_tokens: 3, cache_read_input_tokens: 7, output_tokens: 2 },
      }),
    ).toEqual({ inputTokens: { total: 10, cacheRead: 7 }, outputTokens: { total: 2 } });
    expect(anthropicMessagesCodec.passThrough?.readResponseUsage('x')).toBeUndefined();
  });
});

describe('rewriteAnthropicRequestBody', () => {
  const text =
    '{"model":"alias","max_tokens":10,"stream":true,"messages":[{"role":"user","content":"hi"}],"x_future":{"a":1.0}}';

  it('changes only the model for the Anthropic API', () => {
    expect(rewriteAnthropicRequestBody(decodeAnthropicRequest(text, 'chat'), options)).toBe(
      text.replace('"alias"', '"claude-sonnet-4-5"'),
    );
  });

  it('removes model and stream and adds anthropic_version for Bedrock', () => {
    const rewritten = rewriteAnthropicRequestBody(decodeAnthropicRequest(text, 'chat'), {
      ...options,
      modelInBody: false,
      streamInBody: false,
      bodyFields: { anthropic_version: 'bedrock-2023-05-31' },
    });
    expect(JSON.parse(rewritten)).toEqual({
      max_tokens: 10,
      messages: [{ role: 'user', content: 'hi' }],
      x_future: { a: 1 },
      anthropic_version: 'bedrock-2023-05-31',
    });
    expect(rewritten).toContain('"x_future":{"a":1.0}');
  });

  it('keeps the model in the body when counting tokens (Vertex AI count-tokens needs it)', () => {
    const counting = '{"model":"alias","messages":[{"role":"user","content":"hi"}]}';
    const rewritten = rewriteAnthropicRequestBody(
      decodeAnthropicRequest(counting, 'count-tokens'),
      {
        ...options,
        modelInBody: false,
        bodyFields: { anthropic_version: 'vertex-2023-10-16' },
      },
    );
    expect(JSON.parse(rewritten)).toEqual({
      model: 'claude-sonnet-4-5',
      messages: [{ role: 'user', content: 'hi' }],
      anthropic_version: 'vertex-2023-10-16',
    });
  });
});
