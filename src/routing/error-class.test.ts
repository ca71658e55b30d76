import { describe, expect, it } from 'vitest';
import type { ErrorCode } from '../errors/error-codes.ts';
import { GatewayError } from '../errors/gateway-error.ts';
import {
  classifyError,
  configurableFallbackClasses,
  defaultFallbackClasses,
  errorClasses,
  isRetryable,
  type ErrorClass,
} from './error-class.ts';

describe('classifyError', () => {
  it.each<[ErrorCode, number | undefined, ErrorClass]>([
    ['SB_ERR_UPSTREAM_RATE_LIMITED', 429, 'rate-limited'],
    ['SB_ERR_UPSTREAM_OVERLOADED', 529, 'overloaded'],
    ['SB_ERR_UPSTREAM_ERROR', 500, 'server-error'],
    ['SB_ERR_UPSTREAM_ERROR', undefined, 'server-error'],
    ['SB_ERR_UPSTREAM_ERROR', 404, 'not-found'],
    ['SB_ERR_UPSTREAM_TIMEOUT', 504, 'timeout'],
    ['SB_ERR_UPSTREAM_CONNECTION', undefined, 'connection'],
    ['SB_ERR_UPSTREAM_AUTH', 401, 'auth'],
    ['SB_ERR_UPSTREAM_INVALID_RESPONSE', undefined, 'invalid-response'],
    ['SB_ERR_UPSTREAM_REDIRECT', 302, 'invalid-response'],
    ['SB_ERR_REQUEST_UNSUPPORTED_PARAMETER', undefined, 'unsupported'],
    ['SB_ERR_UPSTREAM_CONTEXT_LENGTH', 400, 'context-length'],
    ['SB_ERR_UPSTREAM_CONTENT_POLICY', 400, 'content-policy'],
    ['SB_ERR_UPSTREAM_REJECTED_REQUEST', 400, 'rejected'],
    ['SB_ERR_CLIENT_CLOSED', undefined, 'client-closed'],
    ['SB_ERR_INTERNAL', undefined, 'internal'],
    ['SB_ERR_REQUEST_INVALID', undefined, 'internal'],
  ])('%s with status %s is %s', (code, status, expected) => {
    const error = new GatewayError(code, status === undefined ? {} : { upstreamStatus: status });
    expect(classifyError(error)).toBe(expected);
  });
});

describe('retry and fallback defaults', () => {
  it('retries only transient provider trouble', () => {
    expect(errorClasses.filter(isRetryable)).toEqual([
      'rate-limited',
      'overloaded',
      'server-error',
      'timeout',
      'connection',
    ]);
  });

  it('falls back by default on everything but content policy, rejections and the client leaving', () => {
    expect(errorClasses.filter((name) => !defaultFallbackClasses.includes(name))).toEqual([
      'content-policy',
      'rejected',
      // Not configurable: a cascade's rejected answer always escalates (see executePlan).
      'cascade-rejected',
      'client-closed',
      'internal',
    ]);
    expect(configurableFallbackClasses).toContain('content-policy');
  });
});
