import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../errors/gateway-error.ts';
import { openAiChatCodec, openAiChatIngress } from './openai-chat-codec.ts';
import { OpenAiChatStreamDecoder } from './openai-chat-stream-decoder.ts';
import { OpenAiChatStreamTap } from './openai-chat-stream-tap.ts';

describe('openAiChatCodec', () => {
  it('is the openai-chat dialect, with ingress, egress and pass-through', () => {
    expect(openAiChatCodec.id).toBe('openai-chat');
    expect(openAiChatCodec.ingress).toBe(openAiChatIngress);
    expect(openAiChatCodec.egress.framing).toBe('sse');
    expect(openAiChatCodec.egress.createStreamDecoder()).toBeInstanceOf(OpenAiChatStreamDecoder);
    expect(openAiChatCodec.passThrough?.createStreamTap({ stripUsageChunk: true })).toBeInstanceOf(
      OpenAiChatStreamTap,
    );
    expect(openAiChatIngress.forwardableHeaders).toEqual([]);
  });

  it('reads the usage of a forwarded answer, nothing from a body that is not an object', () => {
    const readUsage = (body: unknown) => openAiChatCodec.passThrough?.readResponseUsage(body);
    expect(readUsage({ usage: { prompt_tokens: 3, completion_tokens: 4 } })).toEqual({
      inputTokens: { total: 3 },
      outputTokens: { total: 4 },
    });
    expect(readUsage('text')).toBeUndefined();
    expect(readUsage({})).toBeUndefined();
  });

  it('writes an in-stream error as a data chunk holding an OpenAI error object', () => {
    const text = openAiChatIngress.encodeStreamError(
      new GatewayError('SB_ERR_UPSTREAM_ERROR', { internalDetail: 'sk-live-secret' }),
    );
    expect(text).toMatch(/^data: \{"error":\{"message":.*"code":"SB_ERR_UPSTREAM_ERROR"\}\}\n\n$/);
    expect(text).not.toContain('sk-live');
    expect(openAiChatCodec.readErrorFacts('{"error":{"code":"invalid_api_key"}}').code).toBe(
      'invalid_api_key',
    );
  });
});
