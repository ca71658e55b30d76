/** Where the bytes of an image or a file are: a URL, inline base64, or a provider file id. */
export type MediaSource =
  | { readonly kind: 'url'; readonly url: string; readonly mediaType?: string | undefined }
  | { readonly kind: 'base64'; readonly mediaType: string; readonly data: string }
  | { readonly kind: 'file-id'; readonly fileId: string };

/** Ask the provider to cache the prompt up to and including this part (Anthropic `cache_control`). */
export interface CacheControl {
  readonly type: 'ephemeral';
  readonly ttl?: '5m' | '1h' | undefined;
}

export interface TextPart {
  readonly type: 'text';
  readonly text: string;
  readonly cacheControl?: CacheControl | undefined;
}

export interface ImagePart {
  readonly type: 'image';
  readonly source: MediaSource;
  readonly detail?: 'auto' | 'low' | 'high' | undefined;
}

export interface FilePart {
  readonly type: 'file';
  readonly source: MediaSource;
  readonly filename?: string | undefined;
}

/** Model reasoning ("thinking") shown in the answer, with the provider's signature when it has one. */
export interface ReasoningPart {
  readonly type: 'reasoning';
  readonly text: string;
  readonly signature?: string | undefined;
}

/** Reasoning the provider returned encrypted; it must be sent back as it came. */
export interface RedactedReasoningPart {
  readonly type: 'redacted-reasoning';
  readonly data: string;
}

export interface ToolCallPart {
  readonly type: 'tool-call';
  readonly id: string;
  readonly name: string;
  /** The arguments as JSON text, exactly as the model produced them. */
  readonly arguments: string;
  /** Gemini's thought signature for this call, to be returned with it on the next turn. */
  readonly signature?: string | undefined;
}

export interface ToolResultPart {
  readonly type: 'tool-result';
  readonly toolCallId: string;
  /** The called tool's name, when the dialect says it (Gemini needs it; others infer it). */
  readonly toolName?: string | undefined;
  readonly content: readonly (TextPart | ImagePart)[];
  readonly isError?: boolean | undefined;
}

/** The model declined to answer; the text explains why. */
export interface RefusalPart {
  readonly type: 'refusal';
  readonly text: string;
}

export type UserContentPart = TextPart | ImagePart | FilePart;
export type AssistantContentPart =
  TextPart | ReasoningPart | RedactedReasoningPart | ToolCallPart | RefusalPart;
