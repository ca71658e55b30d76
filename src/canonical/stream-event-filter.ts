import type { ChatStreamEvent } from './chat-stream-event.ts';

/** What a filter lets through for one event (or the end): events, or a stop. */
export interface StreamFilterStep {
  readonly events: readonly ChatStreamEvent[];
  /** True when the answer must stop here (nothing after `events` may be delivered). */
  readonly blocked: boolean;
}

/**
 * A filter between a provider's decoded stream and the client's encoder (an output guardrail).
 * It may hold events back, rewrite text, or stop the answer. One instance per attempt.
 */
export interface StreamEventFilter {
  push(event: ChatStreamEvent): StreamFilterStep;
  /** At the end of the stream: whatever is still held, checked. */
  end(): StreamFilterStep;
}
