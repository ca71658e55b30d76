import { describe, expect, it } from 'vitest';
import { cohereChatCodec } from './cohere-chat-codec.ts';

const read = (text: string) => cohereChatCodec.readErrorFacts(text);

/** Error bodies as Cohere documents them per status: `{"message": ...}`, sometimes with an id. */
const documentedBodies: readonly (readonly [number, string])[] = [
  [
    400,
    '{"id":"5b2e8c0a-1f3d-4e7a-9c61-2f0d9a6b7e11","message":"invalid request: temperature must be between 0 and 1.0 inclusive."}',
  ],
  [401, '{"message":"invalid api token"}'],
  [
    403,
    '{"id":"0d4c2b1a-9e8f-4a7b-8c6d-5e4f3a2b1c0d","message":"Forbidden: your key sk-secret-123 cannot use this model"}',
  ],
  [
    404,
    '{"message":"model \'command-x\' not found, make sure the correct model ID was used and that you have access to the model."}',
  ],
  [413, '{"message":"too many tokens: size limit exceeded by 11326 tokens."}'],
  [
    429,
    '{"message":"You are past the per minute request limit, please wait and try again later."}',
  ],
  [500, '{"message":"internal server error, this has been reported to our developers. id 7f3e"}'],
  [503, '{"message":"service unavailable"}'],
  [529, '{"message":"The model is overloaded, please try again later."}'],
];

describe('readCohereChatErrorFacts', () => {
  for (const [status, text] of documentedBodies) {
    it(`returns no code and never the message for a ${status} body`, () => {
      const facts = read(text);
      // The 413's message says the input does not fit the window: that much is read from it.
      expect(facts).toEqual({
        code: undefined,
        param: undefined,
        ...(status === 413 ? { refusal: 'context-length' } : {}),
      });
      expect(JSON.stringify(facts)).not.toContain('sk-secret');
    });
  }

  it('returns a plain identifier from a code or type field', () => {
    expect(read('{"code":"InvalidParameter","message":"bad p"}')).toEqual({
      code: 'InvalidParameter',
      param: undefined,
    });
    expect(read('{"type":"rate_limited","message":"slow down"}').code).toBe('rate_limited');
  });

  it('ignores code fields that are free text, and bodies that are not JSON objects', () => {
    expect(read('{"code":"not a code: secret detail","message":"x"}').code).toBeUndefined();
    expect(read('{"code":42}').code).toBeUndefined();
    expect(read('<html>Bad gateway</html>')).toEqual({ code: undefined, param: undefined });
    expect(read('["message"]')).toEqual({ code: undefined, param: undefined });
    expect(read('')).toEqual({ code: undefined, param: undefined });
  });
});

describe('readCohereChatErrorFacts on a request too long for the window', () => {
  // https://docs.cohere.com/reference/errors lists these 400 messages.
  it.each([
    "too many tokens: size limit exceeded by 11326 tokens. Try using shorter or fewer inputs, or setting prompt_truncation='AUTO'.",
    'too many tokens: total number of tokens in the prompt cannot exceed 4081 - received 4292. Try using a shorter prompt, or enabling prompt truncating.',
    'too many tokens: multi-hop prompt is too long even after truncation',
  ])('reads "%s" as a context-length refusal', (message) => {
    expect(read(JSON.stringify({ id: '5b2e8c0a', message }))).toEqual({
      code: undefined,
      param: undefined,
      refusal: 'context-length',
    });
  });

  it('reads no refusal when max_tokens is above the output limit', () => {
    expect(
      read(
        '{"message":"too many tokens: max tokens must be less than or equal to 4096, the maximum output for this model - received 8192."}',
      ).refusal,
    ).toBeUndefined();
  });
});
