import { describe, expect, it } from 'vitest';
import { mistralChatCodec } from './mistral-chat-codec.ts';

const read = (text: string) => mistralChatCodec.readErrorFacts(text);

describe('readMistralErrorFacts', () => {
  // Mistral's error body puts everything at the top level.
  // https://docs.mistral.ai/api/ ; messages seen from the API (aurelio-labs/semantic-router#297).
  it('reads a prompt too large for the window as a context-length refusal', () => {
    expect(
      read(
        JSON.stringify({
          object: 'error',
          message:
            'Prompt contains 40000 tokens and 0 draft tokens, too large for model with 32768 maximum context length',
          type: 'invalid_request_error',
          param: null,
          code: null,
        }),
      ),
    ).toEqual({ code: 'invalid_request_error', param: undefined, refusal: 'context-length' });
  });

  it('reads no refusal from other rejections, nor from a 422 whose message is an object', () => {
    expect(
      read(
        JSON.stringify({
          object: 'error',
          message: 'Too many tokens in batch. Max is 16384 got 17555',
          type: 'invalid_request_error',
          param: null,
          code: null,
        }),
      ),
    ).toEqual({ code: 'invalid_request_error', param: undefined });
    expect(
      read(
        JSON.stringify({
          object: 'error',
          message: {
            detail: [
              {
                type: 'extra_forbidden',
                loc: ['body', 'max_completion_tokens'],
                msg: 'Extra inputs are not permitted',
              },
            ],
          },
          type: 'invalid_request_error',
          param: null,
          code: null,
        }),
      ).refusal,
    ).toBeUndefined();
  });
});
