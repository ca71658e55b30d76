import type { ModelOperation } from '../../canonical/model-operation.ts';
import type { ModelRequestEnvelope } from '../../canonical/model-request-envelope.ts';
import {
  envelopeBody,
  invalidRequest as invalid,
  readRequestObject,
  readStreamFlag,
} from '../read-request-object.ts';

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
  const { value, model } = readRequestObject(text);
  const input = value.input;
  if (typeof input !== 'string' && !Array.isArray(input)) {
    throw invalid('input', '`input` must be a string or an array of input items.');
  }
  const stream = readStreamFlag(value);
  return {
    dialect: 'openai-responses',
    operation,
    model,
    stream,
    // A Responses stream always reports usage, in `response.completed` (or `.incomplete`).
    clientWantsStreamUsage: true,
    body: envelopeBody(text, value),
  };
}
