import { isJsonObject, safeParseJson } from '../../lib/json.ts';
import type { UpstreamErrorFacts } from '../dialect-codec.ts';
import { readOpenAiErrorFacts } from '../openai-chat/openai-error-body.ts';

const safeToken = /^[A-Za-z0-9_.-]{1,64}$/;

/**
 * Reads `code` or `type` (and `param`) from a Mistral error body, which puts them at the top
 * level (`{"object": "error", "type": ...}`) rather than under `error`; validation errors (422,
 * `{"detail": [...]}`) carry nothing safe to repeat. A context-window refusal ("Prompt contains
 * 40000 tokens and 0 draft tokens, too large for model with 32768 maximum context length") is
 * read from the message as for OpenAI-style bodies. Free text is never returned. Pure.
 * @see https://docs.mistral.ai/api/
 */
export function readMistralErrorFacts(bodyText: string): UpstreamErrorFacts {
  const nested = readOpenAiErrorFacts(bodyText);
  if (nested.code !== undefined) {
    return nested;
  }
  const parsed = safeParseJson(bodyText);
  const body = parsed.ok && isJsonObject(parsed.value) ? parsed.value : {};
  const pick = (value: unknown): string | undefined =>
    typeof value === 'string' && safeToken.test(value) ? value : undefined;
  return {
    code: pick(body.code) ?? pick(body.type),
    param: pick(body.param),
    ...(nested.refusal === undefined ? {} : { refusal: nested.refusal }),
  };
}
