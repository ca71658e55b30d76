import type { IncomingHttpHeaders } from 'node:http';
import type { Dispatcher } from 'undici';
import type { UpstreamTimeouts } from '../config/gateway-config.ts';
import { GatewayError } from '../errors/gateway-error.ts';
import type { Cancellation } from '../lib/cancellation.ts';
import { explainUpstreamFailure, type AbortCause } from './explain-upstream-failure.ts';
import type { UpstreamPool } from './upstream-pool.ts';
import { crashPoint } from '../lib/crash-points.ts';

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
  /**
   * The body bytes that arrived since the last call (at least one chunk: every chunk buffered,
   * joined), or null once the body has ended. Rejects with `GatewayError`.
   */
  next(): Promise<Buffer | null>;
  /** The whole body; rejects with `GatewayError` past `maxBytes` or on failure. Ends the exchange. */
  readAll(maxBytes: number): Promise<Buffer>;
  /**
   * Ends the exchange: clears its timers and discards anything unread (aborting the transfer).
   * Safe to call more than once; must be called when the caller is done, whatever happened.
   */
  release(): void;
  /**
   * Stops aborting when the client leaves, so the rest of the body can still be read (to reach a
   * stream's usage event); the exchange's own timeouts still bound it.
   */
  outliveClient(): void;
}

/** Body bytes buffered before the upstream socket is paused for a slow consumer. */
const highWaterBytes = 64 * 1024;

interface Waiter<T> {
  readonly resolve: (value: T) => void;
  readonly reject: (error: GatewayError) => void;
}

function onTotalTimeout(exchange: DispatchedExchange): void {
  exchange.abort('total-timeout');
}

function onFirstByteTimeout(exchange: DispatchedExchange): void {
  exchange.abort('first-byte-timeout');
}

function onIdleTimeout(exchange: DispatchedExchange): void {
  exchange.abort('idle-timeout');
}

/**
 * One exchange with a provider: the undici dispatch handler and the reader of its response in
 * one object, so a request allocates no closures beyond its promises and one callback for the
 * end of its socket reads. State fields are set by the handler callbacks, in the order undici
 * calls them, and read by `next()` and `readAll()`.
 */
class DispatchedExchange implements Dispatcher.DispatchHandler, UpstreamExchange {
  status = 0;
  headers: IncomingHttpHeaders = {};
  readonly #origin: string;
  /** Set by `onRequestStart`; undefined until undici has taken the request. */
  #controller: Dispatcher.DispatchController | undefined;
  /** Set when the gateway aborts; tells an abort error apart from a network failure. */
  #abortCause: AbortCause | undefined;
  readonly #timer: NodeJS.Timeout;
  /**
   * The first-byte deadline, kept here rather than left to undici's `headersTimeout`, which ticks
   * once a second: a 150 ms setting fired after about a second.
   */
  #firstByteTimer: NodeJS.Timeout | undefined;
  /**
   * The idle deadline between body chunks, kept here for the same reason: undici's `bodyTimeout`
   * (still set, as a backstop) ticks once a second, so a 300 ms `idle_ms` let 700 ms silences
   * through. Disarmed while the gateway itself has paused the transfer (a slow client).
   */
  #idleTimer: NodeJS.Timeout | undefined;
  readonly #idleMs: number;
  readonly #unsubscribe: () => void;
  #headersWaiter: Waiter<UpstreamExchange> | undefined;
  #released = false;
  /** Set when the body has fully arrived. */
  #ended = false;
  #failure: GatewayError | undefined;
  /** Body chunks received and not yet taken, and their total size. */
  #chunks: Buffer[] = [];
  #bufferedBytes = 0;
  /** A `next()` caller waiting for the next chunk. */
  #waiting: Waiter<Buffer | null> | undefined;
  /**
   * Set while the end of the current socket read is due (a microtask): undici hands over every
   * chunk of one read (a chunk per SSE event, often: about 600 in a 64 KB read of an Anthropic
   * stream) in one synchronous loop. At its end the idle deadline is moved once, not once per
   * chunk (the event loop's clock, which timers read, is the same for all of them), and a waiting
   * caller gets every chunk at once instead of one per round trip.
   */
  #readEndDue = false;
  /** `#readEnd` as a callback, made at the first chunk. */
  #onReadEnd: (() => void) | undefined;
  /** A `readAll()` caller, with its size limit and the bytes counted so far. */
  #collecting: (Waiter<Buffer> & { limit: number; size: number }) | undefined;

  constructor(request: UpstreamRequest, headersWaiter: Waiter<UpstreamExchange>) {
    this.#origin = request.url.origin;
    this.#headersWaiter = headersWaiter;
    this.#unsubscribe = request.cancellation.subscribe(() => this.abort('client'));
    this.#timer = setTimeout(onTotalTimeout, request.timeouts.totalMs, this);
    this.#firstByteTimer = setTimeout(onFirstByteTimeout, request.timeouts.firstByteMs, this);
    this.#idleMs = request.timeouts.idleMs;
  }

  #armIdle(): void {
    if (this.#idleTimer !== undefined) {
      this.#idleTimer.refresh();
    } else if (this.#idleMs > 0 && !this.#ended && !this.#released) {
      this.#idleTimer = setTimeout(onIdleTimeout, this.#idleMs, this);
    }
  }

  #disarmIdle(): void {
    clearTimeout(this.#idleTimer);
    this.#idleTimer = undefined;
  }

  abort(cause: AbortCause): void {
    if (this.#abortCause === undefined && !this.#ended) {
      this.#abortCause = cause;
      this.#controller?.abort(new Error(cause));
    }
  }

  outliveClient(): void {
    this.#unsubscribe();
  }

  release(): void {
    if (this.#released) {
      return;
    }
    this.#released = true;
    clearTimeout(this.#timer);
    clearTimeout(this.#firstByteTimer);
    this.#disarmIdle();
    this.#unsubscribe();
    if (!this.#ended && this.#failure === undefined) {
      this.abort('released');
    }
    this.#chunks = [];
  }

  next(): Promise<Buffer | null> {
    if (this.#chunks.length > 0) {
      return Promise.resolve(this.#takeBuffered());
    }
    if (this.#failure !== undefined) {
      return Promise.reject(this.#failure);
    }
    if (this.#ended) {
      return Promise.resolve(null);
    }
    return new Promise((resolve, reject) => {
      this.#waiting = { resolve, reject };
    });
  }

  readAll(maxBytes: number): Promise<Buffer> {
    return new Promise<Buffer>((resolve, reject) => {
      const finish = (body: Buffer): void => {
        this.release();
        resolve(body);
      };
      const refuse = (error: GatewayError): void => {
        this.release();
        reject(error);
      };
      if (this.#failure !== undefined) {
        refuse(this.#failure);
      } else if (this.#bufferedBytes > maxBytes) {
        refuse(this.#tooLarge(maxBytes));
      } else if (this.#ended) {
        finish(this.#joinChunks());
      } else {
        this.#controller?.resume();
        this.#armIdle();
        this.#collecting = {
          limit: maxBytes,
          size: this.#bufferedBytes,
          resolve: finish,
          reject: refuse,
        };
      }
    });
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.#controller = controller;
    if (this.#abortCause !== undefined) {
      controller.abort(new Error(this.#abortCause));
    }
  }

  onResponseStart(
    _controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: IncomingHttpHeaders,
  ): void {
    const waiter = this.#headersWaiter;
    if (statusCode < 200 || waiter === undefined) {
      return;
    }
    clearTimeout(this.#firstByteTimer);
    this.#firstByteTimer = undefined;
    this.#headersWaiter = undefined;
    if (statusCode >= 300 && statusCode < 400) {
      this.release();
      waiter.reject(
        new GatewayError('SB_ERR_UPSTREAM_REDIRECT', {
          internalDetail: `${this.#origin} answered ${statusCode}`,
        }),
      );
      return;
    }
    this.status = statusCode;
    this.headers = headers;
    crashPoint('after-upstream-connect');
    this.#armIdle();
    waiter.resolve(this);
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.#released) {
      return;
    }
    if (!this.#readEndDue) {
      this.#readEndDue = true;
      queueMicrotask((this.#onReadEnd ??= () => this.#readEnd()));
    }
    const collecting = this.#collecting;
    if (collecting !== undefined) {
      collecting.size += chunk.length;
      if (collecting.size > collecting.limit) {
        this.#fail(this.#tooLarge(collecting.limit));
        return;
      }
      this.#chunks.push(chunk);
      this.#bufferedBytes += chunk.length;
      return;
    }
    this.#chunks.push(chunk);
    this.#bufferedBytes += chunk.length;
    if (this.#bufferedBytes >= highWaterBytes) {
      controller.pause();
      // The silence that follows is the gateway's own (a slow client), not the provider's.
      this.#disarmIdle();
    }
  }

  onResponseEnd(): void {
    this.#ended = true;
    clearTimeout(this.#timer);
    this.#disarmIdle();
    const collecting = this.#collecting;
    if (collecting !== undefined) {
      this.#collecting = undefined;
      collecting.resolve(this.#joinChunks());
      return;
    }
    // A read end still due hands over the last chunks first; the next call then sees the end.
    if (this.#readEndDue) return;
    this.#waiting?.resolve(null);
    this.#waiting = undefined;
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    if (this.#abortCause !== 'released') {
      this.#fail(explainUpstreamFailure(error, this.#abortCause, this.#origin));
    }
  }

  #fail(error: GatewayError): void {
    this.#failure = error;
    this.#disarmIdle();
    const headersWaiter = this.#headersWaiter;
    if (headersWaiter !== undefined) {
      this.#headersWaiter = undefined;
      this.release();
      headersWaiter.reject(error);
      return;
    }
    if (!this.#readEndDue) {
      this.#waiting?.reject(error);
      this.#waiting = undefined;
    }
    this.#collecting?.reject(error);
    this.#collecting = undefined;
  }

  /**
   * The end of a socket read that brought body chunks: the provider was heard from, so its idle
   * deadline starts again (unless the body ended, the exchange was released or failed, or the
   * gateway paused the transfer for a slow client), and the waiting caller gets what arrived.
   */
  #readEnd(): void {
    this.#readEndDue = false;
    if (this.#failure === undefined && this.#controller?.paused !== true) this.#armIdle();
    this.#deliver();
  }

  /** Answers the waiting `next()` caller with what arrived, or with the end or failure. */
  #deliver(): void {
    const waiting = this.#waiting;
    if (waiting === undefined) return;
    this.#waiting = undefined;
    if (this.#chunks.length > 0) {
      waiting.resolve(this.#takeBuffered());
    } else if (this.#failure !== undefined) {
      waiting.reject(this.#failure);
    } else if (this.#ended) {
      waiting.resolve(null);
    } else {
      this.#waiting = waiting; // released meanwhile, or nothing left: keep waiting
    }
  }

  /** Every buffered chunk, joined; resumes a transfer paused for the consumer. */
  #takeBuffered(): Buffer {
    const chunk = this.#joinChunks();
    this.#chunks = [];
    this.#bufferedBytes = 0;
    if (this.#controller?.paused === true) {
      this.#controller.resume();
      this.#armIdle();
    }
    return chunk;
  }

  #joinChunks(): Buffer {
    const chunks = this.#chunks;
    return chunks.length === 1
      ? (chunks[0] ?? Buffer.alloc(0))
      : Buffer.concat(chunks, this.#bufferedBytes);
  }

  #tooLarge(limit: number): GatewayError {
    return new GatewayError('SB_ERR_UPSTREAM_INVALID_RESPONSE', {
      internalDetail: `${this.#origin}: response body exceeded ${limit} bytes`,
    });
  }
}

/**
 * Sends one request to a provider through the shared pool, using undici's dispatch interface
 * directly (no intermediate streams), and resolves once the response headers arrive. Never
 * follows redirects: a 3xx is an error. Enforces the connect, first-byte, idle (between body
 * chunks) and total timeouts, aborts when the client cancels, and pauses the upstream socket
 * while unread body data exceeds 64 KiB, so a slow client holds back the provider instead of
 * memory. Rejects with `GatewayError`.
 */
export function openUpstreamExchange(
  pool: UpstreamPool,
  request: UpstreamRequest,
): Promise<UpstreamExchange> {
  if (request.cancellation.cancelled) {
    return Promise.reject(new GatewayError('SB_ERR_CLIENT_CLOSED'));
  }
  return new Promise((resolve, reject) => {
    const exchange = new DispatchedExchange(request, { resolve, reject });
    pool.dispatcher.dispatch(
      {
        origin: request.url.origin,
        path: request.url.pathname + request.url.search,
        method: request.method,
        headers: request.headers,
        body: request.body ?? null,
        headersTimeout: request.timeouts.firstByteMs,
        bodyTimeout: request.timeouts.idleMs,
      },
      exchange,
    );
  });
}
