import type { ChatChoice, ChatResponse } from '../../canonical/chat-response.ts';
import type { AssistantContentPart } from '../../canonical/content-part.ts';
import { GatewayError } from '../../errors/gateway-error.ts';
import { isJsonObject } from '../../lib/json.ts';
import { decodeOpenAiChatUsage } from './decode-openai-chat-usage.ts';
import { decodeOpenAiFinishReason } from './map-openai-chat-finish-reason.ts';
import { readOpenAiContentChunks } from './read-openai-content-chunks.ts';

function invalid(detail: string): GatewayError {
  return new GatewayError('SB_ERR_UPSTREAM_INVALID_RESPONSE', {
    internalDetail: `openai-chat response: ${detail}`,
  });
}

/**
 * An OpenAI `chat.completion` body as a canonical answer. Reasoning text in `reasoning_content`
 * (DeepSeek, xAI) or `reasoning` (OpenRouter) becomes a reasoning part. Throws `GatewayError`
 * when the body is not a chat completion.
 * @see https://platform.openai.com/docs/api-reference/chat/object
 */
export function decodeOpenAiChatResponse(body: unknown): ChatResponse {
  if (!isJsonObject(body) || !Array.isArray(body.choices)) {
    throw invalid('no choices array');
  }
  const choices = body.choices.map((raw, position): ChatChoice => {
    if (!isJsonObject(raw)) {
      throw invalid('a choice is not an object');
    }
    const message = isJsonObject(raw.message) ? raw.message : {};
    const content: AssistantContentPart[] = [];
    const reasoning = message.reasoning_content ?? message.reasoning;
    if (typeof reasoning === 'string' && reasoning !== '') {
      content.push({ type: 'reasoning', text: reasoning });
    }
    for (const chunk of readOpenAiContentChunks(message.content)) {
      content.push({ type: chunk.kind, text: chunk.text });
    }
    if (typeof message.refusal === 'string' && message.refusal !== '') {
      content.push({ type: 'refusal', text: message.refusal });
    }
    if (Array.isArray(message.tool_calls)) {
      for (const call of message.tool_calls) {
        if (
          isJsonObject(call) &&
          isJsonObject(call.function) &&
          typeof call.function.name === 'string'
        ) {
          content.push({
            type: 'tool-call',
            id: typeof call.id === 'string' ? call.id : `call_${content.length}`,
            name: call.function.name,
            arguments: typeof call.function.arguments === 'string' ? call.function.arguments : '{}',
          });
        }
      }
    }
    return {
      index: typeof raw.index === 'number' ? raw.index : position,
      content,
      finishReason: decodeOpenAiFinishReason(
        typeof raw.finish_reason === 'string' ? raw.finish_reason : undefined,
      ),
    };
  });
  return {
    id: typeof body.id === 'string' ? body.id : '',
    model: typeof body.model === 'string' ? body.model : '',
    created: typeof body.created === 'number' ? body.created : undefined,
    choices,
    usage: decodeOpenAiChatUsage(body.usage),
  };
}
