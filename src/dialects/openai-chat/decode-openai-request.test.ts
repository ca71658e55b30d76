import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../errors/gateway-error.ts';
import { decodeOpenAiRequest } from './decode-openai-request.ts';

function failure(text: string, operation: 'chat' | 'embeddings' = 'chat'): GatewayError {
  try {
    decodeOpenAiRequest(text, operation);
  } catch (error) {
    if (error instanceof GatewayError) {
      return error;
    }
    throw error;
  }
  throw new Error('expected a failure');
}

describe('decodeOpenAiRequest', () => {
  it('decodes the facts the gateway acts on and keeps the original text', () => {
    const text =
      '{"model":"fast","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"hi"}],"x_future":1}';
    const envelope = decodeOpenAiRequest(text, 'chat');
    expect(envelope).toMatchObject({
      model: 'fast',
      stream: true,
      clientWantsStreamUsage: true,
      operation: 'chat',
    });
    expect(envelope.body.text).toBe(text);
    expect(envelope.body.members.map((member) => member.key)).toEqual([
      'model',
      'stream',
      'stream_options',
      'messages',
      'x_future',
    ]);
  });

  it.each([
    ['{"model": "x", "messages": [}', 'SB_ERR_REQUEST_INVALID_JSON', undefined],
    ['[1,2]', 'SB_ERR_REQUEST_INVALID', '(body)'],
    ['{"messages":[{"role":"user","content":"hi"}]}', 'SB_ERR_REQUEST_INVALID', 'model'],
    ['{"model":"  ","messages":[1]}', 'SB_ERR_REQUEST_INVALID', 'model'],
    ['{"model":"m","messages":[]}', 'SB_ERR_REQUEST_INVALID', 'messages'],
    ['{"model":"m","messages":[1],"stream":"yes"}', 'SB_ERR_REQUEST_INVALID', 'stream'],
    [
      '{"model":"m","messages":[1],"stream_options":{"include_usage":1}}',
      'SB_ERR_REQUEST_INVALID',
      'stream_options.include_usage',
    ],
    [
      '{"model":"m","messages":[1],"stream_options":true}',
      'SB_ERR_REQUEST_INVALID',
      'stream_options',
    ],
  ])('refuses %s with %s naming %s', (text, code, param) => {
    const error = failure(text);
    expect(error.code).toBe(code);
    expect(error.param).toBe(param);
    expect(error.status).toBe(400);
  });

  it('says why JSON is malformed', () => {
    expect(failure('{"model": ').publicMessage).toMatch(
      /^The request body is not valid JSON\. \(.+\)$/,
    );
  });

  it('checks embeddings input and refuses streamed embeddings', () => {
    expect(failure('{"model":"e"}', 'embeddings').param).toBe('input');
    expect(failure('{"model":"e","input":"a","stream":true}', 'embeddings').param).toBe('stream');
    expect(decodeOpenAiRequest('{"model":"e","input":["a","b"]}', 'embeddings').operation).toBe(
      'embeddings',
    );
  });
});
