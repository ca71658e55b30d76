import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../errors/gateway-error.ts';
import { openAiResponsesCodec, openAiResponsesIngress } from './openai-responses-codec.ts';

/** An OpenAI SDK client whose every request is answered with `body` and `status`. */
function clientAnswering(body: string, status: number): OpenAI {
  return new OpenAI({
    apiKey: 'sk-test',
    baseURL: 'http://gateway.test/v1',
    maxRetries: 0,
    fetch: () =>
      Promise.resolve(
        new Response(body, { status, headers: { 'content-type': 'application/json' } }),
      ),
  });
}

describe('error bodies', () => {
  it.each([
    ['SB_ERR_REQUEST_INVALID', 400, 'invalid_request_error'],
    ['SB_ERR_AUTH_INVALID_KEY', 401, 'authentication_error'],
    ['SB_ERR_AUTH_FORBIDDEN', 403, 'permission_error'],
    ['SB_ERR_MODEL_NOT_FOUND', 404, 'not_found_error'],
    ['SB_ERR_REQUEST_TOO_LARGE', 413, 'invalid_request_error'],
    ['SB_ERR_UPSTREAM_RATE_LIMITED', 429, 'rate_limit_error'],
    ['SB_ERR_INTERNAL', 500, 'api_error'],
    ['SB_ERR_UPSTREAM_OVERLOADED', 503, 'overloaded_error'],
  ] as const)('%s is an OpenAI error body the SDK reads (%i)', async (code, status, type) => {
    const error = new GatewayError(code, { internalDetail: 'secret' });
    const body = openAiResponsesIngress.encodeError(error);
    expect(body).toEqual({ error: { message: error.publicMessage, type, param: null, code } });
    expect(JSON.stringify(body)).not.toContain('secret');
    const request = clientAnswering(JSON.stringify(body), status).responses.create({
      model: 'alias',
      input: 'Hi',
    });
    await expect(request).rejects.toMatchObject({ status, code });
  });

  it.each([
    [
      400,
      '{"error":{"message":"Invalid input","type":"invalid_request_error","param":"input","code":"invalid_value"}}',
      'invalid_value',
      'input',
    ],
    [
      401,
      '{"error":{"message":"Incorrect API key provided: sk-abc","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}',
      'invalid_api_key',
      undefined,
    ],
    [
      403,
      '{"error":{"message":"Country not supported","type":"request_forbidden","param":null,"code":"unsupported_country_region_territory"}}',
      'unsupported_country_region_territory',
      undefined,
    ],
    [
      404,
      '{"error":{"message":"The model `x` does not exist","type":"invalid_request_error","param":"model","code":"model_not_found"}}',
      'model_not_found',
      'model',
    ],
    [
      413,
      '{"error":{"message":"Request too large","type":"invalid_request_error","param":null,"code":null}}',
      'invalid_request_error',
      undefined,
    ],
    [
      429,
      '{"error":{"message":"Rate limit reached","type":"requests","param":null,"code":"rate_limit_exceeded"}}',
      'rate_limit_exceeded',
      undefined,
    ],
    [
      500,
      '{"error":{"message":"The server had an error","type":"server_error","param":null,"code":null}}',
      'server_error',
      undefined,
    ],
    [
      503,
      '{"error":{"message":"Overloaded, slow down","type":"service_unavailable","param":null,"code":"server is overloaded"}}',
      'service_unavailable',
      undefined,
    ],
  ])('reads only safe facts from an upstream %i body', (_status, text, code, param) => {
    expect(openAiResponsesIngress.forwardableHeaders).toEqual([]);
    expect(openAiResponsesCodec.readErrorFacts(text)).toEqual({ code, param });
  });

  it('reads nothing from a body that is not an OpenAI error', () => {
    expect(openAiResponsesCodec.readErrorFacts('<html>')).toEqual({
      code: undefined,
      param: undefined,
    });
  });
});

describe('openAiResponsesCodec.readErrorFacts', () => {
  it('reads a Responses context-window error as a context-length refusal', () => {
    expect(
      openAiResponsesCodec.readErrorFacts(
        JSON.stringify({
          error: {
            message:
              'Your input exceeds the context window of this model. Please adjust your input and try again.',
            type: 'invalid_request_error',
            param: 'input',
            code: 'context_length_exceeded',
          },
        }),
      ),
    ).toEqual({ code: 'context_length_exceeded', param: 'input', refusal: 'context-length' });
  });

  it('reads an invalid_prompt flagged by the usage policy as a content-policy refusal', () => {
    expect(
      openAiResponsesCodec.readErrorFacts(
        JSON.stringify({
          error: {
            type: 'invalid_request_error',
            code: 'invalid_prompt',
            message:
              'Invalid prompt: your prompt was flagged as potentially violating our usage policy. Please try again with a different prompt.',
            param: null,
          },
        }),
      ).refusal,
    ).toBe('content-policy');
  });
});
