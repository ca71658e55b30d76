import type { IncomingHttpHeaders } from 'node:http';
import type { UpstreamErrorFacts } from '../dialects/dialect-codec.ts';
import type { ErrorCode } from '../errors/error-codes.ts';
import { GatewayError } from '../errors/gateway-error.ts';
import { readRetryHint } from '../lib/read-retry-hint.ts';

/** The gateway's code for a request the provider refused, by the reason the body gave. */
function rejectionCode(refusal: UpstreamErrorFacts['refusal']): ErrorCode {
  switch (refusal) {
    case 'context-length':
      return 'SB_ERR_UPSTREAM_CONTEXT_LENGTH';
    case 'content-policy':
      return 'SB_ERR_UPSTREAM_CONTENT_POLICY';
    default:
      return 'SB_ERR_UPSTREAM_REJECTED_REQUEST';
  }
}

/**
 * Turns an upstream error status into the gateway's error. The client learns the class of
 * failure (a request too long for the model's context window and a content-policy refusal are
 * told apart from other rejected requests, from the facts the dialect read) and, for rejected
 * requests, the provider's error code when it is a plain identifier; never the provider's
 * message. Pure.
 */
export function mapUpstreamErrorResponse(
  status: number,
  headers: IncomingHttpHeaders,
  facts: UpstreamErrorFacts,
  providerId: string,
  nowMs: number,
): GatewayError {
  const internalDetail = `provider ${providerId} answered ${status}${facts.code === undefined ? '' : ` (${facts.code})`}`;
  // Every error below carries the provider's status, for attempt traces.
  const upstreamStatus = status;
  if (status === 429) {
    const retryAfterSeconds = readRetryHint(headers, nowMs) ?? facts.retryAfterSeconds;
    return new GatewayError('SB_ERR_UPSTREAM_RATE_LIMITED', {
      internalDetail,
      upstreamStatus,
      ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
    });
  }
  // 498 is Cohere's invalid token; a body may also say so under another status (Google's 400).
  if (status === 401 || status === 403 || status === 498 || facts.credentialRejected === true) {
    return new GatewayError('SB_ERR_UPSTREAM_AUTH', { internalDetail, upstreamStatus });
  }
  if (status === 408 || status === 504) {
    return new GatewayError('SB_ERR_UPSTREAM_TIMEOUT', { internalDetail, upstreamStatus });
  }
  if (status === 503 || status === 529) {
    const retryAfterSeconds = readRetryHint(headers, nowMs) ?? facts.retryAfterSeconds;
    return new GatewayError('SB_ERR_UPSTREAM_OVERLOADED', {
      internalDetail,
      upstreamStatus,
      ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
    });
  }
  // The provider's own failure or account state, not the request: Bedrock's 424
  // ModelErrorException (the model failed), 402 (payment required).
  if (status === 424 || status === 402) {
    return new GatewayError('SB_ERR_UPSTREAM_ERROR', { internalDetail, upstreamStatus });
  }
  if (status === 404) {
    return new GatewayError('SB_ERR_UPSTREAM_ERROR', {
      detail: 'The provider does not serve the configured model or operation.',
      internalDetail,
      upstreamStatus,
    });
  }
  if (status >= 400 && status < 500) {
    // What is left is the provider refusing this request (400, 413, 422...). A request too long
    // for the model's window, or refused by the provider's content policy, gets its own code:
    // the router may send the first to a larger-window model, the second where an operator
    // allows it. A 413 counts when its body says context length (a CDN's 413 page does not).
    return new GatewayError(rejectionCode(facts.refusal), {
      internalDetail:
        facts.refusal === undefined ? internalDetail : `${internalDetail}, ${facts.refusal}`,
      upstreamStatus,
      ...(facts.code === undefined ? {} : { detail: `Provider error code: ${facts.code}.` }),
      ...(facts.param === undefined ? {} : { param: facts.param }),
    });
  }
  return new GatewayError('SB_ERR_UPSTREAM_ERROR', { internalDetail, upstreamStatus });
}
