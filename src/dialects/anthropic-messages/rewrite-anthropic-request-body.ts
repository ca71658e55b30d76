import { isJsonObject } from '../../lib/json.ts';
import type { ModelRequestEnvelope } from '../../canonical/model-request-envelope.ts';
import { replaceJsonObjectMembers } from '../../lib/json-object-members.ts';
import { capOutputLimit } from '../cap-output-limit.ts';
import type { EgressOptions } from '../dialect-codec.ts';

/**
 * Builds the upstream body for an Anthropic client's request to an Anthropic-dialect provider
 * from the client's original text. Only `model` changes (replaced, or removed where the URL names
 * the model: Vertex AI, Bedrock), `stream` is removed where the URL alone selects streaming
 * (Bedrock), and fields the provider variant requires are set (`anthropic_version`); every other
 * byte is forwarded as sent. Token counting always names the model in the body, as Vertex AI's
 * count-tokens endpoint requires. Pure.
 * @see https://docs.anthropic.com/en/api/claude-on-vertex-ai
 * @see https://docs.aws.amazon.com/bedrock/latest/userguide/model-parameters-anthropic-claude-messages.html
 */
export function rewriteAnthropicRequestBody(
  envelope: ModelRequestEnvelope,
  options: EgressOptions,
): string {
  const modelInBody = options.modelInBody || envelope.operation === 'count-tokens';
  const values = new Map<string, string | undefined>([
    ['model', modelInBody ? JSON.stringify(options.upstreamModel) : undefined],
  ]);
  if (!options.streamInBody) {
    values.set('stream', undefined);
  }
  const capped = capOutputLimit(
    envelope.body.value,
    ['max_tokens'],
    'max_tokens',
    options.outputTokenCap,
  );
  if (capped !== undefined) {
    values.set(...capped);
    const thinking = fitThinkingUnderCap(envelope.body.value.thinking, options.outputTokenCap);
    if (thinking !== undefined) values.set('thinking', thinking);
  }
  for (const [key, value] of Object.entries(options.bodyFields)) {
    values.set(key, JSON.stringify(value));
  }
  return replaceJsonObjectMembers(envelope.body.text, envelope.body.members, values);
}

/** Anthropic's smallest thinking budget. */
const minimumThinkingBudget = 1024;

/**
 * A client's extended-thinking setting refitted under a lowered `max_tokens` (Anthropic requires
 * the budget to be below it): the budget lowered, or thinking turned off when even the smallest
 * budget would not fit. Undefined when nothing needs to change.
 */
function fitThinkingUnderCap(thinking: unknown, cap: number | undefined): string | undefined {
  if (cap === undefined || !isJsonObject(thinking) || thinking.type !== 'enabled') return undefined;
  const budget = thinking.budget_tokens;
  if (typeof budget !== 'number' || budget < cap) return undefined;
  return cap - 1 >= minimumThinkingBudget
    ? JSON.stringify({ ...thinking, budget_tokens: cap - 1 })
    : JSON.stringify({ type: 'disabled' });
}
