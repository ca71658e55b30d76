import type { IncomingHttpHeaders } from 'node:http';
import type { UpstreamErrorFacts } from '../dialects/dialect-codec.ts';
import { GatewayError } from '../errors/gateway-error.ts';
import { parseRetryAfter } from '../lib/parse-retry-after.ts';

/**
 * Turns an upstream error status into the gateway's error. The client learns the class of
 * failure and, for rejected requests, the provider's error code when it is a plain identifier;
 * never the provider's message. Pure.
 */
export function mapUpstreamErrorResponse(
  status: number,
  headers: IncomingHttpHeaders,
  facts: UpstreamErrorFacts,
  providerId: string,
  nowMs: number,
): GatewayError {
  const internalDetail = `provider ${providerId} answered ${status}${facts.code === undefined ? '' : ` (${facts.code})`}`;
  if (status === 429) {
    const retryAfterSeconds =
      parseRetryAfter(headers['retry-after'], nowMs) ?? facts.retryAfterSeconds;
    return new GatewayError('SB_ERR_UPSTREAM_RATE_LIMITED', {
      internalDetail,
      ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
    });
  }
  if (status === 401 || status === 403) {
    return new GatewayError('SB_ERR_UPSTREAM_AUTH', { internalDetail });
  }
  if (status === 408 || status === 504) {
    return new GatewayError('SB_ERR_UPSTREAM_TIMEOUT', { internalDetail });
  }
  if (status === 503 || status === 529) {
    const retryAfterSeconds =
      parseRetryAfter(headers['retry-after'], nowMs) ?? facts.retryAfterSeconds;
    return new GatewayError('SB_ERR_UPSTREAM_OVERLOADED', {
      internalDetail,
      ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
    });
  }
  if (status === 404) {
    return new GatewayError('SB_ERR_UPSTREAM_ERROR', {
      detail: 'The provider does not serve the configured model or operation.',
      internalDetail,
    });
  }
  if (status >= 400 && status < 500) {
    return new GatewayError('SB_ERR_UPSTREAM_REJECTED_REQUEST', {
      internalDetail,
      ...(facts.code === undefined ? {} : { detail: `Provider error code: ${facts.code}.` }),
      ...(facts.param === undefined ? {} : { param: facts.param }),
    });
  }
  return new GatewayError('SB_ERR_UPSTREAM_ERROR', { internalDetail });
}
