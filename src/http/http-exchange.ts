import type { PolicyDecisionRecord } from '../observability/request-record.ts';
import type { ContextProvenance, PromptProvenance } from '../canonical/request-provenance.ts';
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { IngressCodec } from '../dialects/dialect-codec.ts';
import { openAiChatIngress } from '../dialects/openai-chat/openai-chat-codec.ts';
import type { GatewayError } from '../errors/gateway-error.ts';
import type { EndUser, Principal } from '../gateway/gateway.ts';
import { CancellationSource, type Cancellation } from '../lib/cancellation.ts';
import type { Clock } from '../lib/clock.ts';
import type { RequestSpan } from '../observability/tracing/http-tracer.ts';
import { createTimeOrderedId } from '../lib/ids.ts';
import type { PayloadCapture } from './payload-capture.ts';

/**
 * One HTTP request and its response, with what the gateway learned along the way. Created when
 * the request arrives; the source of the request id and of the gateway's own timing.
 */
export class HttpExchange {
  readonly request: IncomingMessage;
  readonly response: ServerResponse;
  readonly requestId: string;
  /** Monotonic milliseconds at arrival. */
  readonly receivedAt: number;
  readonly method: string;
  readonly path: string;
  readonly query: string;
  readonly clock: Clock;
  params: Readonly<Record<string, string>> = {};
  principal: Principal | undefined;
  /** The end user the client named for a model request (unverified), once read. */
  endUser: EndUser | undefined;
  /** The policy decision for a model request, once made. */
  policy: PolicyDecisionRecord | undefined;
  /** The prompt template version a model request named, once rendered. */
  prompt: PromptProvenance | undefined;
  /** The context documents injected into (or refusing) a model request. */
  context: readonly ContextProvenance[] | undefined;
  /** What an admin write changed, for its audit record (ids and versions only). */
  adminChange: Readonly<Record<string, unknown>> | undefined;
  /** The codec whose error format this route speaks; OpenAI's unless a route says otherwise. */
  errorCodec: IngressCodec = openAiChatIngress;
  /** The model the client asked for, once known (for the record of a refused request). */
  requestedModel: string | undefined;
  stream = false;
  /** Keeps the request and answer when payload retention is on (model requests only). */
  payloadCapture: PayloadCapture | undefined;
  /** The request's trace span; undefined when tracing is off or the request is not traced. */
  trace: RequestSpan | undefined;
  /** Milliseconds from arrival to the response head being written (the first byte sent). */
  firstByteMs: number | undefined;
  /** A stream's milliseconds from arrival to its first body chunk written (time to first token). */
  firstChunkMs: number | undefined;
  #cancellation: CancellationSource | undefined;

  constructor(request: IncomingMessage, response: ServerResponse, clock: Clock) {
    this.request = request;
    this.response = response;
    this.clock = clock;
    this.receivedAt = clock.monotonic();
    this.requestId = createTimeOrderedId(clock);
    this.method = request.method ?? 'GET';
    const url = request.url ?? '/';
    const question = url.indexOf('?');
    this.path = question === -1 ? url : url.slice(0, question);
    this.query = question === -1 ? '' : url.slice(question + 1);
  }

  /** Fires when the client disconnects before the response has been fully written. */
  get cancellation(): Cancellation {
    if (this.#cancellation === undefined) {
      const source = new CancellationSource();
      this.#cancellation = source;
      this.response.once('close', () => {
        if (!this.response.writableFinished) {
          source.cancel();
        }
      });
    }
    return this.#cancellation;
  }

  /** The names of the request headers as sent (every other entry of the raw header list). */
  headerNames(): string[] {
    const raw = this.request.rawHeaders;
    const names: string[] = [];
    for (let index = 0; index < raw.length; index += 2) {
      names.push(raw[index] ?? '');
    }
    return names;
  }

  /** Milliseconds since the request arrived. */
  elapsedMs(): number {
    return this.clock.monotonic() - this.receivedAt;
  }

  /** Sends a complete response with the headers every response carries. */
  send(status: number, body: string | Buffer, headers: OutgoingHttpHeaders): void {
    if (this.response.headersSent || this.response.destroyed) {
      return;
    }
    headers['x-signalbox-request-id'] = this.requestId;
    headers['content-length'] = typeof body === 'string' ? Buffer.byteLength(body) : body.length;
    this.firstByteMs ??= this.elapsedMs();
    this.response.writeHead(status, headers);
    this.response.end(body);
  }

  sendJson(status: number, value: unknown, headers: OutgoingHttpHeaders = {}): void {
    headers['content-type'] = 'application/json';
    this.send(status, JSON.stringify(value), headers);
  }

  /** Sends an error in the route's dialect; `closeConnection` for bodies left unread. */
  sendError(
    error: GatewayError,
    closeConnection = false,
    extraHeaders?: Readonly<Record<string, string>>,
  ): void {
    const headers: OutgoingHttpHeaders = { ...extraHeaders, 'content-type': 'application/json' };
    if (error.retryAfterSeconds !== undefined) {
      headers['retry-after'] = String(error.retryAfterSeconds);
    }
    if (error.status === 401) {
      headers['www-authenticate'] = 'Bearer realm="signalbox"';
    }
    if (closeConnection) {
      headers.connection = 'close';
    }
    this.send(error.status, JSON.stringify(this.errorCodec.encodeError(error)), headers);
  }
}

/**
 * Reads the caller's key: `Authorization: Bearer <key>` (OpenAI SDKs), else `x-api-key: <key>`
 * (Anthropic SDKs). Undefined when neither is present or usable, and when `Authorization` is
 * sent more than once: Node keeps only the first copy, while a proxy in front may act on
 * another, so an ambiguous credential is never used (as with a doubled session cookie).
 */
export function readApiKey(request: IncomingMessage): string | undefined {
  const header = request.headers.authorization;
  if ((request.headersDistinct.authorization?.length ?? 0) > 1) {
    return undefined;
  }
  if (header !== undefined) {
    if (header.length < 8 || header.length > 1024) {
      return undefined;
    }
    if (!header.slice(0, 7).toLowerCase().startsWith('bearer ')) {
      return undefined;
    }
    const token = header.slice(7).trim();
    return token === '' ? undefined : token;
  }
  const apiKey = request.headers['x-api-key'];
  if (typeof apiKey !== 'string' || apiKey.length > 1024) {
    return undefined;
  }
  const token = apiKey.trim();
  return token === '' ? undefined : token;
}
