import type { RequestPreamble } from '../../canonical/request-preamble.ts';
import type { JsonObject } from '../../lib/json.ts';

/**
 * An OpenAI Chat Completions body with the gateway's preamble before the client's messages: one
 * `system` message per system text, then the preamble's turns. Pure; a `messages` that is not
 * an array is left for the decoder to refuse.
 * @see https://platform.openai.com/docs/api-reference/chat/create#chat-create-messages
 */
export function withOpenAiChatPreamble(
  body: Readonly<JsonObject>,
  preamble: RequestPreamble,
): JsonObject {
  const messages = body.messages ?? [];
  if (!Array.isArray(messages)) return { ...body };
  return {
    ...body,
    messages: [
      ...preamble.system.map((content) => ({ role: 'system', content })),
      ...preamble.messages.map((message) => ({ role: message.role, content: message.content })),
      ...(messages as unknown[]),
    ],
  };
}
