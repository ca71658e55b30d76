/**
 * What a routing rule expression can see, exactly as CEL sees it: integers are `bigint` (CEL
 * `int`), maps are `Map`s, and every string, list and map is already capped by `toCelContext`
 * (the only producer of this shape), so evaluation cost does not grow with client input.
 * Field names are snake_case because expressions are written in the YAML config.
 */
export interface RuleFacts {
  readonly request: RuleRequestFacts;
  /** Request headers by lower-case name, credential headers removed (`isCredentialHeaderName`). */
  readonly headers: ReadonlyMap<string, string>;
  readonly key: RuleKeyFacts;
}

/** The `request` variable of a rule expression. */
export interface RuleRequestFacts {
  /** The model name the client asked for (an alias or `<provider>/<model>`). */
  readonly model: string;
  /** `chat`, `embeddings`, `count-tokens`: what the request envelope says. */
  readonly operation: string;
  /** The client's API dialect id (`openai-chat`, `anthropic-messages`, …). */
  readonly dialect: string;
  readonly stream: boolean;
  /** Tool definitions are present. */
  readonly tools: boolean;
  /** JSON mode or JSON-schema output was asked for. */
  readonly json: boolean;
  /** An image is attached (in a user message or a tool result). */
  readonly images: boolean;
  /** An audio file is attached (recognised by its media type or file extension). */
  readonly audio: boolean;
  /** A file other than audio is attached (documents, PDFs, video, provider file ids). */
  readonly files: boolean;
  /** A reasoning effort or a thinking budget was asked for (and thinking not switched off). */
  readonly reasoning: boolean;
  /** Estimated input tokens. */
  readonly input_tokens: bigint;
  /** Requested maximum output tokens; 0 when the client did not set it. */
  readonly max_tokens: bigint;
  /** The end user's id as the client sent it (unverified); '' when unset. */
  readonly user: string;
  readonly metadata: ReadonlyMap<string, string>;
  /** The requested region; '' when none. */
  readonly region: string;
  /** Requested compliance tags. */
  readonly tags: readonly string[];
}

/** The `key` variable of a rule expression: the gateway key that authenticated the request. */
export interface RuleKeyFacts {
  readonly id: string;
  readonly name: string;
  /** '' when the key belongs to no team. */
  readonly team: string;
  readonly tags: readonly string[];
}

/**
 * The facts in plain TypeScript terms (camelCase, numbers, records or maps), before
 * `toCelContext` converts, caps and filters them. Built by `buildRuleFacts` in the gateway, or by
 * hand in tests. Nothing here is trusted to be capped or free of credentials.
 */
export interface RuleFactsInput {
  readonly request: RuleRequestFactsInput;
  /** Request headers; names are lower-cased and credential headers dropped by `toCelContext`. */
  readonly headers: RuleStringMapInput;
  readonly key: RuleKeyFactsInput;
}

/** A string-to-string map as callers have it: a record or a `Map`. */
export type RuleStringMapInput = ReadonlyMap<string, string> | Readonly<Record<string, string>>;

/** The request facts; see `RuleRequestFacts` for what each means. */
export interface RuleRequestFactsInput {
  readonly model: string;
  readonly operation: string;
  readonly dialect: string;
  readonly stream: boolean;
  readonly tools: boolean;
  readonly json: boolean;
  readonly images: boolean;
  readonly audio: boolean;
  readonly files: boolean;
  readonly reasoning: boolean;
  readonly inputTokens: number;
  readonly maxTokens: number;
  readonly user: string;
  readonly metadata: RuleStringMapInput;
  readonly region: string;
  readonly tags: readonly string[];
}

/** The key facts; see `RuleKeyFacts`. */
export interface RuleKeyFactsInput {
  readonly id: string;
  readonly name: string;
  readonly team: string;
  readonly tags: readonly string[];
}
