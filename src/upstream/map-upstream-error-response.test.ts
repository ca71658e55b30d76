import { describe, expect, it } from 'vitest';
import { mapUpstreamErrorResponse } from './map-upstream-error-response.ts';

const none = { code: undefined, param: undefined };
const now = Date.parse('2026-11-22T00:00:00Z');

describe('mapUpstreamErrorResponse', () => {
  it.each([
    [400, 'SB_ERR_UPSTREAM_REJECTED_REQUEST'],
    [401, 'SB_ERR_UPSTREAM_AUTH'],
    [403, 'SB_ERR_UPSTREAM_AUTH'],
    [404, 'SB_ERR_UPSTREAM_ERROR'],
    [408, 'SB_ERR_UPSTREAM_TIMEOUT'],
    [413, 'SB_ERR_UPSTREAM_REJECTED_REQUEST'],
    [429, 'SB_ERR_UPSTREAM_RATE_LIMITED'],
    [500, 'SB_ERR_UPSTREAM_ERROR'],
    [503, 'SB_ERR_UPSTREAM_OVERLOADED'],
    [504, 'SB_ERR_UPSTREAM_TIMEOUT'],
    [529, 'SB_ERR_UPSTREAM_OVERLOADED'],
  ])('maps %d to %s', (status, code) => {
    expect(mapUpstreamErrorResponse(status, {}, none, 'p', now).code).toBe(code);
  });

  it('takes the wait from Retry-After, else from the body when the provider says it there', () => {
    expect(
      mapUpstreamErrorResponse(429, { 'retry-after': '7' }, none, 'p', now).retryAfterSeconds,
    ).toBe(7);
    expect(
      mapUpstreamErrorResponse(429, {}, { ...none, retryAfterSeconds: 35 }, 'p', now)
        .retryAfterSeconds,
    ).toBe(35);
    expect(
      mapUpstreamErrorResponse(
        529,
        { 'retry-after': '2' },
        { ...none, retryAfterSeconds: 35 },
        'p',
        now,
      ).retryAfterSeconds,
    ).toBe(2);
    expect(mapUpstreamErrorResponse(429, {}, none, 'p', now).retryAfterSeconds).toBeUndefined();
  });

  it('repeats only identifier-like codes and params of a rejected request', () => {
    const error = mapUpstreamErrorResponse(
      400,
      {},
      { code: 'context_length_exceeded', param: 'messages' },
      'p',
      now,
    );
    expect(error.publicMessage).toContain('context_length_exceeded');
    expect(error.param).toBe('messages');
  });
});

describe('statuses whose meaning is not the client request', () => {
  it('treats a refused credential as the operator problem it is, whatever the status', () => {
    expect(mapUpstreamErrorResponse(498, {}, none, 'p', now).code).toBe('SB_ERR_UPSTREAM_AUTH');
    expect(
      mapUpstreamErrorResponse(400, {}, { ...none, credentialRejected: true }, 'p', now).code,
    ).toBe('SB_ERR_UPSTREAM_AUTH');
  });

  it('reports a failed model (424) and an unpaid account (402) as provider failures', () => {
    expect(mapUpstreamErrorResponse(424, {}, none, 'p', now).code).toBe('SB_ERR_UPSTREAM_ERROR');
    expect(mapUpstreamErrorResponse(402, {}, none, 'p', now).code).toBe('SB_ERR_UPSTREAM_ERROR');
  });
});

describe('refusals the router treats apart', () => {
  const contextLength = {
    code: 'context_length_exceeded',
    param: 'messages',
    refusal: 'context-length',
  } as const;
  const contentPolicy = {
    code: 'content_filter',
    param: 'prompt',
    refusal: 'content-policy',
  } as const;

  it.each([
    [400, contextLength, 'SB_ERR_UPSTREAM_CONTEXT_LENGTH'],
    [413, contextLength, 'SB_ERR_UPSTREAM_CONTEXT_LENGTH'],
    [422, contextLength, 'SB_ERR_UPSTREAM_CONTEXT_LENGTH'],
    [400, contentPolicy, 'SB_ERR_UPSTREAM_CONTENT_POLICY'],
    [422, contentPolicy, 'SB_ERR_UPSTREAM_CONTENT_POLICY'],
    [400, none, 'SB_ERR_UPSTREAM_REJECTED_REQUEST'],
    [413, none, 'SB_ERR_UPSTREAM_REJECTED_REQUEST'],
    [422, { code: 'invalid_value', param: 'max_tokens' }, 'SB_ERR_UPSTREAM_REJECTED_REQUEST'],
  ] as const)('maps a %i with %j to %s', (status, facts, code) => {
    const error = mapUpstreamErrorResponse(status, {}, facts, 'p', now);
    expect(error.code).toBe(code);
    expect(error.status).toBe(400);
  });

  it.each([
    [401, 'SB_ERR_UPSTREAM_AUTH'],
    [403, 'SB_ERR_UPSTREAM_AUTH'],
    [404, 'SB_ERR_UPSTREAM_ERROR'],
    [408, 'SB_ERR_UPSTREAM_TIMEOUT'],
    [429, 'SB_ERR_UPSTREAM_RATE_LIMITED'],
    [500, 'SB_ERR_UPSTREAM_ERROR'],
    [503, 'SB_ERR_UPSTREAM_OVERLOADED'],
    [529, 'SB_ERR_UPSTREAM_OVERLOADED'],
  ])('lets the status decide a %i, whatever the body says (%s)', (status, code) => {
    expect(mapUpstreamErrorResponse(status, {}, contextLength, 'p', now).code).toBe(code);
    expect(mapUpstreamErrorResponse(status, {}, contentPolicy, 'p', now).code).toBe(code);
  });

  it('lets a refused credential win over a refusal in the same body', () => {
    expect(
      mapUpstreamErrorResponse(400, {}, { ...contextLength, credentialRejected: true }, 'p', now)
        .code,
    ).toBe('SB_ERR_UPSTREAM_AUTH');
  });

  it('keeps the provider code and param as for rejected requests, and says why only internally', () => {
    const error = mapUpstreamErrorResponse(400, {}, contextLength, 'openai', now);
    expect(error.publicMessage).toContain('context_length_exceeded');
    expect(error.param).toBe('messages');
    expect(error.internalDetail).toBe(
      'provider openai answered 400 (context_length_exceeded), context-length',
    );
    const bare = mapUpstreamErrorResponse(
      400,
      {},
      { ...none, refusal: 'content-policy' },
      'p',
      now,
    );
    expect(bare.code).toBe('SB_ERR_UPSTREAM_CONTENT_POLICY');
    expect(bare.param).toBeUndefined();
  });
});
