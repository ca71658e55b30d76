import type { JsonObject } from '../lib/json.ts';
import type { MockChatReply } from './mock-chat-reply.ts';
import type { MockRefusal } from './mock-directives.ts';
import type { MockRequest, MockRequestError } from './mock-request.ts';

/** Identity of one mock answer, shared by its body or all of its stream events. */
export interface MockCompletionIdentity {
  readonly id: string;
  /** Unix seconds. */
  readonly created: number;
  readonly model: string;
  readonly choices: number;
}

/** A whole streamed answer as wire frames, and what the fault directives need to know about it. */
export interface MockStreamFrames {
  readonly contentType: string;
  /** Complete frames in order (SSE text or binary event-stream messages). */
  readonly frames: readonly (string | Uint8Array)[];
  /** Frames at the end that only mark completion (`[DONE]`, `message_stop`); `no-done` drops them. */
  readonly terminalFrames: number;
  /** Where a stream that stops before finishing is cut (`truncated`): before the finish events. */
  readonly truncateAt: number;
  /** A frame this dialect's clients cannot parse. */
  readonly malformedFrame: string | Uint8Array;
  /** The in-stream error this dialect uses. */
  readonly errorFrame: string | Uint8Array;
  /** Whether frames are SSE text (so line-ending and comment faults apply). */
  readonly sse: boolean;
}

/** Where a request is going, as read from its method and path. */
export interface MockRoute {
  /** The model, when the path names it (Gemini, Bedrock, Vertex, Azure deployments). */
  readonly model?: string | undefined;
  /** Whether the path asks for a stream (Gemini, Bedrock, Vertex). */
  readonly stream?: boolean | undefined;
  /** Token counting rather than generation (Anthropic's `count_tokens`). */
  readonly operation?: 'count-tokens' | undefined;
  /** Which hosting of the API the path belongs to, where the body rules differ (`vertex`). */
  readonly variant?: string | undefined;
}

/** A whole answer to a request the mock refuses (`!mock refuse=`), as the provider sends it. */
export interface MockRefusalAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/**
 * How the mock speaks one provider API: which paths it serves, how it reads a request and writes
 * answers, streams and errors in that API's exact wire format. Pure apart from the encoders' use
 * of the identity given to them.
 */
export interface MockDialect {
  readonly name: string;
  /** The route when this dialect serves the request, else undefined. */
  route(method: string, path: string): MockRoute | undefined;
  parseRequest(body: JsonObject, route: MockRoute): MockRequest | MockRequestError;
  encodeResponse(
    identity: MockCompletionIdentity,
    reply: MockChatReply,
    request: MockRequest,
  ): string;
  encodeStream(
    identity: MockCompletionIdentity,
    reply: MockChatReply,
    request: MockRequest,
  ): MockStreamFrames;
  /** The body answering a token-counting request, for APIs that have one. */
  encodeTokenCount?(request: MockRequest): string;
  /** An error response body in this API's shape, with its content type and extra headers. */
  encodeError(error: MockRequestError): {
    readonly body: string;
    readonly headers: Readonly<Record<string, string>>;
  };
  /**
   * How this API refuses a request for `refusal`: the provider's documented status, headers and
   * body (an error for a context-window overflow everywhere; for a content-policy block, an error
   * where the provider sends one, Gemini's 200 with `promptFeedback.blockReason`). Undefined when
   * the provider has no such refusal, so the request is answered as usual.
   */
  encodeRefusal(
    refusal: MockRefusal,
    request: MockRequest,
    route: MockRoute,
    identity: MockCompletionIdentity,
  ): MockRefusalAnswer | undefined;
}
