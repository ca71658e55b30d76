import type { IncomingHttpHeaders } from 'node:http';
import type { UpstreamErrorFacts } from '../dialects/dialect-codec.ts';
import { GatewayError } from '../errors/gateway-error.ts';
import { readRetryHint } from '../lib/read-retry-hint.ts';

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
    const retryAfterSeconds = readRetryHint(headers, nowMs) ?? facts.retryAfterSeconds;
    return new GatewayError('SB_ERR_UPSTREAM_RATE_LIMITED', {
      internalDetail,
      ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
    });
  }
  // 498 is Cohere's invalid token; a body may also say so under another status (Google's 400).
  if (status === 401 || status === 403 || status === 498 || facts.credentialRejected === true) {
    return new GatewayError('SB_ERR_UPSTREAM_AUTH', { internalDetail });
  }
  if (status === 408 || status === 504) {
    return new GatewayError('SB_ERR_UPSTREAM_TIMEOUT', { internalDetail });
  }
  if (status === 503 || status === 529) {
    const retryAfterSeconds = readRetryHint(headers, nowMs) ?? facts.retryAfterSeconds;
    return new GatewayError('SB_ERR_UPSTREAM_OVERLOADED', {
      internalDetail,
      ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
    });
  }
  // The provider's own failure or account state, not the request: Bedrock's 424
  // ModelErrorException (the model failed), 402 (payment required).
  if (status === 424 || status === 402) {
    return new GatewayError('SB_ERR_UPSTREAM_ERROR', { internalDetail });
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
