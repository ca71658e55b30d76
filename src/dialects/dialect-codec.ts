import type { ModelOperation } from '../canonical/model-operation.ts';
import type { ModelRequestEnvelope } from '../canonical/model-request-envelope.ts';
import type { Usage } from '../canonical/usage.ts';
import type { DialectId } from '../canonical/dialect-id.ts';
import type { GatewayError } from '../errors/gateway-error.ts';
import type { SseFrame } from '../lib/sse-frame.ts';

/** What one upstream frame turns into on the way to the client. */
export type TapOutput =
  | { readonly kind: 'forward'; readonly text: string }
  | { readonly kind: 'drop' }
  /** The stream cannot continue: the caller sends an error event and closes. */
  | { readonly kind: 'fail'; readonly error: GatewayError };

/** Machine-readable fields of an upstream error body that are safe to repeat to a client. */
export interface UpstreamErrorFacts {
  readonly code: string | undefined;
  readonly param: string | undefined;
}

/** A stream watcher: turns each upstream frame into what the client receives. */
export interface StreamTap {
  /** Usage from the stream so far; undefined until the provider reports it. */
  readonly usage: Usage | undefined;
  /** Raw finish reasons seen, by choice index. */
  readonly finishReasons: ReadonlyMap<number, string>;
  /** Data events forwarded to the client so far. */
  readonly forwardedEvents: number;
  /** Whether the stream has said it is finished (an end marker or a finish reason). */
  readonly complete: boolean;
  push(frame: SseFrame): TapOutput;
}

/**
 * Everything the gateway needs to know about one wire format, as pure functions. Looked up by id
 * in the dialect registry; nothing outside a dialect's folder branches on the dialect.
 */
export interface DialectCodec {
  readonly id: DialectId;
  /** The path of an operation below a provider's API root (`/chat/completions`). */
  operationPath(operation: ModelOperation): string;
  /** Decodes a client body sent to an operation; throws `GatewayError` (400) when unusable. */
  decodeRequest(text: string, operation: ModelOperation): ModelRequestEnvelope;
  /** The upstream body for a same-dialect provider, from the client's original bytes. */
  rewriteRequestBody(
    envelope: ModelRequestEnvelope,
    options: { upstreamModel: string; requestStreamUsage: boolean },
  ): string;
  /** Usage from a complete (non-streamed) response body. */
  readResponseUsage(body: unknown): Usage | undefined;
  createStreamTap(options: { stripUsageChunk: boolean }): StreamTap;
  /** Safe machine-readable facts from an upstream error body. */
  readErrorFacts(bodyText: string): UpstreamErrorFacts;
  /** The error body a client of this dialect expects. */
  encodeError(error: GatewayError): unknown;
  /** The in-stream event that reports an error after the response has started. */
  encodeStreamError(error: GatewayError): string;
}
