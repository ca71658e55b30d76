import type { ModelOperation } from '../../canonical/model-operation.ts';
import type { ModelRequestEnvelope } from '../../canonical/model-request-envelope.ts';
import { GatewayError } from '../../errors/gateway-error.ts';
import { findJsonObjectMembers } from '../../lib/json-object-members.ts';
import { isJsonObject, safeParseJson } from '../../lib/json.ts';

function invalid(param: string, detail: string): GatewayError {
  return new GatewayError('SB_ERR_REQUEST_INVALID', { param, detail });
}

/**
 * Decodes a client's OpenAI Responses body (`POST /v1/responses`) into an envelope. Checks only
 * what the gateway itself relies on: `model` names a model, `input` is a string or an array, and
 * `stream` is a boolean when present; the provider validates the rest. The Responses API has no
 * embeddings or token-counting operation on this route. Throws `GatewayError` (400) naming the
 * offending field.
 * @see https://platform.openai.com/docs/api-reference/responses/create
 */
export function decodeOpenAiResponsesRequest(
  text: string,
  operation: ModelOperation,
): ModelRequestEnvelope {
  if (operation !== 'chat') {
    throw invalid('(route)', `The OpenAI Responses API has no ${operation} operation.`);
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
  const input = value.input;
  if (typeof input !== 'string' && !Array.isArray(input)) {
    throw invalid('input', '`input` must be a string or an array of input items.');
  }
  const stream = value.stream;
  if (stream !== undefined && stream !== null && typeof stream !== 'boolean') {
    throw invalid('stream', '`stream` must be true or false.');
  }
  return {
    dialect: 'openai-responses',
    operation,
    model,
    stream: stream === true,
    // A Responses stream always reports usage, in `response.completed` (or `.incomplete`).
    clientWantsStreamUsage: true,
    body: { text, value, members: findJsonObjectMembers(text) },
  };
}
