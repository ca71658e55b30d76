/** A tool the client offered, as the mock needs it. */
export interface MockTool {
  readonly name: string;
  /** The tool's JSON Schema, used to build plausible arguments. */
  readonly parameters: unknown;
}

export type MockToolChoice = 'auto' | 'none' | 'required' | { readonly name: string };

/**
 * A chat request as the mock sees it, whatever dialect it arrived in: only what decides the
 * scripted answer. Each dialect's mock handler fills this from its own wire format.
 */
export interface MockRequest {
  readonly model: string;
  readonly stream: boolean;
  /** Text of the last user message (where `!mock` directives are read). */
  readonly lastUserText: string;
  /** The last message carries tool results (so the model answers instead of calling again). */
  readonly lastMessageIsToolResult: boolean;
  /** Input size in pseudo-tokens. */
  readonly promptTokens: number;
  readonly tools: readonly MockTool[];
  readonly toolChoice: MockToolChoice;
  readonly parallelToolCalls: boolean;
  readonly maxOutputTokens: number | undefined;
  readonly responseFormat:
    | { readonly type: 'json-object' }
    | { readonly type: 'json-schema'; readonly schema: unknown }
    | undefined;
  /** Alternative answers asked for (OpenAI `n`). */
  readonly choices: number;
  /** The client asked for a usage event at the end of an OpenAI stream. */
  readonly includeUsage: boolean;
}

/** A request the mock refuses, with an HTTP status and a message in the dialect's error shape. */
export interface MockRequestError {
  readonly status: number;
  readonly code: string;
  readonly message: string;
  readonly param?: string | undefined;
}
