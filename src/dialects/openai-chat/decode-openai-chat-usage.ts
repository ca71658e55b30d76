import { plausibleTokenCount, type Usage } from '../../canonical/usage.ts';
import { isJsonObject, type JsonObject } from '../../lib/json.ts';

function count(value: unknown): number | undefined {
  return plausibleTokenCount(value);
}

/**
 * Whether `completion_tokens` leaves the reasoning tokens out, as xAI's does (its `total_tokens`
 * is prompt + completion + reasoning); OpenAI and DeepSeek count them in `completion_tokens`.
 * @see https://docs.x.ai/docs/guides/reasoning
 */
function completionExcludesReasoning(
  value: JsonObject,
  prompt: number | undefined,
  completion: number,
  reasoning: number,
): boolean {
  if (reasoning === 0) {
    return false;
  }
  return (
    reasoning > completion || count(value.total_tokens) === (prompt ?? 0) + completion + reasoning
  );
}

/**
 * Converts an OpenAI `usage` object into canonical usage. Fields the provider did not send stay
 * undefined. Negative or non-numeric counts are treated as not reported. Output tokens always
 * include reasoning tokens, also for providers whose `completion_tokens` leave them out (xAI).
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
  const completion = count(value.completion_tokens);
  const reasoning = count(completionDetails.reasoning_tokens);
  const outputTotal =
    completion !== undefined &&
    reasoning !== undefined &&
    completionExcludesReasoning(value, inputTotal, completion, reasoning)
      ? completion + reasoning
      : completion;
  if (inputTotal !== undefined) inputTokens.total = inputTotal;
  if (cacheRead !== undefined) inputTokens.cacheRead = cacheRead;
  if (cacheWrite !== undefined) inputTokens.cacheWrite = cacheWrite;
  if (outputTotal !== undefined) outputTokens.total = outputTotal;
  if (reasoning !== undefined) outputTokens.reasoning = reasoning;
  return { inputTokens, outputTokens };
}

/**
 * The usage a stream chunk reports: its `usage` object or, from Groq, `x_groq.usage` (Groq puts
 * usage there on the last chunk, also when it does not fill `usage`).
 * @see https://platform.openai.com/docs/api-reference/chat-streaming/streaming#chat-streaming/streaming-usage
 * @see https://console.groq.com/docs/api-reference#chat-create
 */
export function decodeOpenAiChunkUsage(chunk: JsonObject): Usage | undefined {
  return (
    decodeOpenAiChatUsage(chunk.usage) ??
    (isJsonObject(chunk.x_groq) ? decodeOpenAiChatUsage(chunk.x_groq.usage) : undefined)
  );
}
