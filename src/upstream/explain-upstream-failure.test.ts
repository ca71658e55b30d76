import { describe, expect, it } from 'vitest';
import { classifyError } from '../routing/error-class.ts';
import { failureEffect } from '../routing/health/failure-effect.ts';
import { explainUpstreamFailure } from './explain-upstream-failure.ts';

/** A socket error as Node raises it, wrapped the way undici passes it on. */
function socketError(code: string): Error {
  const cause = Object.assign(new Error(`connect ${code} 127.0.0.1:443`), { code });
  return new TypeError('fetch failed', { cause });
}

describe('explainUpstreamFailure', () => {
  it.each(['EMFILE', 'ENFILE', 'ENOBUFS', 'ENOMEM', 'EADDRNOTAVAIL'])(
    "%s is this process's own shortage: a retryable 503 that leaves the deployment's health alone",
    (code) => {
      const error = explainUpstreamFailure(socketError(code), undefined, 'https://api.example');
      expect(error.code).toBe('SB_ERR_GATEWAY_CAPACITY');
      expect(error.status).toBe(503);
      expect(failureEffect(classifyError(error))).toBe('neutral');
    },
  );

  it.each(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND'])(
    '%s is the provider unreachable: it counts against the deployment',
    (code) => {
      const error = explainUpstreamFailure(socketError(code), undefined, 'https://api.example');
      expect(error.code).toBe('SB_ERR_UPSTREAM_CONNECTION');
      expect(failureEffect(classifyError(error))).toBe('breaker-failure');
    },
  );
});
