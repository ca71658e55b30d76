import type { ChatMessage } from '../../canonical/chat-message.ts';
import type { ChatRequest } from '../../canonical/chat-request.ts';
import type { JsonObject } from '../../lib/json.ts';
import type { EgressOptions } from '../dialect-codec.ts';
import {
  encodeOpenAiChatRequest,
  unsupportedOpenAiChatParameters,
} from '../openai-chat/encode-openai-chat-request.ts';
import { mistralToolCallId } from './mistral-tool-call-id.ts';

function withMistralToolIds(message: ChatMessage): ChatMessage {
  switch (message.role) {
    case 'assistant':
      return {
        role: 'assistant',
        content: message.content.map((part) =>
          part.type === 'tool-call' ? { ...part, id: mistralToolCallId(part.id) } : part,
        ),
      };
    case 'tool':
      return {
        role: 'tool',
        content: message.content.map((result) => ({
          ...result,
          toolCallId: mistralToolCallId(result.toolCallId),
        })),
      };
    default:
      return message;
  }
}

/**
 * What Mistral's chat API cannot express beyond what Chat Completions cannot: the end-user field,
 * reasoning settings (Mistral's reasoning models think without being asked) and files.
 */
export function unsupportedMistralChatParameters(request: ChatRequest): string[] {
  const unsupported = unsupportedOpenAiChatParameters(request);
  if (request.user !== undefined) unsupported.push('user');
  if (request.reasoning !== undefined) unsupported.push('reasoning');
  request.messages.forEach((message, index) => {
    if (message.role === 'user' && message.content.some((part) => part.type === 'file')) {
      unsupported.push(`messages[${index}] (a file)`);
    }
  });
  return unsupported;
}

/**
 * A canonical request as a Mistral chat body: the Chat Completions body with Mistral's spellings
 * (`random_seed`, `tool_choice: "any"` for a required call), no `stream_options` (Mistral reports
 * usage on the last chunk unasked), `max_tokens`, and tool call ids made to fit Mistral's format.
 * Pure.
 * @see https://docs.mistral.ai/api/#tag/chat/operation/chat_completion_v1_chat_completions_post
 */
export function encodeMistralChatRequest(request: ChatRequest, options: EgressOptions): JsonObject {
  const body = encodeOpenAiChatRequest(
    { ...request, messages: request.messages.map(withMistralToolIds) },
    { ...options, requestStreamUsage: false, maxTokensField: 'max_tokens' },
  );
  const { seed, tool_choice: toolChoice, ...rest } = body;
  const mistral: JsonObject = { ...rest };
  if (seed !== undefined) mistral.random_seed = seed;
  if (toolChoice !== undefined)
    mistral.tool_choice = toolChoice === 'required' ? 'any' : toolChoice;
  return mistral;
}
