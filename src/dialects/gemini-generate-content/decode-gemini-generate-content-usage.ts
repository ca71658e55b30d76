import { plausibleTokenCount, type Usage } from '../../canonical/usage.ts';
import { isJsonObject } from '../../lib/json.ts';

function count(value: unknown): number | undefined {
  return plausibleTokenCount(value);
}

/**
 * Converts Gemini's `usageMetadata` into canonical usage. `promptTokenCount` already includes the
 * cached part (`cachedContentTokenCount`, reported as `cacheRead`); output is
 * `candidatesTokenCount + thoughtsTokenCount`, with the thoughts as `reasoning`. Gemini omits
 * zero counts (proto3 JSON), so when only one of the two output counts is present the other
 * counts as zero, and when both are absent but the totals are reported the output is what the
 * total leaves after the prompt. A metadata object without any count (Vertex AI's early stream
 * chunks carry only `trafficType`) is "not reported": undefined. Pure.
 * @see https://ai.google.dev/api/generate-content#UsageMetadata
 * @see https://cloud.google.com/vertex-ai/generative-ai/docs/reference/rest/v1/GenerateContentResponse#UsageMetadata
 */
export function decodeGeminiUsage(value: unknown): Usage | undefined {
  if (!isJsonObject(value)) {
    return undefined;
  }
  const prompt = count(value.promptTokenCount);
  const cached = count(value.cachedContentTokenCount);
  const candidates = count(value.candidatesTokenCount);
  const thoughts = count(value.thoughtsTokenCount);
  const total = count(value.totalTokenCount);
  const toolUsePrompt = count(value.toolUsePromptTokenCount);
  if (
    prompt === undefined &&
    candidates === undefined &&
    thoughts === undefined &&
    total === undefined
  ) {
    return undefined;
  }
  const inputTokens: { total?: number; cacheRead?: number } = {};
  const outputTokens: { total?: number; reasoning?: number } = {};
  if (prompt !== undefined) inputTokens.total = prompt;
  if (cached !== undefined) inputTokens.cacheRead = cached;
  if (candidates !== undefined || thoughts !== undefined) {
    outputTokens.total = (candidates ?? 0) + (thoughts ?? 0);
  } else if (total !== undefined && prompt !== undefined) {
    outputTokens.total = Math.max(0, total - prompt - (toolUsePrompt ?? 0));
  }
  if (thoughts !== undefined) outputTokens.reasoning = thoughts;
  return { inputTokens, outputTokens };
}
