import type { ChatResponse } from '../../canonical/chat-response.ts';
import type { CascadeAnswer } from './acceptance-verdict.ts';

/**
 * The cheap model's canonical answer as the checks read it: the first choice's text parts
 * joined, and `refusal` when the provider returned a refusal part. Log-probabilities are not in
 * canonical responses yet, so the caller passes them when it has them.
 */
export function cascadeAnswerFromResponse(
  question: string,
  response: ChatResponse,
  logprobs?: readonly number[],
): CascadeAnswer {
  const choice = response.choices[0];
  const content = choice?.content ?? [];
  const text = content.map((part) => (part.type === 'text' ? part.text : '')).join('');
  const refusal = content.some((part) => part.type === 'refusal');
  return { question, text, refusal, logprobs, finishReason: choice?.finishReason.unified };
}
