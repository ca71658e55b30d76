import { plausibleTokenCount, type Usage } from '../../canonical/usage.ts';
import { isJsonObject } from '../../lib/json.ts';

function count(value: unknown): number | undefined {
  return Number.isInteger(value) ? plausibleTokenCount(value) : undefined;
}

/**
 * A Converse `usage` object (`TokenUsage`) as canonical usage. Converse counts cache reads and
 * writes apart from `inputTokens` (as Anthropic does), so the canonical input total is their sum;
 * when `inputTokens` is missing the total stays unreported. Converse does not break reasoning out
 * of `outputTokens`. Counts that are missing, negative or not integers are "not reported". Pure.
 * @see https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_TokenUsage.html
 */
export function decodeBedrockConverseUsage(value: unknown): Usage | undefined {
  if (!isJsonObject(value)) {
    return undefined;
  }
  const input = count(value.inputTokens);
  const cacheRead = count(value.cacheReadInputTokens);
  const cacheWrite = count(value.cacheWriteInputTokens);
  const output = count(value.outputTokens);
  const inputTokens: { total?: number; cacheRead?: number; cacheWrite?: number } = {};
  const outputTokens: { total?: number } = {};
  if (input !== undefined) inputTokens.total = input + (cacheRead ?? 0) + (cacheWrite ?? 0);
  if (cacheRead !== undefined) inputTokens.cacheRead = cacheRead;
  if (cacheWrite !== undefined) inputTokens.cacheWrite = cacheWrite;
  if (output !== undefined) outputTokens.total = output;
  return { inputTokens, outputTokens };
}
