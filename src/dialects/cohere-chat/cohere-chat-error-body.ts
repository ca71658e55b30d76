import { isJsonObject, safeParseJson } from '../../lib/json.ts';
import { classifyRefusalMessage } from '../classify-refusal-message.ts';
import type { UpstreamErrorFacts } from '../dialect-codec.ts';

const safeToken = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;

/**
 * Reads the safe facts of a Cohere error body. Cohere's bodies are `{"message": "..."}`, sometimes
 * with an `id` (a per-request trace id, not an error code); neither is repeated. A `code` or `type`
 * field is returned only when it is a short plain identifier (as some Cohere-compatible hosts send);
 * the free-text `message` never is, but it is read for a context-window refusal ("too many
 * tokens: size limit exceeded by 11326 tokens. ..."; Cohere documents no content-policy error).
 * Cohere names no parameter in a field, so `param` is always undefined. Never throws. Pure.
 * @see https://docs.cohere.com/reference/errors
 */
export function readCohereChatErrorFacts(bodyText: string): UpstreamErrorFacts {
  const parsed = safeParseJson(bodyText);
  if (!parsed.ok || !isJsonObject(parsed.value)) {
    return { code: undefined, param: undefined };
  }
  const body = parsed.value;
  const pick = (value: unknown): string | undefined =>
    typeof value === 'string' && safeToken.test(value) ? value : undefined;
  const refusal = classifyRefusalMessage(body.message);
  return {
    code: pick(body.code) ?? pick(body.type),
    param: undefined,
    ...(refusal === 'context-length' ? { refusal } : {}),
  };
}
