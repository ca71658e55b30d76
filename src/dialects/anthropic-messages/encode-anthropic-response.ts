import type { ChatResponse } from '../../canonical/chat-response.ts';
import type { AssistantContentPart } from '../../canonical/content-part.ts';
import { isJsonObject, safeParseJson, type JsonObject } from '../../lib/json.ts';
import type { EncodeContext } from '../dialect-codec.ts';
import { encodeAnthropicUsage } from './anthropic-usage.ts';
import { encodeAnthropicStopReason } from './map-anthropic-stop-reason.ts';

/**
 * Tool arguments as the `input` object Anthropic clients expect. Arguments that are not a JSON
 * object (a model's malformed output) are kept whole under one key rather than lost.
 */
export function toolInputObject(text: string): JsonObject {
  if (text.trim() === '') {
    return {};
  }
  const parsed = safeParseJson(text);
  return parsed.ok && isJsonObject(parsed.value) ? parsed.value : { unparsed_arguments: text };
}

function contentBlock(part: AssistantContentPart): JsonObject {
  switch (part.type) {
    case 'text':
      return { type: 'text', text: part.text };
    case 'refusal':
      return { type: 'text', text: part.text };
    case 'reasoning':
      return { type: 'thinking', thinking: part.text, signature: part.signature ?? '' };
    case 'redacted-reasoning':
      return { type: 'redacted_thinking', data: part.data };
    case 'tool-call':
      return {
        type: 'tool_use',
        id: part.id,
        name: part.name,
        input: toolInputObject(part.arguments),
      };
  }
}

/**
 * A canonical answer as an Anthropic `message` body (the first choice; the Messages API has one).
 * A refusal becomes text, since Anthropic has no refusal block; reasoning without a provider
 * signature is returned with an empty one.
 * @see https://docs.anthropic.com/en/api/messages#response
 */
export function encodeAnthropicResponse(response: ChatResponse, context: EncodeContext): string {
  const choice = response.choices[0];
  return JSON.stringify({
    id: response.id,
    type: 'message',
    role: 'assistant',
    model: response.model === '' ? context.requestedModel : response.model,
    content: choice === undefined ? [] : choice.content.map(contentBlock),
    stop_reason: choice === undefined ? 'end_turn' : encodeAnthropicStopReason(choice.finishReason),
    stop_sequence: null,
    usage: encodeAnthropicUsage(response.usage),
  });
}
