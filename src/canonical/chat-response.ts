import type { AssistantContentPart } from './content-part.ts';
import type { FinishReason } from './finish-reason.ts';
import type { Usage } from './usage.ts';

export interface ChatChoice {
  readonly index: number;
  readonly content: readonly AssistantContentPart[];
  readonly finishReason: FinishReason;
}

/** A complete (non-streamed) answer in the hub's terms. */
export interface ChatResponse {
  /** The provider's id for the answer. */
  readonly id: string;
  /** The model the provider says answered. */
  readonly model: string;
  /** Unix seconds, when the provider said. */
  readonly created: number | undefined;
  readonly choices: readonly ChatChoice[];
  readonly usage: Usage | undefined;
}
