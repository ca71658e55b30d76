import { describe, expect, it } from 'vitest';
import { readRecordingText } from '../../../test/helpers/provider-recordings.ts';
import { GatewayError } from '../../errors/gateway-error.ts';
import { encodeOpenAiErrorBody, readOpenAiErrorFacts } from './openai-error-body.ts';

const error = (message: string, type: string | null, param: string | null, code: string | null) =>
  JSON.stringify({ error: { message, type, param, code } });

describe('readOpenAiErrorFacts', () => {
  it('reads the recorded 400 body (unsupported_parameter on max_tokens)', () => {
    expect(
      readOpenAiErrorFacts(
        readRecordingText('openai-chat/openai/reasoning-model-legacy-parameter-error.json'),
      ),
    ).toEqual({ code: 'unsupported_parameter', param: 'max_tokens' });
  });

  it.each([
    [
      401,
      error(
        'Incorrect API key provided: sk-live-1',
        'invalid_request_error',
        null,
        'invalid_api_key',
      ),
      'invalid_api_key',
    ],
    [
      403,
      error(
        'Country, region, or territory not supported',
        'request_forbidden',
        null,
        'unsupported_country_region_territory',
      ),
      'unsupported_country_region_territory',
    ],
    [
      404,
      error('The model `x` does not exist', 'invalid_request_error', null, 'model_not_found'),
      'model_not_found',
    ],
    [
      429,
      error('Rate limit reached for gpt-4o', 'tokens', null, 'rate_limit_exceeded'),
      'rate_limit_exceeded',
    ],
    [
      429,
      error('You exceeded your current quota', 'insufficient_quota', null, 'insufficient_quota'),
      'insufficient_quota',
    ],
    [500, error('The server had an error', 'server_error', null, null), 'server_error'],
    [503, error('The engine is currently overloaded', 'server_error', null, null), 'server_error'],
    [
      400,
      JSON.stringify({
        error: {
          message: 'filtered',
          type: null,
          param: 'prompt',
          code: 'content_filter',
          innererror: { code: 'ResponsibleAIPolicyViolation' },
        },
      }),
      'content_filter',
    ],
  ])('reads the code of a %i body, never its message', (_status, body, code) => {
    const facts = readOpenAiErrorFacts(body);
    expect(facts.code).toBe(code);
    expect(JSON.stringify(facts)).not.toMatch(
      /sk-live|Rate limit reached|You exceeded|overloaded|does not exist/,
    );
  });

  it('keeps only short identifiers, and reads nothing from non-JSON bodies (413 from a CDN)', () => {
    expect(readOpenAiErrorFacts(error('m', 'a type with spaces', 'messages[0]', null))).toEqual({
      code: undefined,
      param: undefined,
    });
    expect(
      readOpenAiErrorFacts('<html><title>413 Request Entity Too Large</title></html>'),
    ).toEqual({
      code: undefined,
      param: undefined,
    });
    expect(readOpenAiErrorFacts('{"error": "flat string"}').code).toBeUndefined();
  });
});

describe('encodeOpenAiErrorBody', () => {
  it('writes the public message, the gateway code and the param only', () => {
    const body = encodeOpenAiErrorBody(
      new GatewayError('SB_ERR_REQUEST_INVALID', {
        param: 'messages',
        detail: '`messages` must be a non-empty array.',
        internalDetail: 'secret sk-live-2',
      }),
    );
    expect(body.error).toMatchObject({
      type: 'invalid_request_error',
      param: 'messages',
      code: 'SB_ERR_REQUEST_INVALID',
    });
    expect(JSON.stringify(body)).not.toContain('sk-live');
    expect(encodeOpenAiErrorBody(new GatewayError('SB_ERR_UPSTREAM_ERROR')).error.param).toBeNull();
  });
});
