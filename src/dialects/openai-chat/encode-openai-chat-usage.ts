import type { Usage } from '../../canonical/usage.ts';

/**
 * Canonical usage as OpenAI's `usage` object. The three totals are always numbers (0 when the
 * provider reported none), because SDKs expect them; the optional detail objects are written
 * only with counts the provider reported, so an unknown cache or reasoning count is absent rather
 * than a false 0. Prompt-cache writes, which OpenAI's schema lacks, are reported as
 * `prompt_tokens_details.cache_write_tokens` (the spelling OpenRouter uses).
 * @see https://platform.openai.com/docs/api-reference/chat/object#chat/object-usage
 */
export function encodeOpenAiChatUsage(usage: Usage): object {
  const input = usage.inputTokens.total ?? 0;
  const output = usage.outputTokens.total ?? 0;
  const { cacheRead, cacheWrite } = usage.inputTokens;
  const reasoning = usage.outputTokens.reasoning;
  return {
    prompt_tokens: input,
    completion_tokens: output,
    total_tokens: input + output,
    ...(cacheRead === undefined && cacheWrite === undefined
      ? {}
      : {
          prompt_tokens_details: {
            ...(cacheRead === undefined ? {} : { cached_tokens: cacheRead }),
            ...(cacheWrite === undefined ? {} : { cache_write_tokens: cacheWrite }),
          },
        }),
    ...(reasoning === undefined
      ? {}
      : { completion_tokens_details: { reasoning_tokens: reasoning } }),
  };
}
