import { plausibleTokenCount, type Usage } from '../../canonical/usage.ts';
import { isJsonObject } from '../../lib/json.ts';

function count(value: unknown): number | undefined {
  return plausibleTokenCount(value);
}

/**
 * Anthropic usage as canonical usage. Anthropic's `input_tokens` leaves out cached tokens, so the
 * canonical total adds `cache_read_input_tokens` and `cache_creation_input_tokens` back; fields
 * the provider did not send stay undefined. Used for `message_start`, `message_delta` and whole
 * messages alike (in `message_delta` every count is cumulative).
 * @see https://docs.anthropic.com/en/api/messages#response-usage
 */
export function decodeAnthropicUsage(raw: unknown): Usage | undefined {
  if (!isJsonObject(raw)) {
    return undefined;
  }
  const input = count(raw.input_tokens);
  const cacheRead = count(raw.cache_read_input_tokens);
  const cacheWrite = count(raw.cache_creation_input_tokens);
  const output = count(raw.output_tokens);
  const details = isJsonObject(raw.output_tokens_details) ? raw.output_tokens_details : {};
  const reasoning = count(details.thinking_tokens);
  const inputTokens: { total?: number; cacheRead?: number; cacheWrite?: number } = {};
  if (input !== undefined) {
    inputTokens.total = input + (cacheRead ?? 0) + (cacheWrite ?? 0);
  }
  if (cacheRead !== undefined) inputTokens.cacheRead = cacheRead;
  if (cacheWrite !== undefined) inputTokens.cacheWrite = cacheWrite;
  const outputTokens: { total?: number; reasoning?: number } = {};
  if (output !== undefined) outputTokens.total = output;
  if (reasoning !== undefined) outputTokens.reasoning = reasoning;
  if (Object.keys(inputTokens).length === 0 && Object.keys(outputTokens).length === 0) {
    return undefined;
  }
  return { inputTokens, outputTokens };
}

/**
 * Canonical usage in Anthropic's shape: `input_tokens` without the cached parts, which go in
 * their own fields. Counts the provider did not report are sent as 0, since the SDKs type them as
 * numbers.
 * @see https://docs.anthropic.com/en/api/messages#response-usage
 */
export function encodeAnthropicUsage(usage: Usage | undefined): Record<string, number> {
  const cacheRead = usage?.inputTokens.cacheRead ?? 0;
  const cacheWrite = usage?.inputTokens.cacheWrite ?? 0;
  const total = usage?.inputTokens.total ?? 0;
  return {
    input_tokens: Math.max(0, total - cacheRead - cacheWrite),
    cache_creation_input_tokens: cacheWrite,
    cache_read_input_tokens: cacheRead,
    output_tokens: usage?.outputTokens.total ?? 0,
  };
}
