import type { ModelRequestEnvelope } from '../canonical/model-request-envelope.ts';
import { GatewayError } from '../errors/gateway-error.ts';
import { findJsonObjectMembers } from '../lib/json-object-members.ts';
import { isJsonObject, safeParseJson, type JsonObject } from '../lib/json.ts';

/** A 400 naming the field at fault, for request decoders. */
export function invalidRequest(param: string, detail: string): GatewayError {
  return new GatewayError('SB_ERR_REQUEST_INVALID', { param, detail });
}

/**
 * The part every ingress dialect checks first: the body is JSON, a JSON object, and names a
 * model. Throws `GatewayError` (400) otherwise. Pure.
 */
export function readRequestObject(text: string): {
  readonly value: JsonObject;
  readonly model: string;
} {
  const parsed = safeParseJson(text);
  if (!parsed.ok) {
    throw new GatewayError('SB_ERR_REQUEST_INVALID_JSON', { detail: `(${parsed.message})` });
  }
  const value = parsed.value;
  if (!isJsonObject(value)) {
    throw invalidRequest('(body)', 'The body must be a JSON object.');
  }
  const model = value.model;
  if (typeof model !== 'string' || model.trim() === '') {
    throw invalidRequest('model', '`model` must be a non-empty string naming a configured model.');
  }
  return { value, model };
}

/** `stream` as sent: true only when the client asked; throws (400) when it is not a boolean. */
export function readStreamFlag(value: JsonObject): boolean {
  const stream = value.stream;
  if (stream !== undefined && stream !== null && typeof stream !== 'boolean') {
    throw invalidRequest('stream', '`stream` must be true or false.');
  }
  return stream === true;
}

/** The body as an envelope keeps it: the text, its value and its top-level member spans. */
export function envelopeBody(text: string, value: JsonObject): ModelRequestEnvelope['body'] {
  return { text, value, members: findJsonObjectMembers(text) };
}
