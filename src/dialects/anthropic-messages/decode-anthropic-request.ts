import type { ModelOperation } from '../../canonical/model-operation.ts';
import type { ModelRequestEnvelope } from '../../canonical/model-request-envelope.ts';
import { GatewayError } from '../../errors/gateway-error.ts';
import { findJsonObjectMembers } from '../../lib/json-object-members.ts';
import { isJsonObject, safeParseJson } from '../../lib/json.ts';

function invalid(param: string, detail: string): GatewayError {
  return new GatewayError('SB_ERR_REQUEST_INVALID', { param, detail });
}

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
  const parsed = safeParseJson(text);
  if (!parsed.ok) {
    throw new GatewayError('SB_ERR_REQUEST_INVALID_JSON', { detail: `(${parsed.message})` });
  }
  const value = parsed.value;
  if (!isJsonObject(value)) {
    throw invalid('(body)', 'The body must be a JSON object.');
  }
  const model = value.model;
  if (typeof model !== 'string' || model.trim() === '') {
    throw invalid('model', '`model` must be a non-empty string naming a configured model.');
  }
  if (!Array.isArray(value.messages) || value.messages.length === 0) {
    throw invalid('messages', '`messages` must be a non-empty array.');
  }
  const stream = value.stream;
  if (stream !== undefined && stream !== null && typeof stream !== 'boolean') {
    throw invalid('stream', '`stream` must be true or false.');
  }
  if (operation === 'chat') {
    const maxTokens = value.max_tokens;
    if (typeof maxTokens !== 'number' || !Number.isInteger(maxTokens) || maxTokens < 1) {
      throw invalid('max_tokens', '`max_tokens` must be a positive integer.');
    }
  } else if (stream === true) {
    throw invalid('stream', 'Token counting cannot be streamed.');
  }
  return {
    dialect: 'anthropic-messages',
    operation,
    model,
    stream: stream === true,
    // Anthropic streams always carry usage (in `message_start` and `message_delta`).
    clientWantsStreamUsage: true,
    body: { text, value, members: findJsonObjectMembers(text) },
  };
}
