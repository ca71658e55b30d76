import type { Usage } from '../../canonical/usage.ts';

/**
 * Canonical usage as OpenAI's `usage` object. Counts the provider did not report are written as
 * 0, because OpenAI's schema has no way to say "unknown" and SDKs expect numbers. Prompt-cache
 * writes, which OpenAI's schema lacks, are reported as `prompt_tokens_details.cache_write_tokens`
 * (the spelling OpenRouter uses) when the provider reported them.
 * @see https://platform.openai.com/docs/api-reference/chat/object#chat/object-usage
 */
export function encodeOpenAiChatUsage(usage: Usage): object {
  const input = usage.inputTokens.total ?? 0;
  const output = usage.outputTokens.total ?? 0;
  return {
    prompt_tokens: input,
    completion_tokens: output,
    total_tokens: input + output,
    prompt_tokens_details: {
      cached_tokens: usage.inputTokens.cacheRead ?? 0,
      ...(usage.inputTokens.cacheWrite === undefined
        ? {}
        : { cache_write_tokens: usage.inputTokens.cacheWrite }),
    },
    completion_tokens_details: { reasoning_tokens: usage.outputTokens.reasoning ?? 0 },
  };
}
