import type { ChatRequest } from '../../canonical/chat-request.ts';
import type { MediaSource } from '../../canonical/content-part.ts';
import { argumentsObject, toolResultName } from './encode-gemini-generate-content-contents.ts';

/**
 * At most this many stop sequences.
 * @see https://ai.google.dev/api/generate-content#FIELDS.stop_sequences
 */
export const maxGeminiStopSequences = 5;

function isFileId(source: MediaSource): boolean {
  return source.kind === 'file-id';
}

/**
 * Request parameters Gemini cannot express, named as in the OpenAI API: `user` (no end-user
 * field), `parallel_tool_calls` when false (Gemini cannot forbid parallel calls; true is its
 * default), `stop` beyond five sequences. Content that cannot be encoded is named by message:
 * media given by another provider's file id, tool-call arguments that are not a JSON object
 * (Gemini's `args` is an object), and tool results whose tool name is unknown (Gemini's
 * `functionResponse` needs the name). Pure.
 */
export function unsupportedGeminiParameters(request: ChatRequest): string[] {
  const unsupported: string[] = [];
  if (request.user !== undefined) {
    unsupported.push('user');
  }
  if (request.parallelToolCalls === false) {
    unsupported.push('parallel_tool_calls');
  }
  if (request.stopSequences.length > maxGeminiStopSequences) {
    unsupported.push('stop');
  }
  request.messages.forEach((message, index) => {
    switch (message.role) {
      case 'user':
        for (const part of message.content) {
          if (part.type !== 'text' && isFileId(part.source)) {
            unsupported.push(`messages[${index}] (${part.type} given by file id)`);
            break;
          }
        }
        break;
      case 'assistant':
        if (
          message.content.some(
            (part) => part.type === 'tool-call' && argumentsObject(part.arguments) === undefined,
          )
        ) {
          unsupported.push(`messages[${index}] (tool call arguments that are not a JSON object)`);
        }
        break;
      case 'tool':
        if (
          message.content.some(
            (result) => toolResultName(request.messages, index, result) === undefined,
          )
        ) {
          unsupported.push(`messages[${index}] (tool result for an unknown tool call)`);
        }
        if (
          message.content.some((result) =>
            result.content.some((part) => part.type === 'image' && isFileId(part.source)),
          )
        ) {
          unsupported.push(`messages[${index}] (image given by file id)`);
        }
        break;
      case 'system':
        break;
    }
  });
  return unsupported;
}
