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

describe('readOpenAiErrorFacts: context-length and content-policy refusals', () => {
  // Bodies as OpenAI and OpenAI-compatible servers send them; the sources are linked in
  // openai-error-body.ts and classify-refusal-message.ts.
  it.each([
    [
      'OpenAI context_length_exceeded',
      error(
        "This model's maximum context length is 128000 tokens. However, your messages resulted in 130412 tokens. Please reduce the length of the messages.",
        'invalid_request_error',
        'messages',
        'context_length_exceeded',
      ),
      { code: 'context_length_exceeded', param: 'messages', refusal: 'context-length' },
    ],
    [
      'OpenAI Responses context_length_exceeded',
      error(
        'Your input exceeds the context window of this model. Please adjust your input and try again.',
        'invalid_request_error',
        'input',
        'context_length_exceeded',
      ),
      { code: 'context_length_exceeded', param: 'input', refusal: 'context-length' },
    ],
    [
      'Groq context_length_exceeded',
      error(
        'Please reduce the length of the messages or completion.',
        'invalid_request_error',
        'messages',
        'context_length_exceeded',
      ),
      { code: 'context_length_exceeded', param: 'messages', refusal: 'context-length' },
    ],
    [
      'DeepSeek (code invalid_request_error, window in the message)',
      error(
        "This model's maximum context length is 131072 tokens. However, you requested 133034 tokens (125034 in the messages, 8000 in the completion). Please reduce the length of the messages or completion.",
        'invalid_request_error',
        null,
        'invalid_request_error',
      ),
      { code: 'invalid_request_error', param: undefined, refusal: 'context-length' },
    ],
    [
      'vLLM (error at the top level, numeric code)',
      JSON.stringify({
        object: 'error',
        message:
          "This model's maximum context length is 16384 tokens. However, you requested 19591 tokens (9591 in the messages, 10000 in the completion). Please reduce the length of the messages or completion.",
        type: 'BadRequestError',
        param: null,
        code: 400,
      }),
      { code: undefined, param: undefined, refusal: 'context-length' },
    ],
    [
      'xAI (error as a string)',
      JSON.stringify({
        code: 'Client specified an invalid argument',
        error:
          "This model's maximum prompt length is 131072 but the request contains 136973 tokens.",
      }),
      { code: undefined, param: undefined, refusal: 'context-length' },
    ],
    [
      'OpenRouter (upstream body in metadata.raw)',
      JSON.stringify({
        error: {
          message: 'Provider returned error',
          code: 400,
          metadata: {
            raw: '{"error":{"message":"This model\'s maximum context length is 262144 tokens. However, your messages resulted in 262897 tokens.","type":"Bad Request","code":400}}',
            provider_name: 'Nvidia',
          },
        },
      }),
      { code: undefined, param: undefined, refusal: 'context-length' },
    ],
    [
      'llama.cpp exceed_context_size_error',
      JSON.stringify({
        error: {
          code: 400,
          message:
            'request (65561 tokens) exceeds the available context size (65536 tokens), try increasing it',
          type: 'exceed_context_size_error',
          n_prompt_tokens: 65561,
          n_ctx: 65536,
        },
      }),
      { code: 'exceed_context_size_error', param: undefined, refusal: 'context-length' },
    ],
    [
      'Azure OpenAI content_filter with innererror',
      JSON.stringify({
        error: {
          message:
            "The response was filtered due to the prompt triggering Azure OpenAI's content management policy. Please modify your prompt and retry.",
          type: null,
          param: 'prompt',
          code: 'content_filter',
          status: 400,
          innererror: {
            code: 'ResponsibleAIPolicyViolation',
            content_filter_result: { violence: { filtered: true, severity: 'medium' } },
          },
        },
      }),
      { code: 'content_filter', param: 'prompt', refusal: 'content-policy' },
    ],
    [
      'Azure OpenAI content_filter without innererror',
      error('filtered', null, 'prompt', 'content_filter'),
      { code: 'content_filter', param: 'prompt', refusal: 'content-policy' },
    ],
    [
      'OpenAI content_policy_violation',
      error(
        'Your request was rejected as a result of our safety system.',
        'invalid_request_error',
        null,
        'content_policy_violation',
      ),
      { code: 'content_policy_violation', param: undefined, refusal: 'content-policy' },
    ],
    [
      'OpenAI invalid_prompt flagged by the usage policy',
      error(
        'Invalid prompt: your prompt was flagged as potentially violating our usage policy. Please try again with a different prompt: https://platform.openai.com/docs/guides/reasoning#advice-on-prompting',
        'invalid_request_error',
        null,
        'invalid_prompt',
      ),
      { code: 'invalid_prompt', param: undefined, refusal: 'content-policy' },
    ],
    [
      'DeepSeek Content Exists Risk',
      error('Content Exists Risk', 'invalid_request_error', null, 'invalid_request_error'),
      { code: 'invalid_request_error', param: undefined, refusal: 'content-policy' },
    ],
    [
      'DeepSeek Content Exists Risk (detail)',
      JSON.stringify({ detail: 'Content Exists Risk' }),
      { code: undefined, param: undefined, refusal: 'content-policy' },
    ],
  ])('reads %s', (_case, body, facts) => {
    expect(readOpenAiErrorFacts(body)).toEqual(facts);
  });

  it.each([
    [
      'an invalid_prompt that is not about policy',
      error(
        "Invalid 'input': prompt template not found.",
        'invalid_request_error',
        'input',
        'invalid_prompt',
      ),
    ],
    [
      'string_above_max_length, a per-field character cap the same on every model',
      error(
        "Invalid 'messages[1].content': string too long. Expected a string with maximum length 1048576, but got a string with length 3235717 instead.",
        'invalid_request_error',
        'messages[1].content',
        'string_above_max_length',
      ),
    ],
    [
      'string_above_max_length whose prose mentions the context length',
      error(
        'invalid_encrypted_content exceeds maximum context length',
        'invalid_request_error',
        'input[0].encrypted_content',
        'string_above_max_length',
      ),
    ],
    [
      "Groq's 413 over the tokens-per-minute budget",
      error(
        'Request too large for model `llama-3.3-70b-versatile` in organization `org_01` service tier `on_demand` on tokens per minute (TPM): Limit 6000, Requested 14810, please reduce your message size and try again.',
        'tokens',
        null,
        'rate_limit_exceeded',
      ),
    ],
    [
      'max_tokens above the output limit',
      error(
        'max_tokens is too large: 10000. This model supports at most 4096 completion tokens, whereas you provided 10000.',
        'invalid_request_error',
        'max_tokens',
        'invalid_value',
      ),
    ],
  ])('reads no refusal from %s', (_case, body) => {
    expect(readOpenAiErrorFacts(body).refusal).toBeUndefined();
  });

  it('never returns the message it read', () => {
    const facts = readOpenAiErrorFacts(
      error(
        "This model's maximum context length is 8192 tokens (secret sk-live-9).",
        'invalid_request_error',
        'messages',
        'context_length_exceeded',
      ),
    );
    expect(JSON.stringify(facts)).not.toMatch(/sk-live|maximum context/);
  });
});
