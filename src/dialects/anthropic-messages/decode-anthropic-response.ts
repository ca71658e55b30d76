import type { ChatResponse } from '../../canonical/chat-response.ts';
import type { AssistantContentPart } from '../../canonical/content-part.ts';
import { GatewayError } from '../../errors/gateway-error.ts';
import { isJsonObject, type JsonObject } from '../../lib/json.ts';
import { decodeAnthropicUsage } from './anthropic-usage.ts';
import { decodeAnthropicStopReason, refusalExplanation } from './map-anthropic-stop-reason.ts';

function contentPart(block: JsonObject): AssistantContentPart | undefined {
  switch (block.type) {
    case 'text':
      return typeof block.text === 'string' ? { type: 'text', text: block.text } : undefined;
    case 'thinking':
      return {
        type: 'reasoning',
        text: typeof block.thinking === 'string' ? block.thinking : '',
        ...(typeof block.signature === 'string' && block.signature !== ''
          ? { signature: block.signature }
          : {}),
      };
    case 'redacted_thinking':
      return typeof block.data === 'string'
        ? { type: 'redacted-reasoning', data: block.data }
        : undefined;
    case 'tool_use':
      return typeof block.id === 'string' && typeof block.name === 'string'
        ? {
            type: 'tool-call',
            id: block.id,
            name: block.name,
            arguments: JSON.stringify(block.input ?? {}),
          }
        : undefined;
    default:
      // Server tool calls and their results (web search, code execution, ...) ran at Anthropic;
      // they have no place in another dialect's answer, whose text already reports them.
      return undefined;
  }
}

/**
 * An Anthropic `message` body as a canonical answer (one choice). Thinking keeps its signature,
 * tool inputs become JSON text, blocks of provider-run tools are left out, and a refusal's
 * explanation (`stop_details`) becomes a refusal part. Throws
 * `GatewayError` when the body is not a message.
 * @see https://docs.anthropic.com/en/api/messages#response
 */
export function decodeAnthropicResponse(body: unknown): ChatResponse {
  if (!isJsonObject(body) || !Array.isArray(body.content)) {
    throw new GatewayError('SB_ERR_UPSTREAM_INVALID_RESPONSE', {
      internalDetail: 'anthropic-messages response: no content array',
    });
  }
  const content: AssistantContentPart[] = [];
  for (const block of body.content) {
    const part = isJsonObject(block) ? contentPart(block) : undefined;
    if (part !== undefined) {
      content.push(part);
    }
  }
  const explanation =
    body.stop_reason === 'refusal' ? refusalExplanation(body.stop_details) : undefined;
  if (explanation !== undefined) {
    content.push({ type: 'refusal', text: explanation });
  }
  return {
    id: typeof body.id === 'string' ? body.id : '',
    model: typeof body.model === 'string' ? body.model : '',
    created: undefined,
    choices: [{ index: 0, content, finishReason: decodeAnthropicStopReason(body.stop_reason) }],
    usage: decodeAnthropicUsage(body.usage),
  };
}
