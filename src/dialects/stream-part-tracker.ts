import type { ChatStreamEvent } from '../canonical/chat-stream-event.ts';
import type { FinishReason } from '../canonical/finish-reason.ts';

type PartKind = 'text' | 'reasoning' | 'refusal' | 'tool-call';

interface OpenPart {
  readonly kind: PartKind;
  readonly part: number;
  /** The dialect's own key for a tool call (its index or id), to route argument deltas. */
  readonly key: string | undefined;
}

interface ChoiceState {
  nextPart: number;
  open: OpenPart | undefined;
  /** Tool calls seen in this choice, by the dialect's key, with their part numbers. */
  readonly toolParts: Map<string, number>;
  ended: boolean;
}

/**
 * Keeps the canonical part lifecycle for a stream decoder: numbers parts per choice, opens a part
 * when content of a new kind arrives (closing the previous one), and closes whatever is open when
 * a choice or the response ends. Decoders only say what arrived. Not re-entrant.
 */
export class StreamPartTracker {
  readonly #choices = new Map<number, ChoiceState>();

  #state(choice: number): ChoiceState {
    let state = this.#choices.get(choice);
    if (state === undefined) {
      state = { nextPart: 0, open: undefined, toolParts: new Map(), ended: false };
      this.#choices.set(choice, state);
    }
    return state;
  }

  #close(choice: number, state: ChoiceState, events: ChatStreamEvent[], signature?: string): void {
    const open = state.open;
    if (open === undefined) {
      return;
    }
    state.open = undefined;
    switch (open.kind) {
      case 'text':
        events.push({ type: 'text-end', choice, part: open.part });
        break;
      case 'reasoning':
        events.push({
          type: 'reasoning-end',
          choice,
          part: open.part,
          ...(signature === undefined ? {} : { signature }),
        });
        break;
      case 'refusal':
        events.push({ type: 'refusal-end', choice, part: open.part });
        break;
      case 'tool-call':
        events.push({ type: 'tool-call-end', choice, part: open.part });
        break;
    }
  }

  #openKind(
    choice: number,
    kind: 'text' | 'reasoning' | 'refusal',
    events: ChatStreamEvent[],
  ): number {
    const state = this.#state(choice);
    if (state.open?.kind === kind) {
      return state.open.part;
    }
    this.#close(choice, state, events);
    const part = state.nextPart++;
    state.open = { kind, part, key: undefined };
    events.push({ type: `${kind}-start`, choice, part });
    return part;
  }

  /**
   * The text delta event alone when it needs no other (the choice's open part is text), else
   * undefined and nothing changes: `text` then opens the part. For a stream's commonest step:
   * the caller can put it in an array of exactly one, where an empty array grows to 17 slots on
   * its first push.
   */
  continuedText(choice: number, delta: string): ChatStreamEvent | undefined {
    const open = this.#choices.get(choice)?.open;
    if (delta === '' || open?.kind !== 'text') return undefined;
    return { type: 'text-delta', choice, part: open.part, delta };
  }

  text(choice: number, delta: string, events: ChatStreamEvent[]): void {
    if (delta === '') {
      return;
    }
    const part = this.#openKind(choice, 'text', events);
    events.push({ type: 'text-delta', choice, part, delta });
  }

  reasoning(choice: number, delta: string, events: ChatStreamEvent[]): void {
    if (delta === '') {
      return;
    }
    const part = this.#openKind(choice, 'reasoning', events);
    events.push({ type: 'reasoning-delta', choice, part, delta });
  }

  /** Ends the open reasoning part with its signature (Anthropic sends it last). */
  reasoningSignature(choice: number, signature: string, events: ChatStreamEvent[]): void {
    const state = this.#state(choice);
    if (state.open?.kind !== 'reasoning') {
      this.#openKind(choice, 'reasoning', events);
    }
    this.#close(choice, state, events, signature);
  }

  /** A redacted (encrypted) reasoning block: opened and closed at once. */
  redactedReasoning(choice: number, data: string, events: ChatStreamEvent[]): void {
    const state = this.#state(choice);
    this.#close(choice, state, events);
    const part = state.nextPart++;
    events.push({ type: 'reasoning-start', choice, part, redactedData: data });
    events.push({ type: 'reasoning-end', choice, part });
  }

  refusal(choice: number, delta: string, events: ChatStreamEvent[]): void {
    if (delta === '') {
      return;
    }
    const part = this.#openKind(choice, 'refusal', events);
    events.push({ type: 'refusal-delta', choice, part, delta });
  }

  /** Starts a tool call unless one with this key already started; returns false when it had. */
  toolCallStart(
    choice: number,
    key: string,
    call: { readonly id: string; readonly name: string; readonly signature?: string | undefined },
    events: ChatStreamEvent[],
  ): boolean {
    const state = this.#state(choice);
    if (state.toolParts.has(key)) {
      return false;
    }
    this.#close(choice, state, events);
    const part = state.nextPart++;
    state.toolParts.set(key, part);
    state.open = { kind: 'tool-call', part, key };
    events.push({
      type: 'tool-call-start',
      choice,
      part,
      id: call.id,
      name: call.name,
      ...(call.signature === undefined ? {} : { signature: call.signature }),
    });
    return true;
  }

  /** Argument text for the tool call with this key (ignored when that call never started). */
  toolCallDelta(choice: number, key: string, delta: string, events: ChatStreamEvent[]): void {
    const part = this.#state(choice).toolParts.get(key);
    if (part === undefined || delta === '') {
      return;
    }
    events.push({ type: 'tool-call-delta', choice, part, argumentsDelta: delta });
  }

  /** Whether a tool call with this key has started in the choice. */
  hasToolCall(choice: number, key: string): boolean {
    return this.#state(choice).toolParts.has(key);
  }

  /** Number of tool calls started in the choice. */
  toolCallCount(choice: number): number {
    return this.#state(choice).toolParts.size;
  }

  /** Closes whatever part is open in the choice (a content block ended). */
  closePart(choice: number, events: ChatStreamEvent[]): void {
    this.#close(choice, this.#state(choice), events);
  }

  /** Ends a choice (once) with its finish reason, closing its open part. */
  endChoice(choice: number, finishReason: FinishReason, events: ChatStreamEvent[]): void {
    const state = this.#state(choice);
    if (state.ended) {
      return;
    }
    this.#close(choice, state, events);
    state.ended = true;
    events.push({ type: 'choice-end', choice, finishReason });
  }

  /** Whether any choice has started, and whether every started choice has ended. */
  get allChoicesEnded(): boolean {
    if (this.#choices.size === 0) {
      return false;
    }
    for (const state of this.#choices.values()) {
      if (!state.ended) {
        return false;
      }
    }
    return true;
  }

  /** Closes open parts of every choice (the stream is ending); choices stay as they are. */
  closeAll(events: ChatStreamEvent[]): void {
    for (const [choice, state] of this.#choices) {
      this.#close(choice, state, events);
    }
  }

  /** Ends every choice that has not ended, with the given reason. */
  endAll(finishReason: FinishReason, events: ChatStreamEvent[]): void {
    for (const choice of this.#choices.keys()) {
      this.endChoice(choice, finishReason, events);
    }
  }
}
