import type { DialectId } from '../canonical/dialect-id.ts';
import { GatewayError } from '../errors/gateway-error.ts';

/** The two ways an upstream stream fails: unreadable, or the provider says it failed. */
export type StreamFailureCode = 'SB_ERR_UPSTREAM_INVALID_RESPONSE' | 'SB_ERR_UPSTREAM_ERROR';

/**
 * The error a stream decoder reports: the detail (never provider text) goes to the log only; a
 * provider-reported failure tells the client it happened mid-stream. Pure.
 */
export function streamFailure(
  dialect: DialectId,
  detail: string,
  code: StreamFailureCode,
): GatewayError {
  return new GatewayError(code, {
    internalDetail: `${dialect} stream: ${detail}`,
    ...(code === 'SB_ERR_UPSTREAM_ERROR'
      ? { detail: 'The provider reported an error in the middle of the stream.' }
      : {}),
  });
}
