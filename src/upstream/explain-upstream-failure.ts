import { GatewayError } from '../errors/gateway-error.ts';

/** Why the gateway itself aborted an exchange, if it did. */
export type AbortCause =
  'client' | 'total-timeout' | 'first-byte-timeout' | 'idle-timeout' | 'released';

const connectionFailureCodes: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
]);

/**
 * Failures of this process's own resources, not the provider's: out of file descriptors (per
 * process or system-wide), socket buffers, memory or local ports. They say nothing about the
 * deployment, so they must not count against its health (a descriptor flood would otherwise open
 * every breaker and keep serving 503s after the flood has passed).
 */
const localResourceCodes: ReadonlySet<string> = new Set([
  'EMFILE',
  'ENFILE',
  'ENOBUFS',
  'ENOMEM',
  'EADDRNOTAVAIL',
]);

function readErrorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current instanceof Error; depth += 1) {
    if ('code' in current && typeof current.code === 'string') {
      return current.code;
    }
    current = current.cause;
  }
  return undefined;
}

/**
 * Maps a failure of an upstream exchange (an undici or socket error, or an abort the gateway
 * caused) to the gateway error a client sees. The detail for logs names the origin and the
 * failure class, never a credential. Pure.
 */
export function explainUpstreamFailure(
  error: unknown,
  abortCause: AbortCause | undefined,
  origin: string,
): GatewayError {
  if (error instanceof GatewayError) {
    return error;
  }
  if (abortCause === 'client') {
    return new GatewayError('SB_ERR_CLIENT_CLOSED', { cause: error });
  }
  if (abortCause === 'total-timeout') {
    return new GatewayError('SB_ERR_UPSTREAM_TIMEOUT', {
      detail: 'The total time allowed for the exchange ran out.',
      internalDetail: `${origin}: total timeout`,
      cause: error,
    });
  }
  const code = readErrorCode(error);
  if (abortCause === 'first-byte-timeout' || code === 'UND_ERR_HEADERS_TIMEOUT') {
    return new GatewayError('SB_ERR_UPSTREAM_TIMEOUT', {
      detail: 'The provider did not start answering in time.',
      internalDetail: `${origin}: first-byte timeout`,
      cause: error,
    });
  }
  if (code === 'UND_ERR_CONNECT_TIMEOUT') {
    return new GatewayError('SB_ERR_UPSTREAM_TIMEOUT', {
      detail: 'Connecting to the provider timed out.',
      internalDetail: `${origin}: connect timeout`,
      cause: error,
    });
  }
  if (abortCause === 'idle-timeout' || code === 'UND_ERR_BODY_TIMEOUT') {
    return new GatewayError('SB_ERR_UPSTREAM_TIMEOUT', {
      detail: 'The provider stopped sending in the middle of its answer.',
      internalDetail: `${origin}: idle timeout between chunks`,
      cause: error,
    });
  }
  if (code === 'UND_ERR_RES_EXCEEDED_MAX_SIZE') {
    return new GatewayError('SB_ERR_UPSTREAM_INVALID_RESPONSE', {
      internalDetail: `${origin}: response exceeded the size limit`,
      cause: error,
    });
  }
  if (code !== undefined && localResourceCodes.has(code)) {
    return new GatewayError('SB_ERR_GATEWAY_CAPACITY', {
      internalDetail: `${origin}: ${code} (this process's own resources)`,
      cause: error,
    });
  }
  if (code !== undefined && connectionFailureCodes.has(code)) {
    return new GatewayError('SB_ERR_UPSTREAM_CONNECTION', {
      internalDetail: `${origin}: ${code}`,
      cause: error,
    });
  }
  return new GatewayError('SB_ERR_UPSTREAM_ERROR', {
    internalDetail: `${origin}: ${error instanceof Error ? error.message : String(error)}`,
    cause: error,
  });
}
