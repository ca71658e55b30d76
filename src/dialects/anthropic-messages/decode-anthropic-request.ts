import type { ModelOperation } from '../../canonical/model-operation.ts';
import type { ModelRequestEnvelope } from '../../canonical/model-request-envelope.ts';
import {
  envelopeBody,
  invalidRequest as invalid,
  readRequestObject,
  readStreamFlag,
} from '../read-request-object.ts';

/**
 * Decodes a client's Anthropic Messages body (`/v1/messages` or `/v1/messages/count_tokens`)
 * into an envelope. Checks what the gateway relies on and what the Messages API itself requires
 * (`model`, a non-empty `messages` array, and for generation a positive integer `max_tokens`);
 * the provider validates the rest. Throws `GatewayError` (400) naming the offending field.
 * @see https://docs.anthropic.com/en/api/messages
 * @see https://docs.anthropic.com/en/api/messages-count-tokens
 */
export function decodeAnthropicRequest(
  text: string,
  operation: ModelOperation,
): ModelRequestEnvelope {
  if (operation === 'embeddings') {
    throw invalid('(route)', 'The Anthropic Messages API has no embeddings operation.');
  }
  const { value, model } = readRequestObject(text);
  if (!Array.isArray(value.messages) || value.messages.length === 0) {
    throw invalid('messages', '`messages` must be a non-empty array.');
  }
  const stream = readStreamFlag(value);
  if (operation === 'chat') {
    const maxTokens = value.max_tokens;
    if (typeof maxTokens !== 'number' || !Number.isInteger(maxTokens) || maxTokens < 1) {
      throw invalid('max_tokens', '`max_tokens` must be a positive integer.');
    }
  } else if (stream) {
    throw invalid('stream', 'Token counting cannot be streamed.');
  }
  return {
    dialect: 'anthropic-messages',
    operation,
    model,
    stream,
    // Anthropic streams always carry usage (in `message_start` and `message_delta`).
    clientWantsStreamUsage: true,
    body: envelopeBody(text, value),
  };
}
