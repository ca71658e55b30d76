import type { IncomingHttpHeaders } from 'node:http';
import type { Dispatcher } from 'undici';
import type { UpstreamTimeouts } from '../config/gateway-config.ts';
import type { Cancellation } from '../lib/cancellation.ts';
import { GatewayError } from '../errors/gateway-error.ts';
import { explainUpstreamFailure, type AbortCause } from './explain-upstream-failure.ts';
import type { UpstreamPool } from './upstream-pool.ts';

export interface UpstreamRequest {
  readonly url: URL;
  readonly method: 'GET' | 'POST';
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | Buffer | undefined;
  readonly timeouts: UpstreamTimeouts;
  /** Aborts the exchange when the client goes away. */
  readonly cancellation: Cancellation;
}

/** A response whose headers have arrived; its body is read with `next()` or `readAll()`. */
export interface UpstreamExchange {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  /** The next body chunk, or null once the body has ended. Rejects with `GatewayError`. */
  next(): Promise<Buffer | null>;
  /** The whole body; rejects with `GatewayError` past `maxBytes` or on failure. Ends the exchange. */
  readAll(maxBytes: number): Promise<Buffer>;
  /**
   * Ends the exchange: clears its timers and discards anything unread (aborting the transfer).
   * Safe to call more than once; must be called when the caller is done, whatever happened.
   */
  release(): void;
}

/** Body bytes buffered before the upstream socket is paused for a slow consumer. */
const highWaterBytes = 64 * 1024;

/**
 * Sends one request to a provider through the shared pool, using undici's dispatch interface
 * directly (no intermediate streams), and resolves once the response headers arrive. Never
 * follows redirects: a 3xx is an error. Enforces the connect, first-byte, idle (between body
 * chunks) and total timeouts, aborts when the client cancels, and pauses the upstream socket while
 * unread body data exceeds 64 KiB, so a slow client holds back the provider instead of memory.
 * Rejects with `GatewayError`.
 */
export function openUpstreamExchange(
  pool: UpstreamPool,
  request: UpstreamRequest,
): Promise<UpstreamExchange> {
  if (request.cancellation.cancelled) {
    return Promise.reject(new GatewayError('SB_ERR_CLIENT_CLOSED'));
  }
  return new Promise((resolveHeaders, rejectHeaders) => {
    const origin = request.url.origin;
    let controller: Dispatcher.DispatchController | undefined;
    let abortCause: AbortCause | undefined;
    let headersSettled = false;
    let released = false;
    let ended = false;
    let failure: GatewayError | undefined;
    const chunks: Buffer[] = [];
    let bufferedBytes = 0;
    let waiting:
      | { resolve: (chunk: Buffer | null) => void; reject: (error: GatewayError) => void }
      | undefined;
    let collecting:
      | {
          limit: number;
          size: number;
          resolve: (body: Buffer) => void;
          reject: (error: GatewayError) => void;
        }
      | undefined;

    const abort = (cause: AbortCause): void => {
      if (abortCause === undefined && !ended) {
        abortCause = cause;
        controller?.abort(new Error(cause));
      }
    };
    const onClientAbort = (): void => abort('client');
    const unsubscribe = request.cancellation.subscribe(onClientAbort);
    const timer = setTimeout(() => abort('total-timeout'), request.timeouts.totalMs);

    const release = (): void => {
      if (released) {
        return;
      }
      released = true;
      clearTimeout(timer);
      unsubscribe();
      if (!ended && failure === undefined) {
        abortCause ??= 'released';
        controller?.abort(new Error('released'));
      }
      chunks.length = 0;
    };

    const fail = (error: GatewayError): void => {
      failure = error;
      if (!headersSettled) {
        headersSettled = true;
        release();
        rejectHeaders(error);
        return;
      }
      waiting?.reject(error);
      waiting = undefined;
      collecting?.reject(error);
      collecting = undefined;
    };

    const exchange = (status: number, headers: IncomingHttpHeaders): UpstreamExchange => ({
      status,
      headers,
      next() {
        const chunk = chunks.shift();
        if (chunk !== undefined) {
          bufferedBytes -= chunk.length;
          if (controller?.paused === true && bufferedBytes < highWaterBytes) {
            controller.resume();
          }
          return Promise.resolve(chunk);
        }
        if (failure !== undefined) {
          return Promise.reject(failure);
        }
        if (ended) {
          return Promise.resolve(null);
        }
        return new Promise((resolve, reject) => {
          waiting = { resolve, reject };
        });
      },
      readAll(maxBytes) {
        return new Promise<Buffer>((resolve, reject) => {
          const finish = (body: Buffer): void => {
            release();
            resolve(body);
          };
          const refuse = (error: GatewayError): void => {
            release();
            reject(error);
          };
          if (failure !== undefined) {
            refuse(failure);
            return;
          }
          if (bufferedBytes > maxBytes) {
            refuse(tooLarge(origin, maxBytes));
            return;
          }
          if (ended) {
            finish(
              chunks.length === 1
                ? (chunks[0] ?? Buffer.alloc(0))
                : Buffer.concat(chunks, bufferedBytes),
            );
            return;
          }
          controller?.resume();
          collecting = { limit: maxBytes, size: bufferedBytes, resolve: finish, reject: refuse };
        });
      },
      release,
    });

    pool.dispatcher.dispatch(
      {
        origin,
        path: request.url.pathname + request.url.search,
        method: request.method,
        headers: request.headers,
        body: request.body ?? null,
        headersTimeout: request.timeouts.firstByteMs,
        bodyTimeout: request.timeouts.idleMs,
      },
      {
        onRequestStart(dispatchController) {
          controller = dispatchController;
          if (abortCause !== undefined) {
            dispatchController.abort(new Error(abortCause));
          }
        },
        onResponseStart(_dispatchController, statusCode, headers) {
          if (statusCode < 200) {
            return;
          }
          headersSettled = true;
          if (statusCode >= 300 && statusCode < 400) {
            release();
            rejectHeaders(
              new GatewayError('SB_ERR_UPSTREAM_REDIRECT', {
                internalDetail: `${origin} answered ${statusCode}`,
              }),
            );
            return;
          }
          resolveHeaders(exchange(statusCode, headers));
        },
        onResponseData(dispatchController, chunk) {
          if (released) {
            return;
          }
          if (collecting !== undefined) {
            collecting.size += chunk.length;
            if (collecting.size > collecting.limit) {
              fail(tooLarge(origin, collecting.limit));
              return;
            }
            chunks.push(chunk);
            bufferedBytes += chunk.length;
            return;
          }
          if (waiting !== undefined) {
            const consumer = waiting;
            waiting = undefined;
            consumer.resolve(chunk);
            return;
          }
          chunks.push(chunk);
          bufferedBytes += chunk.length;
          if (bufferedBytes >= highWaterBytes) {
            dispatchController.pause();
          }
        },
        onResponseEnd() {
          ended = true;
          clearTimeout(timer);
          if (collecting !== undefined) {
            const { resolve } = collecting;
            collecting = undefined;
            resolve(
              chunks.length === 1
                ? (chunks[0] ?? Buffer.alloc(0))
                : Buffer.concat(chunks, bufferedBytes),
            );
            return;
          }
          waiting?.resolve(null);
          waiting = undefined;
        },
        onResponseError(_dispatchController, error) {
          if (abortCause === 'released') {
            return;
          }
          fail(explainUpstreamFailure(error, abortCause, origin));
        },
      },
    );
  });
}

function tooLarge(origin: string, limit: number): GatewayError {
  return new GatewayError('SB_ERR_UPSTREAM_INVALID_RESPONSE', {
    internalDetail: `${origin}: response body exceeded ${limit} bytes`,
  });
}
