import type { GatewayError } from '../errors/gateway-error.ts';
import type { ErrorCode } from '../errors/error-codes.ts';

/**
 * Failures that make the next target worth trying: the provider was rate limited, overloaded,
 * failing, slow, unreachable, misconfigured or incoherent. A request the provider rejected as
 * invalid would fail the same way elsewhere, and a client that left needs nothing more.
 */
const fallbackCodes: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'SB_ERR_UPSTREAM_RATE_LIMITED',
  'SB_ERR_UPSTREAM_OVERLOADED',
  'SB_ERR_UPSTREAM_ERROR',
  'SB_ERR_UPSTREAM_TIMEOUT',
  'SB_ERR_UPSTREAM_CONNECTION',
  'SB_ERR_UPSTREAM_AUTH',
  'SB_ERR_UPSTREAM_INVALID_RESPONSE',
  'SB_ERR_UPSTREAM_REDIRECT',
  // The target cannot honour a parameter; another target of the plan may.
  'SB_ERR_REQUEST_UNSUPPORTED_PARAMETER',
]);

/** Whether a failed attempt should fall back to the next target of the plan. */
export function shouldFallBack(error: GatewayError): boolean {
  return fallbackCodes.has(error.code);
}
