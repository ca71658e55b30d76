import type { ChatResponse } from '../../canonical/chat-response.ts';
import type { AssistantContentPart } from '../../canonical/content-part.ts';
import { GatewayError } from '../../errors/gateway-error.ts';
import { isJsonObject } from '../../lib/json.ts';
import { normalizeCohereToolArguments } from './cohere-chat-tool-arguments.ts';
import { decodeCohereChatUsage } from './decode-cohere-chat-usage.ts';
import { decodeCohereChatFinishReason } from './map-cohere-chat-finish-reason.ts';

function invalid(detail: string): GatewayError {
  return new GatewayError('SB_ERR_UPSTREAM_INVALID_RESPONSE', {
    internalDetail: `cohere-chat response: ${detail}`,
  });
}

/**
 * The parts of a Cohere assistant `content`: `text` blocks become text parts and `thinking` blocks
 * reasoning parts, in order; empty blocks and unknown types are skipped. A plain string (which the
 * request side allows) is read as one text block.
 * @see https://docs.cohere.com/reference/chat#response.body.message.content
 */
function decodeContent(content: unknown): AssistantContentPart[] {
  if (typeof content === 'string') {
    return content === '' ? [] : [{ type: 'text', text: content }];
  }
  if (!Array.isArray(content)) {
    return [];
  }
  const parts: AssistantContentPart[] = [];
  for (const block of content) {
    if (!isJsonObject(block)) {
      continue;
    }
    if (block.type === 'text' && typeof block.text === 'string' && block.text !== '') {
      parts.push({ type: 'text', text: block.text });
    } else if (
      block.type === 'thinking' &&
      typeof block.thinking === 'string' &&
      block.thinking !== ''
    ) {
      parts.push({ type: 'reasoning', text: block.thinking });
    }
  }
  return parts;
}

/**
 * A Cohere v2 chat body (`{id, finish_reason, message, usage}`) as a canonical answer with one
 * choice. Content blocks come first (`thinking` as reasoning, `text` as text), then `tool_plan`,
 * then the tool calls. `tool_plan` is the sentence a Cohere model writes before calling tools ("I
 * will use the weather tool to ..."): visible prose addressed to the user, like the text Anthropic
 * models write before a `tool_use` block, not hidden reasoning (Cohere's reasoning arrives as
 * `thinking` blocks). It becomes a text part, so every client sees it, and the request encoder
 * sends assistant text of a tool-calling turn back as `tool_plan`, so it round-trips. Arguments
 * `"null"` (Cohere's answer for a tool without parameters) become `"{}"`. `citations` have no
 * canonical field and are not carried. The body has no model name or creation time, so `model` is
 * empty and `created` undefined. Throws `GatewayError` (invalid response) when the body has no
 * `message` object. Pure.
 * @see https://docs.cohere.com/reference/chat#response
 * @see https://docs.cohere.com/docs/tool-use-overview
 */
export function decodeCohereChatResponse(body: unknown): ChatResponse {
  if (!isJsonObject(body)) {
    throw invalid('the body is not a JSON object');
  }
  const message = body.message;
  if (!isJsonObject(message)) {
    throw invalid('no message object');
  }
  const content = decodeContent(message.content);
  if (typeof message.tool_plan === 'string' && message.tool_plan !== '') {
    content.push({ type: 'text', text: message.tool_plan });
  }
  if (Array.isArray(message.tool_calls)) {
    for (const call of message.tool_calls) {
      if (!isJsonObject(call) || !isJsonObject(call.function)) {
        continue;
      }
      const fn = call.function;
      if (typeof fn.name !== 'string') {
        continue;
      }
      content.push({
        type: 'tool-call',
        id: typeof call.id === 'string' ? call.id : `call_${content.length}`,
        name: fn.name,
        arguments: normalizeCohereToolArguments(
          typeof fn.arguments === 'string'
            ? fn.arguments
            : isJsonObject(fn.arguments)
              ? JSON.stringify(fn.arguments)
              : '',
        ),
      });
    }
  }
  return {
    id: typeof body.id === 'string' ? body.id : '',
    model: '',
    created: undefined,
    choices: [
      { index: 0, content, finishReason: decodeCohereChatFinishReason(body.finish_reason) },
    ],
    usage: decodeCohereChatUsage(body.usage),
  };
}
