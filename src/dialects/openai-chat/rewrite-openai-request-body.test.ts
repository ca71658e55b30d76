import { describe, expect, it } from 'vitest';
import { safeParseJson } from '../../lib/json.ts';
import type { EgressOptions } from '../dialect-codec.ts';
import { decodeOpenAiRequest } from './decode-openai-request.ts';
import { rewriteOpenAiRequestBody } from './rewrite-openai-request-body.ts';

function options(upstreamModel: string, requestStreamUsage: boolean): EgressOptions {
  return {
    upstreamModel,
    requestStreamUsage,
    modelInBody: true,
    bodyFields: {},
    maxTokensField: 'max_tokens',
    streamInBody: true,
    defaultMaxOutputTokens: undefined,
  };
}

describe('rewriteOpenAiRequestBody', () => {
  it('changes only the model and forwards unknown fields byte for byte', () => {
    const text =
      '{"model":"fast","messages":[{"role":"user","content":"hi"}],"seed":18446744073709551615,"reasoning_effort":"minimal","x_vendor":{"a":[1.0]}}';
    const envelope = decodeOpenAiRequest(text, 'chat');
    expect(rewriteOpenAiRequestBody(envelope, options('gpt-4o-mini', true))).toBe(
      text.replace('"fast"', '"gpt-4o-mini"'),
    );
  });

  it('asks for stream usage when the client did not, keeping its other stream options', () => {
    const text =
      '{"model":"m","stream":true,"stream_options":{"include_obfuscation":false},"messages":[1]}';
    const output = rewriteOpenAiRequestBody(decodeOpenAiRequest(text, 'chat'), options('u', true));
    const parsed = safeParseJson(output);
    expect(parsed.ok && parsed.value).toEqual({
      model: 'u',
      stream: true,
      stream_options: { include_obfuscation: false, include_usage: true },
      messages: [1],
    });
  });

  it('adds stream_options when absent, and leaves the body alone for providers without the option', () => {
    const text = '{"model":"m","stream":true,"messages":[1]}';
    const envelope = decodeOpenAiRequest(text, 'chat');
    expect(rewriteOpenAiRequestBody(envelope, options('u', true))).toBe(
      '{"model":"u","stream":true,"messages":[1],"stream_options":{"include_usage":true}}',
    );
    expect(rewriteOpenAiRequestBody(envelope, options('u', false))).toBe(
      '{"model":"u","stream":true,"messages":[1]}',
    );
  });

  it('never changes the original envelope (attempts reuse it)', () => {
    const text = '{"model":"m","stream":true,"messages":[1]}';
    const envelope = decodeOpenAiRequest(text, 'chat');
    rewriteOpenAiRequestBody(envelope, options('first', true));
    const second = rewriteOpenAiRequestBody(envelope, options('second', true));
    expect(envelope.body.text).toBe(text);
    expect(second).toContain('"second"');
  });

  it('removes the model when the URL names it, and writes the fields the provider variant needs', () => {
    const text = '{"model":"m","messages":[1],"temperature":1}';
    const output = rewriteOpenAiRequestBody(decodeOpenAiRequest(text, 'chat'), {
      ...options('u', true),
      modelInBody: false,
      bodyFields: { temperature: 0, extra: { a: true } },
    });
    const parsed = safeParseJson(output);
    expect(parsed.ok && parsed.value).toEqual({
      messages: [1],
      temperature: 0,
      extra: { a: true },
    });
  });
});
