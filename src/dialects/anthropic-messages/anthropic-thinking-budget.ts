import type { ReasoningEffort } from '../../canonical/chat-request.ts';

/** The smallest thinking budget Anthropic accepts. */
export const minimumThinkingBudget = 1024;

/**
 * Thinking budgets for effort levels, for targets that take a budget rather than a level. The
 * levels are a scale, not a contract; these sit where Anthropic's guidance places light, normal
 * and deep thinking.
 * @see https://docs.anthropic.com/en/docs/build-with-claude/extended-thinking#working-with-thinking-budgets
 */
export const thinkingBudgetForEffort: Readonly<Record<ReasoningEffort, number>> = {
  minimal: 1024,
  low: 2048,
  medium: 8192,
  high: 16_384,
};

/** The output limit Anthropic requires when neither the client nor the model table gives one. */
export const fallbackMaxTokens = 4096;

/**
 * Fits a thinking budget under the output limit (Anthropic requires budget < max_tokens, and
 * counts thinking towards it). Returns undefined when the limit leaves no room for the minimum
 * budget, in which case the request goes without thinking.
 */
export function fitThinkingBudget(budget: number, maxTokens: number): number | undefined {
  const fitted = Math.min(budget, maxTokens - 1);
  return fitted >= minimumThinkingBudget ? fitted : undefined;
}
