import type { ChatResponse } from '../../canonical/chat-response.ts';
import type { AssistantContentPart } from '../../canonical/content-part.ts';
import { GatewayError } from '../../errors/gateway-error.ts';
import { isJsonObject, type JsonObject } from '../../lib/json.ts';
import { decodeOpenAiResponsesFinishReason } from './map-openai-responses-status.ts';
import { reasoningPartOf } from './openai-responses-input-to-canonical.ts';
import { decodeOpenAiResponsesUsage } from './openai-responses-usage.ts';

function invalid(detail: string): GatewayError {
  return new GatewayError('SB_ERR_UPSTREAM_INVALID_RESPONSE', {
    internalDetail: `openai-responses response: ${detail}`,
  });
}

/** A `message` output item's text and refusal parts, in order. */
function messageParts(item: JsonObject): AssistantContentPart[] {
  if (!Array.isArray(item.content)) {
    return [];
  }
  return item.content.flatMap((part): AssistantContentPart[] => {
    if (!isJsonObject(part)) {
      return [];
    }
    if (part.type === 'output_text' && typeof part.text === 'string' && part.text !== '') {
      return [{ type: 'text', text: part.text }];
    }
    if (part.type === 'refusal' && typeof part.refusal === 'string' && part.refusal !== '') {
      return [{ type: 'refusal', text: part.refusal }];
    }
    return [];
  });
}

/**
 * The canonical content of a Responses `output` array, in order. Items of built-in tools
 * (web search, file search, code interpreter, image generation, shell, apply patch, MCP, tool
 * search, compaction) ran at the provider or belong to OpenAI-only tools and are left out; the
 * text around them stays. Pure.
 * @see https://platform.openai.com/docs/api-reference/responses/object#responses/object-output
 */
export function decodeOpenAiResponsesOutput(output: readonly unknown[]): AssistantContentPart[] {
  const content: AssistantContentPart[] = [];
  for (const item of output) {
    if (!isJsonObject(item)) {
      continue;
    }
    switch (item.type) {
      case 'message':
        content.push(...messageParts(item));
        break;
      case 'reasoning': {
        const part = reasoningPartOf(item);
        if (part !== undefined) content.push(part);
        break;
      }
      case 'function_call':
        if (typeof item.name === 'string') {
          content.push({
            type: 'tool-call',
            id: typeof item.call_id === 'string' ? item.call_id : `call_${content.length}`,
            name: item.name,
            arguments:
              typeof item.arguments === 'string' && item.arguments !== '' ? item.arguments : '{}',
          });
        }
        break;
      default:
        break;
    }
  }
  return content;
}

/**
 * An OpenAI Responses `response` object as a canonical answer (one choice). Throws `GatewayError`
 * when the body is not a response (invalid response), or when the provider says the response
 * failed or was cancelled (upstream error; its message is kept out of what the client sees).
 * @see https://platform.openai.com/docs/api-reference/responses/object
 */
export function decodeOpenAiResponsesResponse(body: unknown): ChatResponse {
  if (!isJsonObject(body) || !Array.isArray(body.output)) {
    throw invalid('no output array');
  }
  if (body.status === 'failed' || body.status === 'cancelled') {
    throw new GatewayError('SB_ERR_UPSTREAM_ERROR', {
      detail: 'The provider reported that the response failed.',
      internalDetail: `openai-responses response status ${body.status}`,
    });
  }
  if (body.status === 'in_progress' || body.status === 'queued') {
    throw invalid(`status ${body.status} (the response is not finished)`);
  }
  const content = decodeOpenAiResponsesOutput(body.output);
  return {
    id: typeof body.id === 'string' ? body.id : '',
    model: typeof body.model === 'string' ? body.model : '',
    created: typeof body.created_at === 'number' ? body.created_at : undefined,
    choices: [
      {
        index: 0,
        content,
        finishReason: decodeOpenAiResponsesFinishReason(
          body,
          content.some((part) => part.type === 'tool-call'),
        ),
      },
    ],
    usage: decodeOpenAiResponsesUsage(body.usage),
  };
}
