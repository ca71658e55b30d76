import type { ChatRequest, ReasoningEffort } from '../../canonical/chat-request.ts';
import type { JsonObject } from '../../lib/json.ts';

/**
 * The model families whose own request fields Signalbox sends through Converse's
 * `additionalModelRequestFields`. Other models get only what Converse itself defines.
 */
export type BedrockConverseModelFamily = 'anthropic' | 'nova' | 'openai' | 'other';

/**
 * The family of a Bedrock model id, inference profile id (`us.anthropic.claude-…`) or ARN naming
 * one. An application inference profile ARN names no model and is `other`. Pure.
 * @see https://docs.aws.amazon.com/bedrock/latest/userguide/models-supported.html
 */
export function bedrockConverseModelFamily(modelId: string): BedrockConverseModelFamily {
  const id = modelId.toLowerCase();
  if (id.includes('anthropic.')) return 'anthropic';
  if (id.includes('amazon.nova')) return 'nova';
  if (id.includes('openai.')) return 'openai';
  return 'other';
}

/** Thinking budgets for effort levels; they map back to the same level in the OpenAI dialect. */
const budgetForEffort: Readonly<Record<ReasoningEffort, number>> = {
  minimal: 1024,
  low: 1024,
  medium: 8192,
  high: 24576,
};

function effortForBudget(budget: number): 'low' | 'medium' | 'high' {
  return budget <= 1024 ? 'low' : budget <= 8192 ? 'medium' : 'high';
}

/**
 * Reasoning settings in the model family's own fields:
 * Claude `thinking` (a budget; an effort becomes a budget),
 * Nova 2 `reasoningConfig` (an effort; a budget becomes an effort),
 * OpenAI open-weight models `reasoning_effort`. Nothing for other families or when reasoning is off.
 * @see https://docs.aws.amazon.com/bedrock/latest/userguide/claude-messages-extended-thinking.html
 * @see https://docs.aws.amazon.com/nova/latest/nova2-userguide/extended-thinking.html
 * @see https://docs.aws.amazon.com/bedrock/latest/userguide/model-parameters-openai.html
 */
function reasoningFields(request: ChatRequest, family: BedrockConverseModelFamily): JsonObject {
  const reasoning = request.reasoning;
  if (reasoning === undefined || reasoning.disabled === true) {
    return {};
  }
  const { budgetTokens, effort } = reasoning;
  if (budgetTokens === undefined && effort === undefined) {
    return {};
  }
  const level =
    effort === undefined
      ? effortForBudget(budgetTokens ?? 0)
      : effort === 'minimal'
        ? 'low'
        : effort;
  switch (family) {
    case 'anthropic':
      return {
        thinking: {
          type: 'enabled',
          budget_tokens: budgetTokens ?? budgetForEffort[effort ?? 'medium'],
        },
      };
    case 'nova':
      return { reasoningConfig: { type: 'enabled', maxReasoningEffort: level } };
    case 'openai':
      return { reasoning_effort: level };
    case 'other':
      return {};
  }
}

/**
 * Sampling and reasoning settings Converse has no field for, in the fields of the model family:
 * `top_k` (Claude and most families) or Nova's `inferenceConfig.topK`, and reasoning. Pure.
 * @see https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html#bedrock-runtime_Converse-request-additionalModelRequestFields
 * @see https://docs.aws.amazon.com/nova/latest/nova2-userguide/core-inference.html
 */
export function bedrockConverseModelFields(
  request: ChatRequest,
  family: BedrockConverseModelFamily,
): JsonObject {
  const fields: JsonObject = {};
  if (request.topK !== undefined) {
    if (family === 'nova') {
      fields.inferenceConfig = { topK: request.topK };
    } else {
      fields.top_k = request.topK;
    }
  }
  return { ...fields, ...reasoningFields(request, family) };
}
