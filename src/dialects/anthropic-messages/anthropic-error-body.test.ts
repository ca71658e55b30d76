import { describe, expect, it } from 'vitest';
import { anthropicMessagesCodec } from './anthropic-messages-codec.ts';

const read = (text: string) => anthropicMessagesCodec.readErrorFacts(text);

const anthropic = (type: string, message: string) =>
  JSON.stringify({ type: 'error', error: { type, message }, request_id: 'req_011CVerr' });

describe('readAnthropicErrorFacts: context-length and content-policy refusals', () => {
  // https://docs.anthropic.com/en/api/errors ; bodies as seen from the API (anthropics/claude-code#58367,
  // continuedev/continue#6080), from Vertex AI, and from Bedrock InvokeModel.
  it.each([
    [
      'the prompt alone too long',
      anthropic('invalid_request_error', 'prompt is too long: 208310 tokens > 200000 maximum'),
      { code: 'invalid_request_error', param: undefined, refusal: 'context-length' },
    ],
    [
      'input and max_tokens over the window',
      anthropic(
        'invalid_request_error',
        'input length and `max_tokens` exceed context limit: 199759 + 8192 > 200000, decrease input length or `max_tokens` and try again',
      ),
      { code: 'invalid_request_error', param: undefined, refusal: 'context-length' },
    ],
    [
      'the content filter',
      JSON.stringify({
        type: 'error',
        error: {
          details: null,
          type: 'invalid_request_error',
          message: 'Output blocked by content filtering policy',
        },
        request_id: 'req_011CaxpBxEpLvE6AvvuDD5BW',
      }),
      { code: 'invalid_request_error', param: undefined, refusal: 'content-policy' },
    ],
    [
      'Bedrock InvokeModel (message at the top level)',
      JSON.stringify({ message: 'Input is too long for requested model.' }),
      { code: undefined, param: undefined, refusal: 'context-length' },
    ],
    [
      'Bedrock InvokeModel, newer Claude',
      JSON.stringify({ message: 'prompt is too long: 1000032 tokens > 1000000 maximum' }),
      { code: undefined, param: undefined, refusal: 'context-length' },
    ],
  ])('reads %s', (_case, body, facts) => {
    expect(read(body)).toEqual(facts);
  });

  it.each([
    [
      'the byte limit (413 request_too_large)',
      anthropic('request_too_large', 'Request exceeds the maximum allowed number of bytes.'),
    ],
    [
      'max_tokens above the output limit',
      anthropic(
        'invalid_request_error',
        'max_tokens: 10000 > 4096, which is the maximum allowed number of output tokens for claude-3-opus-20240229',
      ),
    ],
    [
      'a rate limit on tokens',
      anthropic(
        'rate_limit_error',
        'This request would exceed the rate limit for your organization of 30,000 input tokens per minute.',
      ),
    ],
    [
      "Vertex AI's quota error (Google's shape)",
      JSON.stringify({
        error: {
          code: 429,
          message:
            'Quota exceeded for aiplatform.googleapis.com/online_prediction_tokens_per_minute',
          status: 'RESOURCE_EXHAUSTED',
        },
      }),
    ],
    ['a field error', anthropic('invalid_request_error', 'messages: Field required')],
  ])('reads no refusal from %s', (_case, body) => {
    expect(read(body).refusal).toBeUndefined();
  });

  it('never returns the message it read', () => {
    const facts = read(anthropic('invalid_request_error', 'prompt is too long: secret sk-live-4'));
    expect(JSON.stringify(facts)).not.toMatch(/sk-live|too long/);
  });
});
