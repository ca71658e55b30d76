import { describe, expect, it } from 'vitest';
import { readRecordingText } from '../../../test/helpers/provider-recordings.ts';
import {
  readGeminiErrorFacts,
  readGeminiRetryDelaySeconds,
} from './gemini-generate-content-error-body.ts';

function body(code: number, status: string, message = 'Upstream secret detail sk-live-123') {
  return JSON.stringify({ error: { code, message, status } });
}

describe('readGeminiErrorFacts', () => {
  it('reads the status of the recorded 429 body, never its message (google-429-retry-info.json)', () => {
    const text = readRecordingText('gemini-generate-content/google-429-retry-info.json');
    const facts = readGeminiErrorFacts(text);
    expect(facts).toEqual({ code: 'RESOURCE_EXHAUSTED', param: undefined, retryAfterSeconds: 35 });
    expect(JSON.stringify(facts)).not.toContain('quota');
  });

  // Status names per HTTP status as Google's APIs send them (529 is not Google's; it is kept
  // because the gateway's retry tables know it).
  it.each([
    [400, 'INVALID_ARGUMENT'],
    [400, 'FAILED_PRECONDITION'],
    [401, 'UNAUTHENTICATED'],
    [403, 'PERMISSION_DENIED'],
    [404, 'NOT_FOUND'],
    [413, 'INVALID_ARGUMENT'],
    [429, 'RESOURCE_EXHAUSTED'],
    [500, 'INTERNAL'],
    [503, 'UNAVAILABLE'],
    [504, 'DEADLINE_EXCEEDED'],
    [529, 'UNAVAILABLE'],
  ])('reads a %i body with status %s', (code, status) => {
    const facts = readGeminiErrorFacts(body(code, status));
    expect(facts).toEqual({ code: status, param: undefined });
    expect(JSON.stringify(facts)).not.toContain('sk-live-123');
  });

  it('accepts the body wrapped in an array (streaming without alt=sse)', () => {
    expect(readGeminiErrorFacts(`[${body(400, 'INVALID_ARGUMENT')}]`).code).toBe(
      'INVALID_ARGUMENT',
    );
  });

  it.each([
    ['not JSON', '<html>Bad gateway</html>'],
    ['no error object', '{"candidates": []}'],
    ['a status that is free text', body(400, 'Invalid value at contents[0]')],
    ['a lower-case status', body(400, 'invalid_argument')],
    ['a numeric status', JSON.stringify({ error: { code: 400, status: 400 } })],
    ['an empty array', '[]'],
  ])('returns no code for %s', (_name, text) => {
    expect(readGeminiErrorFacts(text)).toEqual({ code: undefined, param: undefined });
  });

  it('never returns a field path as param', () => {
    const text = JSON.stringify({
      error: {
        code: 400,
        message: 'bad',
        status: 'INVALID_ARGUMENT',
        details: [
          {
            '@type': 'type.googleapis.com/google.rpc.BadRequest',
            fieldViolations: [{ field: 'generation_config.temperature', description: 'x' }],
          },
        ],
      },
    });
    expect(readGeminiErrorFacts(text).param).toBeUndefined();
  });
});

describe('readGeminiRetryDelaySeconds', () => {
  it('reads RetryInfo from the recorded 429 body, rounded up', () => {
    const text = readRecordingText('gemini-generate-content/google-429-retry-info.json');
    expect(readGeminiRetryDelaySeconds(text)).toBe(35);
  });

  it('is undefined without RetryInfo or with an unreadable delay', () => {
    expect(readGeminiRetryDelaySeconds(body(429, 'RESOURCE_EXHAUSTED'))).toBeUndefined();
    expect(readGeminiRetryDelaySeconds('nope')).toBeUndefined();
    const helpOnly = JSON.stringify({
      error: { details: [{ '@type': 'type.googleapis.com/google.rpc.Help', links: [] }] },
    });
    expect(readGeminiRetryDelaySeconds(helpOnly)).toBeUndefined();
    const odd = JSON.stringify({
      error: {
        details: [
          { '@type': 'type.googleapis.com/google.rpc.Help' },
          { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '2m' },
        ],
      },
    });
    expect(readGeminiRetryDelaySeconds(odd)).toBeUndefined();
  });
});

describe('readGeminiErrorFacts on a refused API key', () => {
  it('says the credential was refused when ErrorInfo gives an API_KEY reason', () => {
    const body = JSON.stringify({
      error: {
        code: 400,
        message: 'API key not valid. Please pass a valid API key.',
        status: 'INVALID_ARGUMENT',
        details: [
          {
            '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
            reason: 'API_KEY_INVALID',
            domain: 'googleapis.com',
          },
        ],
      },
    });
    expect(readGeminiErrorFacts(body)).toEqual({
      code: 'INVALID_ARGUMENT',
      param: undefined,
      credentialRejected: true,
    });
  });
});

describe('readGeminiErrorFacts on a request too long for the window', () => {
  // AI Studio and Vertex AI answer 400 INVALID_ARGUMENT, sometimes with Google's legacy `errors`.
  // https://ai.google.dev/gemini-api/docs/troubleshooting#error-codes ; google-gemini/gemini-cli#6678
  it('reads the input token count message as a context-length refusal', () => {
    expect(
      readGeminiErrorFacts(
        body(
          400,
          'INVALID_ARGUMENT',
          'The input token count (1200293) exceeds the maximum number of tokens allowed (1048576).',
        ),
      ),
    ).toEqual({ code: 'INVALID_ARGUMENT', param: undefined, refusal: 'context-length' });
    expect(
      readGeminiErrorFacts(
        JSON.stringify([
          {
            error: {
              code: 400,
              message: 'The input token count exceeds the maximum number of tokens allowed.',
              errors: [
                {
                  message: 'The input token count exceeds the maximum number of tokens allowed.',
                  domain: 'global',
                  reason: 'badRequest',
                },
              ],
              status: 'INVALID_ARGUMENT',
            },
          },
        ]),
      ).refusal,
    ).toBe('context-length');
  });

  it('reads no refusal from other statuses, other messages, or a policy-sounding message', () => {
    expect(
      readGeminiErrorFacts(
        body(429, 'RESOURCE_EXHAUSTED', 'Quota exceeded for input token count per minute.'),
      ).refusal,
    ).toBeUndefined();
    expect(
      readGeminiErrorFacts(
        body(
          400,
          'INVALID_ARGUMENT',
          '* GenerateContentRequest.contents: contents is not specified',
        ),
      ).refusal,
    ).toBeUndefined();
    // Gemini refuses unsafe prompts with a 200 and `promptFeedback.blockReason`, not an error.
    expect(
      readGeminiErrorFacts(body(400, 'INVALID_ARGUMENT', 'violates our usage policy')).refusal,
    ).toBeUndefined();
  });
});
