import type { ChatResponse } from './chat-response.ts';

/** The provider's own finish reason of each choice (the unified one where it gave none). Pure. */
export function finishReasonsOf(answer: ChatResponse): string[] {
  return answer.choices.map((choice) => choice.finishReason.raw ?? choice.finishReason.unified);
}
