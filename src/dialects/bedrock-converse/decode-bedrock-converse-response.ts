import type { ChatResponse } from '../../canonical/chat-response.ts';
import type { AssistantContentPart } from '../../canonical/content-part.ts';
import { GatewayError } from '../../errors/gateway-error.ts';
import { isJsonObject, type JsonObject } from '../../lib/json.ts';
import { decodeBedrockConverseUsage } from './decode-bedrock-converse-usage.ts';
import { decodeBedrockConverseStopReason } from './map-bedrock-converse-stop-reason.ts';

function invalid(detail: string): GatewayError {
  return new GatewayError('SB_ERR_UPSTREAM_INVALID_RESPONSE', {
    internalDetail: `bedrock-converse response: ${detail}`,
  });
}

/**
 * A `toolUse.input` as arguments text. Converse sends an object; for a tool without parameters
 * some models send nothing or the empty string, which is `{}`.
 * @see https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ToolUseBlock.html
 */
function toolArguments(input: unknown): string {
  if (input === undefined || input === null || (typeof input === 'string' && input.trim() === '')) {
    return '{}';
  }
  return typeof input === 'string' ? input : JSON.stringify(input);
}

/**
 * @see https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ReasoningContentBlock.html
 */
function reasoningPart(block: JsonObject): AssistantContentPart | undefined {
  if (typeof block.redactedContent === 'string') {
    return { type: 'redacted-reasoning', data: block.redactedContent };
  }
  const reasoning = isJsonObject(block.reasoningText) ? block.reasoningText : undefined;
  if (reasoning === undefined || typeof reasoning.text !== 'string') {
    return undefined;
  }
  return {
    type: 'reasoning',
    text: reasoning.text,
    ...(typeof reasoning.signature === 'string' ? { signature: reasoning.signature } : {}),
  };
}

/**
 * One response content block as canonical parts. Blocks of kinds the hub does not model (images,
 * guard content, cache points) are skipped; cited text keeps its text; a tool call without an id
 * is named after its position.
 * @see https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ContentBlock.html
 */
function contentParts(block: unknown, position: number): AssistantContentPart[] {
  if (!isJsonObject(block)) {
    return [];
  }
  if (typeof block.text === 'string') {
    return block.text === '' ? [] : [{ type: 'text', text: block.text }];
  }
  if (isJsonObject(block.toolUse)) {
    const call = block.toolUse;
    if (typeof call.name !== 'string') {
      throw invalid('a toolUse block has no name');
    }
    return [
      {
        type: 'tool-call',
        id: typeof call.toolUseId === 'string' ? call.toolUseId : `tooluse_${position}`,
        name: call.name,
        arguments: toolArguments(call.input),
      },
    ];
  }
  if (isJsonObject(block.reasoningContent)) {
    const part = reasoningPart(block.reasoningContent);
    return part === undefined ? [] : [part];
  }
  // @see https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_CitationsContentBlock.html
  if (isJsonObject(block.citationsContent) && Array.isArray(block.citationsContent.content)) {
    const text = block.citationsContent.content
      .map((item) => (isJsonObject(item) && typeof item.text === 'string' ? item.text : ''))
      .join('');
    return text === '' ? [] : [{ type: 'text', text }];
  }
  return [];
}

/**
 * A Converse response body as a canonical answer with one choice. Converse names neither the
 * answer nor the model in the body, so `id` and `model` are empty (the gateway fills them).
 * Throws `GatewayError` (`SB_ERR_UPSTREAM_INVALID_RESPONSE`) when the body has no output message.
 * Pure.
 * @see https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html#API_runtime_Converse_ResponseSyntax
 */
export function decodeBedrockConverseResponse(body: unknown): ChatResponse {
  if (!isJsonObject(body) || !isJsonObject(body.output) || !isJsonObject(body.output.message)) {
    throw invalid('no output message');
  }
  const message = body.output.message;
  if (!Array.isArray(message.content)) {
    throw invalid('the output message has no content array');
  }
  return {
    id: '',
    model: '',
    created: undefined,
    choices: [
      {
        index: 0,
        content: message.content.flatMap((block, position) => contentParts(block, position)),
        finishReason: decodeBedrockConverseStopReason(body.stopReason),
      },
    ],
    usage: decodeBedrockConverseUsage(body.usage),
  };
}
