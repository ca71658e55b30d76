import type { Usage } from '../../canonical/usage.ts';
import { isJsonObject } from '../../lib/json.ts';

function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

/**
 * Converts an OpenAI `usage` object into canonical usage. Fields the provider did not send stay
 * undefined. Negative or non-numeric counts are treated as not reported.
 * @see https://platform.openai.com/docs/api-reference/chat/object#chat/object-usage
 */
export function decodeOpenAiChatUsage(value: unknown): Usage | undefined {
  if (!isJsonObject(value)) {
    return undefined;
  }
  const promptDetails = isJsonObject(value.prompt_tokens_details)
    ? value.prompt_tokens_details
    : {};
  const completionDetails = isJsonObject(value.completion_tokens_details)
    ? value.completion_tokens_details
    : {};
  const inputTokens: { total?: number; cacheRead?: number; cacheWrite?: number } = {};
  const outputTokens: { total?: number; reasoning?: number } = {};
  const inputTotal = count(value.prompt_tokens);
  // DeepSeek reports cache hits at the top level as well as in the OpenAI field.
  const cacheRead = count(promptDetails.cached_tokens) ?? count(value.prompt_cache_hit_tokens);
  const cacheWrite = count(promptDetails.cache_write_tokens);
  const outputTotal = count(value.completion_tokens);
  const reasoning = count(completionDetails.reasoning_tokens);
  if (inputTotal !== undefined) inputTokens.total = inputTotal;
  if (cacheRead !== undefined) inputTokens.cacheRead = cacheRead;
  if (cacheWrite !== undefined) inputTokens.cacheWrite = cacheWrite;
  if (outputTotal !== undefined) outputTokens.total = outputTotal;
  if (reasoning !== undefined) outputTokens.reasoning = reasoning;
  return { inputTokens, outputTokens };
}
