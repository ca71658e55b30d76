import type { ChatMessage } from '../../canonical/chat-message.ts';
import type {
  AssistantContentPart,
  TextPart,
  ToolResultPart,
  UserContentPart,
} from '../../canonical/content-part.ts';
import type { JsonObject } from '../../lib/json.ts';
import { cohereImageUrl } from './cohere-chat-media.ts';

function joinText(parts: readonly TextPart[]): string {
  return parts.map((part) => part.text).join('');
}

/**
 * A user turn's `content`: a string for a single text part, else content blocks (`text` and
 * `image_url`, with `detail` when set). Parts Cohere cannot take are left out here and refused
 * earlier by `unsupportedCohereChatParameters`.
 * @see https://docs.cohere.com/reference/chat#request.body.messages.user.content
 */
function userContent(parts: readonly UserContentPart[]): string | JsonObject[] {
  const only = parts[0];
  if (parts.length === 1 && only?.type === 'text') {
    return only.text;
  }
  if (parts.length === 0) {
    return '';
  }
  return parts.flatMap((part): JsonObject[] => {
    if (part.type === 'text') {
      return [{ type: 'text', text: part.text }];
    }
    const url = cohereImageUrl(part);
    if (url === undefined) {
      return [];
    }
    const detail = part.type === 'image' ? part.detail : undefined;
    return [{ type: 'image_url', image_url: { url, ...(detail === undefined ? {} : { detail }) } }];
  });
}

/**
 * An assistant turn. Tool calls go to `tool_calls`; in a turn with tool calls the text goes to
 * `tool_plan` (where Cohere puts the sentence its models write before calling tools, and where
 * decoding takes it from), otherwise to `content`. Reasoning parts go back as `thinking` content
 * blocks, which the API accepts in assistant turns; their signatures and redacted reasoning (other
 * providers' encrypted blobs) have no Cohere field and are left out; refusals are sent as text.
 * Returns undefined for a turn with nothing Cohere can carry.
 * @see https://docs.cohere.com/reference/chat#request.body.messages.assistant
 */
function assistantMessage(parts: readonly AssistantContentPart[]): JsonObject | undefined {
  const toolCalls = parts.flatMap((part) =>
    part.type === 'tool-call'
      ? [
          {
            id: part.id,
            type: 'function',
            function: { name: part.name, arguments: part.arguments },
          },
        ]
      : [],
  );
  const blocks: JsonObject[] = [];
  const texts: string[] = [];
  for (const part of parts) {
    if (part.type === 'reasoning' && part.text !== '') {
      blocks.push({ type: 'thinking', thinking: part.text });
    } else if ((part.type === 'text' || part.type === 'refusal') && part.text !== '') {
      texts.push(part.text);
      if (toolCalls.length === 0) {
        blocks.push({ type: 'text', text: part.text });
      }
    }
  }
  const hasThinking = blocks.some((block) => block.type === 'thinking');
  if (toolCalls.length > 0) {
    return {
      role: 'assistant',
      ...(texts.length > 0 ? { tool_plan: texts.join('') } : {}),
      ...(hasThinking ? { content: blocks } : {}),
      tool_calls: toolCalls,
    };
  }
  if (blocks.length === 0) {
    return undefined;
  }
  return { role: 'assistant', content: hasThinking ? blocks : texts.join('') };
}

/**
 * Tool results, one Cohere `tool` message each, with the text of the result as `content`. Images in
 * tool results are refused earlier; Cohere has no error flag, so `isError` is carried only by the
 * text itself.
 * @see https://docs.cohere.com/reference/chat#request.body.messages.tool
 */
function toolMessages(results: readonly ToolResultPart[]): JsonObject[] {
  return results.map((result) => ({
    role: 'tool',
    tool_call_id: result.toolCallId,
    content: joinText(result.content.filter((part): part is TextPart => part.type === 'text')),
  }));
}

/**
 * The Cohere `messages` array for a canonical conversation. Cohere requires the system turn to be
 * first ("system turn must be the first in the list"), so the system text and any system message
 * from the middle of the conversation are merged, in order, into one leading system message
 * (separated by a blank line). Pure.
 * @see https://docs.cohere.com/reference/chat#request.body.messages
 * @see https://docs.cohere.com/reference/errors
 */
export function encodeCohereChatMessages(
  system: readonly TextPart[],
  messages: readonly ChatMessage[],
): JsonObject[] {
  const systemTexts: string[] = [];
  if (system.length > 0) {
    systemTexts.push(joinText(system));
  }
  const encoded: JsonObject[] = [];
  for (const message of messages) {
    switch (message.role) {
      case 'system':
        systemTexts.push(joinText(message.content));
        break;
      case 'user':
        encoded.push({ role: 'user', content: userContent(message.content) });
        break;
      case 'assistant': {
        const assistant = assistantMessage(message.content);
        if (assistant !== undefined) {
          encoded.push(assistant);
        }
        break;
      }
      case 'tool':
        encoded.push(...toolMessages(message.content));
        break;
    }
  }
  return systemTexts.length > 0
    ? [{ role: 'system', content: systemTexts.join('\n\n') }, ...encoded]
    : encoded;
}
