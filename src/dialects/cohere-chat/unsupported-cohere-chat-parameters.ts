import type { ChatRequest } from '../../canonical/chat-request.ts';
import { cohereImageUrl } from './cohere-chat-media.ts';

/**
 * What a request asks for that Cohere v2 chat cannot express, named as in the OpenAI API:
 * - `n`: more than one answer (Cohere returns one message);
 * - `user`: Cohere has no end-user field;
 * - `parallel_tool_calls`: only when `false`; Cohere may always call several tools at once and has
 *   no switch to stop it (`true` is its behaviour, so it passes);
 * - `tool_choice`: a named tool that the request does not offer (a named tool that is offered is
 *   forced by offering only it with `REQUIRED`);
 * - `messages[i] (...)`: an image given by provider file id, a file that is not an image (Cohere's
 *   user content takes only text and `image_url`), and an image inside a tool result (tool content
 *   takes only text and documents). These cannot be dropped.
 * `metadata` is gateway bookkeeping and is never sent, so it is not refused. Pure.
 * @see https://docs.cohere.com/reference/chat
 */
export function unsupportedCohereChatParameters(request: ChatRequest): string[] {
  const unsupported: string[] = [];
  if (request.choices !== undefined && request.choices > 1) {
    unsupported.push('n');
  }
  if (request.user !== undefined) {
    unsupported.push('user');
  }
  if (request.parallelToolCalls === false) {
    unsupported.push('parallel_tool_calls');
  }
  const choice = request.toolChoice;
  if (choice?.type === 'tool' && !request.tools.some((tool) => tool.name === choice.name)) {
    unsupported.push('tool_choice');
  }
  request.messages.forEach((message, index) => {
    if (message.role === 'user') {
      for (const part of message.content) {
        if (part.type === 'text' || cohereImageUrl(part) !== undefined) {
          continue;
        }
        unsupported.push(
          part.type === 'image'
            ? `messages[${index}] (image given by file id)`
            : `messages[${index}] (file that is not an image)`,
        );
        break;
      }
    }
    if (
      message.role === 'tool' &&
      message.content.some((result) => result.content.some((part) => part.type === 'image'))
    ) {
      unsupported.push(`messages[${index}] (image in a tool result)`);
    }
  });
  return unsupported;
}
