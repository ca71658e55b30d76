import { plausibleTokenCount, type Usage } from '../../canonical/usage.ts';
import { isJsonObject } from '../../lib/json.ts';

function count(value: unknown): number | undefined {
  return plausibleTokenCount(value);
}

/**
 * A Responses `usage` object as canonical usage. `input_tokens` already counts cached tokens and
 * `output_tokens` already counts reasoning tokens, as canonical usage wants. Fields the provider did
 * not send stay undefined; negative or non-numeric counts are treated as not reported, and an
 * object with no count at all is no usage. Pure.
 * @see https://platform.openai.com/docs/api-reference/responses/object#responses/object-usage
 */
export function decodeOpenAiResponsesUsage(value: unknown): Usage | undefined {
  if (!isJsonObject(value)) {
    return undefined;
  }
  const inputDetails = isJsonObject(value.input_tokens_details) ? value.input_tokens_details : {};
  const outputDetails = isJsonObject(value.output_tokens_details)
    ? value.output_tokens_details
    : {};
  const inputTokens: { total?: number; cacheRead?: number } = {};
  const outputTokens: { total?: number; reasoning?: number } = {};
  const inputTotal = count(value.input_tokens);
  const cacheRead = count(inputDetails.cached_tokens);
  const outputTotal = count(value.output_tokens);
  const reasoning = count(outputDetails.reasoning_tokens);
  if (inputTotal !== undefined) inputTokens.total = inputTotal;
  if (cacheRead !== undefined) inputTokens.cacheRead = cacheRead;
  if (outputTotal !== undefined) outputTokens.total = outputTotal;
  if (reasoning !== undefined) outputTokens.reasoning = reasoning;
  if (Object.keys(inputTokens).length === 0 && Object.keys(outputTokens).length === 0) {
    return undefined;
  }
  return { inputTokens, outputTokens };
}

/** The Responses `usage` object as the SDK types it (every count present). */
export interface OpenAiResponsesUsage {
  readonly input_tokens: number;
  readonly input_tokens_details: { readonly cached_tokens: number };
  readonly output_tokens: number;
  readonly output_tokens_details: { readonly reasoning_tokens: number };
  readonly total_tokens: number;
}

/**
 * Canonical usage as a Responses `usage` object. The wire format requires every count, so counts
 * the provider did not report are written as 0 (the client's schema leaves no way to say
 * "unknown"). Pure.
 * @see https://platform.openai.com/docs/api-reference/responses/object#responses/object-usage
 */
export function encodeOpenAiResponsesUsage(usage: Usage): OpenAiResponsesUsage {
  const input = usage.inputTokens.total ?? 0;
  const output = usage.outputTokens.total ?? 0;
  return {
    input_tokens: input,
    input_tokens_details: { cached_tokens: usage.inputTokens.cacheRead ?? 0 },
    output_tokens: output,
    output_tokens_details: { reasoning_tokens: usage.outputTokens.reasoning ?? 0 },
    total_tokens: input + output,
  };
}
