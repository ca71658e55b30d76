import type { ChatResponse } from '../../canonical/chat-response.ts';
import type { EncodeContext } from '../dialect-codec.ts';
import { encodeOpenAiResponsesEnding } from './map-openai-responses-status.ts';
import {
  functionCallItem,
  messageItem,
  openAiResponsesId,
  openAiResponsesItemId,
  openAiResponsesObject,
  outputTextPart,
  reasoningItem,
  refusalPart,
} from './openai-responses-output.ts';

/**
 * A canonical answer as an OpenAI Responses `response` object: reasoning as `reasoning` items
 * (the signature as `encrypted_content`), consecutive text and refusals as one assistant
 * `message`, tool calls as `function_call` items, in the answer's order. Only the first choice is
 * written (the API has one). Redacted reasoning, which only its own provider can read, is left
 * out. A length or content-filter finish makes the response `incomplete` with the matching
 * `incomplete_details`. The SDKs compute `output_text` from the message items. Pure.
 * @see https://platform.openai.com/docs/api-reference/responses/object
 */
export function encodeOpenAiResponsesResponse(
  response: ChatResponse,
  context: EncodeContext,
): string {
  const id = openAiResponsesId(response.id);
  const choice = response.choices.find((candidate) => candidate.index === 0) ?? response.choices[0];
  const ending = encodeOpenAiResponsesEnding(choice?.finishReason);
  const output: object[] = [];
  let message: object[] | undefined;
  const flush = (status: 'completed' | 'incomplete'): void => {
    if (message !== undefined) {
      output.push(messageItem(openAiResponsesItemId('msg', id, output.length), message, status));
      message = undefined;
    }
  };
  for (const part of choice?.content ?? []) {
    switch (part.type) {
      case 'text':
        (message ??= []).push(outputTextPart(part.text));
        break;
      case 'refusal':
        (message ??= []).push(refusalPart(part.text));
        break;
      case 'reasoning':
        flush('completed');
        output.push(
          reasoningItem(openAiResponsesItemId('rs', id, output.length), part.text, part.signature),
        );
        break;
      case 'tool-call':
        flush('completed');
        output.push(
          functionCallItem(openAiResponsesItemId('fc', id, output.length), part, 'completed'),
        );
        break;
      case 'redacted-reasoning':
        break;
    }
  }
  flush(ending.status);
  return JSON.stringify(
    openAiResponsesObject(
      {
        id,
        createdAt: response.created ?? Math.floor(context.now / 1000),
        model: response.model === '' ? context.requestedModel : response.model,
      },
      output,
      ending,
      response.usage,
    ),
  );
}
