import type { ModelOperation } from '../../canonical/model-operation.ts';
import type { ModelRequestEnvelope } from '../../canonical/model-request-envelope.ts';
import { isJsonObject } from '../../lib/json.ts';
import {
  envelopeBody,
  invalidRequest as invalid,
  readRequestObject,
  readStreamFlag,
} from '../read-request-object.ts';

/**
 * Decodes a client's OpenAI-dialect body (Chat Completions or Embeddings) into an envelope. Checks
 * only what the gateway itself relies on (`model`, `stream`, `stream_options`, the presence of
 * `messages` or `input`); the provider validates the rest. Throws `GatewayError` (400) naming the
 * offending field.
 * @see https://platform.openai.com/docs/api-reference/chat/create
 * @see https://platform.openai.com/docs/api-reference/embeddings/create
 */
export function decodeOpenAiRequest(text: string, operation: ModelOperation): ModelRequestEnvelope {
  const { value, model } = readRequestObject(text);
  const stream = readStreamFlag(value);
  const streamOptions = value.stream_options;
  if (streamOptions !== undefined && streamOptions !== null && !isJsonObject(streamOptions)) {
    throw invalid('stream_options', '`stream_options` must be an object.');
  }
  const includeUsage = isJsonObject(streamOptions) ? streamOptions.include_usage : undefined;
  if (includeUsage !== undefined && typeof includeUsage !== 'boolean') {
    throw invalid(
      'stream_options.include_usage',
      '`stream_options.include_usage` must be true or false.',
    );
  }
  if (operation === 'chat') {
    if (!Array.isArray(value.messages) || value.messages.length === 0) {
      throw invalid('messages', '`messages` must be a non-empty array.');
    }
  } else {
    const input = value.input;
    if (typeof input !== 'string' && !Array.isArray(input)) {
      throw invalid('input', '`input` must be a string or an array.');
    }
    if (stream) {
      throw invalid('stream', 'Embeddings cannot be streamed.');
    }
  }
  return {
    dialect: 'openai-chat',
    operation,
    model,
    stream,
    clientWantsStreamUsage: includeUsage === true,
    body: envelopeBody(text, value),
  };
}
