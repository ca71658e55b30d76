import type {
  AssistantContentPart,
  TextPart,
  ToolResultPart,
  UserContentPart,
} from './content-part.ts';

/**
 * One turn of a conversation. System text normally lives in `ChatRequest.system`; a system
 * message in the middle of a conversation (allowed by OpenAI) is kept in place, and dialects that
 * cannot place it there move it to the top, in order.
 */
export type ChatMessage =
  | { readonly role: 'system'; readonly content: readonly TextPart[] }
  | { readonly role: 'user'; readonly content: readonly UserContentPart[] }
  | { readonly role: 'assistant'; readonly content: readonly AssistantContentPart[] }
  | { readonly role: 'tool'; readonly content: readonly ToolResultPart[] };
