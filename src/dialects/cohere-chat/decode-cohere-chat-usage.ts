import { plausibleTokenCount, type Usage } from '../../canonical/usage.ts';
import { isJsonObject } from '../../lib/json.ts';

function count(value: unknown): number | undefined {
  return plausibleTokenCount(value);
}

/**
 * Converts a Cohere `usage` object into canonical usage. `tokens` (what the model really read and
 * wrote, Cohere's own system preamble included) wins over `billed_units` (what is charged), which
 * is only a fallback per field. `cached_tokens` (prompt tokens served from Cohere's cache, part of
 * `tokens.input_tokens`) becomes `cacheRead`, unless it exceeds the input total (it cannot be a part
 * of billed units that leave the preamble out). Cohere reports no reasoning count, so
 * `outputTokens.reasoning` stays undefined; its `output_tokens` already include thinking. Fields
 * not reported stay undefined; negative or non-numeric counts count as not reported. Pure.
 * @see https://docs.cohere.com/reference/chat#response.body.usage
 */
export function decodeCohereChatUsage(value: unknown): Usage | undefined {
  if (!isJsonObject(value)) {
    return undefined;
  }
  const tokens = isJsonObject(value.tokens) ? value.tokens : {};
  const billed = isJsonObject(value.billed_units) ? value.billed_units : {};
  const inputTokens: { total?: number; cacheRead?: number } = {};
  const outputTokens: { total?: number } = {};
  const inputTotal = count(tokens.input_tokens) ?? count(billed.input_tokens);
  const outputTotal = count(tokens.output_tokens) ?? count(billed.output_tokens);
  const cacheRead = count(value.cached_tokens);
  if (inputTotal !== undefined) inputTokens.total = inputTotal;
  if (cacheRead !== undefined && (inputTotal === undefined || cacheRead <= inputTotal)) {
    inputTokens.cacheRead = cacheRead;
  }
  if (outputTotal !== undefined) outputTokens.total = outputTotal;
  return { inputTokens, outputTokens };
}
