import { errorCatalogue, type ErrorCode, type ErrorDefinition } from './error-codes.ts';
import { isStorageUnavailable } from './storage-unavailable.ts';

export interface GatewayErrorOptions {
  /**
   * Extra text for the client, appended to the catalogue message. It must never contain upstream
   * bodies, secrets or configuration objects; it is shown only when the code is public.
   */
  readonly detail?: string;
  /** The request field at fault, as a JSON path (`messages[2].content`). */
  readonly param?: string;
  /** For logs only: what really happened. Never sent to the client. */
  readonly internalDetail?: string;
  /** Seconds the client should wait before retrying; becomes a `Retry-After` header. */
  readonly retryAfterSeconds?: number;
  /** The HTTP status a provider answered with, when this error stands for one; for traces. */
  readonly upstreamStatus?: number;
  /**
   * For routing: no other deployment may be tried after this failure, whatever the group's
   * `fallback_on` says (a policy chose to fail rather than fall back).
   */
  readonly noFallback?: boolean;
  readonly cause?: unknown;
}

/**
 * An error with a code from the catalogue. Thrown inside the gateway and turned into a dialect's
 * error body at the edge. Its `publicMessage` is all a client ever sees.
 */
export class GatewayError extends Error {
  readonly code: ErrorCode;
  readonly definition: ErrorDefinition;
  readonly param: string | undefined;
  readonly internalDetail: string | undefined;
  readonly retryAfterSeconds: number | undefined;
  readonly upstreamStatus: number | undefined;
  readonly noFallback: boolean;
  readonly publicMessage: string;

  constructor(code: ErrorCode, options: GatewayErrorOptions = {}) {
    const definition: ErrorDefinition = errorCatalogue[code];
    const publicMessage =
      definition.exposure === 'public' && options.detail !== undefined
        ? `${definition.message} ${options.detail}`
        : definition.message;
    super(
      options.internalDetail === undefined
        ? `${code}: ${publicMessage}`
        : `${code}: ${publicMessage} (${options.internalDetail})`,
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.name = 'GatewayError';
    this.code = code;
    this.definition = definition;
    this.param = options.param;
    this.internalDetail = options.internalDetail;
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.upstreamStatus = options.upstreamStatus;
    this.noFallback = options.noFallback ?? false;
    this.publicMessage = publicMessage;
  }

  get status(): number {
    return this.definition.status;
  }

  get retryable(): boolean {
    return this.definition.retryable;
  }
}

/**
 * Wraps anything thrown into a `GatewayError`, keeping gateway errors as they are. The gateway's
 * database being unreachable is a retryable 503, not an internal error.
 */
export function toGatewayError(error: unknown): GatewayError {
  if (error instanceof GatewayError) {
    return error;
  }
  if (isStorageUnavailable(error)) {
    return new GatewayError('SB_ERR_STORAGE_UNAVAILABLE', {
      retryAfterSeconds: 5,
      internalDetail: error instanceof Error ? error.message : String(error),
      cause: error,
    });
  }
  return new GatewayError('SB_ERR_INTERNAL', {
    internalDetail: error instanceof Error ? error.message : String(error),
    cause: error,
  });
}
