import type { JsonObject } from '../lib/json.ts';
import type { ChatMessage } from './chat-message.ts';
import type { TextPart } from './content-part.ts';

export interface ToolDefinition {
  readonly name: string;
  readonly description?: string | undefined;
  /** JSON Schema of the arguments. */
  readonly parameters: Readonly<JsonObject>;
  /** Ask the provider to follow the schema exactly (OpenAI `strict`). */
  readonly strict?: boolean | undefined;
}

export type ToolChoice =
  | { readonly type: 'auto' }
  | { readonly type: 'none' }
  | { readonly type: 'required' }
  | { readonly type: 'tool'; readonly name: string };

export type ResponseFormat =
  | { readonly type: 'text' }
  | { readonly type: 'json-object' }
  | {
      readonly type: 'json-schema';
      readonly name: string;
      readonly schema: Readonly<JsonObject>;
      readonly strict?: boolean | undefined;
      readonly description?: string | undefined;
    };

export type ReasoningEffort = 'minimal' | 'low' | 'medium' | 'high';

export interface ReasoningSettings {
  /** Effort level (OpenAI `reasoning_effort`, Responses `reasoning.effort`). */
  readonly effort?: ReasoningEffort | undefined;
  /** Token budget for thinking (Anthropic `thinking.budget_tokens`, Gemini `thinkingBudget`). */
  readonly budgetTokens?: number | undefined;
  /** Thinking switched off explicitly. */
  readonly disabled?: boolean | undefined;
}

/**
 * A chat request in the hub's own terms: what every ingress decodes into and every egress encodes
 * from. `undefined` means the client did not set the field (the provider's default applies).
 * Immutable: attempts of a plan share one instance.
 */
export interface ChatRequest {
  /** The model asked for by the client; replaced by the target's model when encoding. */
  readonly model: string;
  readonly system: readonly TextPart[];
  readonly messages: readonly ChatMessage[];
  readonly tools: readonly ToolDefinition[];
  readonly toolChoice: ToolChoice | undefined;
  readonly parallelToolCalls: boolean | undefined;
  readonly responseFormat: ResponseFormat | undefined;
  readonly reasoning: ReasoningSettings | undefined;
  readonly maxOutputTokens: number | undefined;
  readonly temperature: number | undefined;
  readonly topP: number | undefined;
  readonly topK: number | undefined;
  readonly frequencyPenalty: number | undefined;
  readonly presencePenalty: number | undefined;
  readonly seed: number | undefined;
  readonly stopSequences: readonly string[];
  /** Number of alternative answers; undefined means one. */
  readonly choices: number | undefined;
  /** The end user's id as the client sent it (not verified). */
  readonly user: string | undefined;
  readonly metadata: Readonly<Record<string, string>> | undefined;
  readonly stream: boolean;
  /**
   * Client parameters with no canonical meaning (named as the client sent them). They cannot be
   * carried to another dialect, so translation refuses them (or drops them where configured).
   */
  readonly unmappedParameters: readonly string[];
}

/** A request with nothing set but the model and the conversation; for building requests in code. */
export function createChatRequest(
  fields: Partial<ChatRequest> & Pick<ChatRequest, 'model' | 'messages'>,
): ChatRequest {
  return {
    system: [],
    tools: [],
    toolChoice: undefined,
    parallelToolCalls: undefined,
    responseFormat: undefined,
    reasoning: undefined,
    maxOutputTokens: undefined,
    temperature: undefined,
    topP: undefined,
    topK: undefined,
    frequencyPenalty: undefined,
    presencePenalty: undefined,
    seed: undefined,
    stopSequences: [],
    choices: undefined,
    user: undefined,
    metadata: undefined,
    stream: false,
    unmappedParameters: [],
    ...fields,
  };
}
