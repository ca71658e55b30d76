import type { IncomingHttpHeaders } from 'node:http';
import type { Dispatcher } from 'undici';
import type { UpstreamTimeouts } from '../config/gateway-config.ts';
import { GatewayError } from '../errors/gateway-error.ts';
import type { UpstreamPool } from './upstream-pool.ts';

export interface UpstreamRequest {
  readonly url: URL;
  readonly method: 'GET' | 'POST';
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | Buffer | undefined;
  readonly timeouts: UpstreamTimeouts;
  /** Aborts the exchange when the client goes away. */
  readonly signal: AbortSignal;
}

/** A response whose headers have arrived; its body is still streaming. */
export interface UpstreamResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Dispatcher.ResponseData['body'];
  /**
   * Ends the exchange: clears its timers and discards any unread body. Safe to call more than
   * once; must be called when the caller is done, successful or not.
   */
  release(): void;
  /** Turns an error thrown while reading `body` into the matching `GatewayError`. */
  explainFailure(error: unknown): GatewayError;
}

type AbortCause = 'client' | 'total-timeout';

/**
 * Sends one request to a provider through the shared pool. Never follows redirects (the request
 * carries credentials): a 3xx is an error. Enforces the connect, first-byte (headers), idle
 * (between body chunks) and total timeouts, and aborts when `signal` fires. Throws `GatewayError`.
 */
export async function sendUpstreamRequest(
  pool: UpstreamPool,
  request: UpstreamRequest,
): Promise<UpstreamResponse> {
  const controller = new AbortController();
  let abortCause: AbortCause | undefined;
  const abort = (cause: AbortCause): void => {
    if (abortCause === undefined) {
      abortCause = cause;
      controller.abort();
    }
  };
  const onClientAbort = (): void => abort('client');
  if (request.signal.aborted) {
    throw new GatewayError('SB_ERR_CLIENT_CLOSED');
  }
  request.signal.addEventListener('abort', onClientAbort, { once: true });
  const timer = setTimeout(() => abort('total-timeout'), request.timeouts.totalMs);
  let released = false;
  const release = (): void => {
    if (!released) {
      released = true;
      clearTimeout(timer);
      request.signal.removeEventListener('abort', onClientAbort);
    }
  };
  const explainFailure = (error: unknown): GatewayError =>
    explainUpstreamFailure(error, abortCause, request.url.origin);

  let response: Dispatcher.ResponseData;
  try {
    response = await pool.dispatcher.request({
      origin: request.url.origin,
      path: request.url.pathname + request.url.search,
      method: request.method,
      headers: request.headers,
      body: request.body ?? null,
      signal: controller.signal,
      headersTimeout: request.timeouts.firstByteMs,
      bodyTimeout: request.timeouts.idleMs,
    });
  } catch (error) {
    release();
    throw explainFailure(error);
  }
  // Destroying an unread body emits an abort error; readers see errors through iteration, and
  // this listener keeps a released body from ever becoming an uncaught exception.
  response.body.on('error', ignoreError);
  const upstreamResponse: UpstreamResponse = {
    status: response.statusCode,
    headers: response.headers,
    body: response.body,
    release() {
      release();
      if (!response.body.destroyed && !response.body.readableEnded) {
        response.body.destroy();
      }
    },
    explainFailure,
  };
  if (response.statusCode >= 300 && response.statusCode < 400) {
    upstreamResponse.release();
    throw new GatewayError('SB_ERR_UPSTREAM_REDIRECT', {
      internalDetail: `${request.url.origin} answered ${response.statusCode}`,
    });
  }
  return upstreamResponse;
}

function ignoreError(): void {
  // Intentionally empty: see where it is attached.
}

const connectionFailureCodes = new Set([
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

function explainUpstreamFailure(
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
  switch (code) {
    case 'UND_ERR_CONNECT_TIMEOUT':
      return new GatewayError('SB_ERR_UPSTREAM_TIMEOUT', {
        detail: 'Connecting to the provider timed out.',
        internalDetail: `${origin}: connect timeout`,
        cause: error,
      });
    case 'UND_ERR_HEADERS_TIMEOUT':
      return new GatewayError('SB_ERR_UPSTREAM_TIMEOUT', {
        detail: 'The provider did not start answering in time.',
        internalDetail: `${origin}: first-byte timeout`,
        cause: error,
      });
    case 'UND_ERR_BODY_TIMEOUT':
      return new GatewayError('SB_ERR_UPSTREAM_TIMEOUT', {
        detail: 'The provider stopped sending in the middle of its answer.',
        internalDetail: `${origin}: idle timeout between chunks`,
        cause: error,
      });
    default:
      break;
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
