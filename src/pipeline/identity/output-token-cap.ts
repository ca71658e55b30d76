import type { Refusal } from './authorisation.ts';
import type { Principal } from './principal.ts';

/**
 * The body fields in which the ingress dialects ask for an output-token limit: Chat Completions
 * (`max_tokens`, `max_completion_tokens`), Responses (`max_output_tokens`), Messages (`max_tokens`).
 * @see https://platform.openai.com/docs/api-reference/chat/create#chat-create-max_completion_tokens
 * @see https://platform.openai.com/docs/api-reference/responses/create#responses-create-max_output_tokens
 * @see https://docs.anthropic.com/en/api/messages#body-max-tokens
 */
const outputLimitFields = ['max_tokens', 'max_completion_tokens', 'max_output_tokens'] as const;

/**
 * The refusal when a request asks for more output than the key's cap, or undefined. A request
 * that sets no limit is not refused: the gateway gives every attempt the cap as its limit (see
 * `handleModelRequest`), also when the body is forwarded as the client wrote it. `generates` is
 * false for operations that produce no output tokens (embeddings, counting). Pure.
 */
export function checkOutputTokenCap(
  principal: Principal,
  body: Readonly<Record<string, unknown>>,
  generates: boolean,
): Refusal | undefined {
  const cap = principal.maxOutputTokens;
  if (cap === null || !generates) {
    return undefined;
  }
  for (const field of outputLimitFields) {
    const value = body[field];
    if (value === undefined || value === null) {
      continue;
    }
    if (typeof value !== 'number' || value > cap) {
      return {
        param: field,
        detail: `This key allows at most ${String(cap)} output tokens per request; \`${field}\` asks for more.`,
      };
    }
  }
  return undefined;
}
