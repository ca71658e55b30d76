import type { ChatRequest, ResponseFormat } from '../canonical/chat-request.ts';
import type { ChatResponse } from '../canonical/chat-response.ts';
import type { ChatStreamEvent } from '../canonical/chat-stream-event.ts';
import type { DialectId } from '../canonical/dialect-id.ts';
import type { ModelOperation } from '../canonical/model-operation.ts';
import type { ModelRequestEnvelope } from '../canonical/model-request-envelope.ts';
import type { RequestPreamble } from '../canonical/request-preamble.ts';
import type { Usage } from '../canonical/usage.ts';
import type { GatewayError } from '../errors/gateway-error.ts';
import type { JsonObject } from '../lib/json.ts';
import type { UpstreamFrame } from '../lib/upstream-frame.ts';

/** Machine-readable fields of an upstream error body that are safe to repeat to a client. */
export interface UpstreamErrorFacts {
  readonly code: string | undefined;
  readonly param: string | undefined;
  /** Seconds to wait, from the body, for providers that say it there rather than in `Retry-After`. */
  readonly retryAfterSeconds?: number | undefined;
  /**
   * The provider refused the gateway's credentials although the status does not say so (Google
   * answers an invalid API key with 400 `API_KEY_INVALID`): an operator problem, not the client's.
   */
  readonly credentialRejected?: boolean | undefined;
  /**
   * Why the provider refused the request, when the body says it and the reason matters for
   * routing: `context-length` (the input, with the requested output, does not fit the model's
   * context window, so a larger-window model may take it) or `content-policy` (the provider's
   * safety filter refused the content). Undefined for every other refusal. Read from the
   * provider's error code or message; the message itself never leaves the dialect.
   */
  readonly refusal?: 'context-length' | 'content-policy' | undefined;
}

/** Response headers of an upstream error, by lower-case name. */
export type UpstreamErrorHeaders = Readonly<Record<string, string | string[] | undefined>>;

/** What one upstream frame turns into on the way to the client (same-dialect pass-through). */
export type TapOutput =
  | { readonly kind: 'forward'; readonly text: string }
  | { readonly kind: 'drop' }
  /** The stream cannot continue: the caller sends an error event and closes. */
  | { readonly kind: 'fail'; readonly error: GatewayError };

/** A same-dialect stream watcher: forwards frames as they are while reading usage and the end. */
export interface StreamTap {
  /** Usage from the stream so far; undefined until the provider reports it. */
  readonly usage: Usage | undefined;
  /** Raw finish reasons seen, by choice index. */
  readonly finishReasons: ReadonlyMap<number, string>;
  /** Data events forwarded to the client so far. */
  readonly forwardedEvents: number;
  /** Whether the stream has said it is finished (an end marker or a finish reason). */
  readonly complete: boolean;
  push(frame: UpstreamFrame): TapOutput;
}

/** What a stream decoder made of one frame (or of the end of the stream). */
export interface DecodeStep {
  readonly events: readonly ChatStreamEvent[];
  /** Set when the stream cannot continue; events before it are still valid. */
  readonly failure: GatewayError | undefined;
}

/**
 * Turns an egress dialect's stream frames into canonical events. One instance per stream,
 * synchronous and deterministic, so it can be replayed whole, event by event or byte by byte.
 * Never throws on bad upstream data: it reports a failure instead.
 */
export interface StreamDecoder {
  push(frame: UpstreamFrame): DecodeStep;
  /** Upstream ended: closes open parts and the response, or reports an incomplete stream. */
  end(): DecodeStep;
}

/** Facts an ingress encoder needs that are not in the canonical answer. */
export interface EncodeContext {
  /** The model name the client asked for (reported back instead of the provider's name). */
  readonly requestedModel: string;
  /** Whether the client asked for usage in the stream. */
  readonly includeUsage: boolean;
  /** Wall-clock milliseconds, for `created` fields the provider did not supply. */
  readonly now: number;
}

/** Turns canonical events into an ingress dialect's wire text. One instance per stream. */
export interface StreamEncoder {
  /** Wire text for one event; may be empty. */
  push(event: ChatStreamEvent): string;
  /** The in-stream error that ends a failed stream. */
  fail(error: GatewayError): string;
}

/** The client-facing half of a dialect: requests in, answers and errors out. */
export interface IngressCodec {
  /** Decodes a client body; throws `GatewayError` (400) naming the field at fault. */
  decodeRequest(text: string, operation: ModelOperation): ModelRequestEnvelope;
  /**
   * The canonical request for a decoded chat envelope. Throws `GatewayError` (400) for content the
   * hub cannot carry to another dialect (naming the field).
   */
  toChatRequest(envelope: ModelRequestEnvelope): ChatRequest;
  /**
   * The output format a chat envelope asks for, read alone (as `toChatRequest` reads it, without
   * translating the rest); undefined when it asks for none. Throws `GatewayError` (400) for a
   * malformed format.
   */
  readResponseFormat(envelope: ModelRequestEnvelope): ResponseFormat | undefined;
  /** The complete answer as this dialect's JSON text. */
  encodeResponse(response: ChatResponse, context: EncodeContext): string;
  createStreamEncoder(context: EncodeContext): StreamEncoder;
  /** The error body a client of this dialect expects. */
  encodeError(error: GatewayError): unknown;
  /** The in-stream event that reports an error after the response has started. */
  encodeStreamError(error: GatewayError): string;
  /** Lower-case names of client headers that may travel to a same-dialect provider. */
  readonly forwardableHeaders: readonly string[];
  /** The body answering a token-counting request, for dialects that have that operation. */
  encodeTokenCount?(inputTokens: number): string;
  /**
   * The client's body with the gateway's preamble (prompt template, context documents) placed
   * before the client's own system text and messages, in this dialect's fields. Pure.
   */
  withPreamble(body: Readonly<JsonObject>, preamble: RequestPreamble): JsonObject;
}

/** How a provider variant wants the body (from the provider definition, not the client). */
export interface EgressOptions {
  /** The provider's model name. */
  readonly upstreamModel: string;
  /** Whether `model` goes in the body (false when the URL carries it: Vertex, Bedrock, Azure). */
  readonly modelInBody: boolean;
  /** Fixed fields a provider variant requires in the body (`anthropic_version` on Vertex). */
  readonly bodyFields: Readonly<JsonObject>;
  /** Ask for usage on streams where the dialect needs asking (OpenAI `stream_options`). */
  readonly requestStreamUsage: boolean;
  /** Which spelling of the output limit the provider wants, where a dialect has two. */
  readonly maxTokensField: 'max_tokens' | 'max_completion_tokens';
  /** Whether the body says `stream` (false where the URL alone selects streaming: Bedrock InvokeModel). */
  readonly streamInBody: boolean;
  /**
   * The output limit to send when the client set none and the dialect requires one (Anthropic's
   * `max_tokens`): the model's own limit from the capability table, when it is known.
   */
  readonly defaultMaxOutputTokens: number | undefined;
  /**
   * The most output tokens the gateway lets this request produce (what a budget reserved), already
   * fitted under the model's own limit; a client limit above it, or none, is lowered to it.
   */
  readonly outputTokenCap?: number | undefined;
}

/** The provider-facing half of a dialect: requests out, answers in. Pure. */
export interface EgressCodec {
  /** How streamed bodies are framed. */
  readonly framing: 'sse' | 'aws-event-stream';
  /**
   * Request parameters this dialect cannot express, named as in the OpenAI API (`n`, `seed`,
   * `frequency_penalty`); the gateway refuses or drops them before encoding.
   */
  unsupportedParameters(request: ChatRequest): readonly string[];
  /** The request body. Must not change `request`: attempts share it. */
  encodeRequest(request: ChatRequest, options: EgressOptions): JsonObject;
  /** A complete answer; throws `GatewayError` (invalid response) when the body is not one. */
  decodeResponse(body: unknown): ChatResponse;
  createStreamDecoder(): StreamDecoder;
}

/** Forwarding a client's own bytes to a provider of the same dialect, and watching the answer. */
export interface PassThroughCodec {
  /** The upstream body from the client's text, changing only what the target needs. */
  rewriteRequestBody(envelope: ModelRequestEnvelope, options: EgressOptions): string;
  /** Usage from a complete (non-streamed) response body. */
  readResponseUsage(body: unknown): Usage | undefined;
  /** The provider's own finish reasons of a complete response body (one per choice), for the record. */
  readFinishReasons(body: unknown): readonly string[];
  createStreamTap(options: { readonly stripUsageChunk: boolean }): StreamTap;
}

/**
 * Everything the gateway knows about one wire format. Looked up by id in the dialect registry;
 * nothing outside a dialect's folder branches on the dialect.
 */
export interface DialectCodec {
  readonly id: DialectId;
  /** Present for dialects clients may speak to the gateway. */
  readonly ingress: IngressCodec | undefined;
  readonly egress: EgressCodec;
  /** Present for dialects that can forward a same-dialect client's bytes. */
  readonly passThrough: PassThroughCodec | undefined;
  /** Safe machine-readable facts from an upstream error (its body, and headers where a provider puts them there). */
  readErrorFacts(bodyText: string, headers?: UpstreamErrorHeaders): UpstreamErrorFacts;
}
