import type { ChatStreamEvent } from '../../canonical/chat-stream-event.ts';
import type { StreamEventFilter, StreamFilterStep } from '../../canonical/stream-event-filter.ts';
import type { Finding } from '../guardrails/finding.ts';
import { redact } from '../guardrails/redact.ts';

/** How an output guard finds what it guards against, in a piece of answer text. */
export type OutputDetector = (text: string) => readonly Finding[];

export interface OutputGuardOptions {
  readonly detect: OutputDetector;
  /**
   * Characters held back at the end of each text part until more arrives: at least the longest
   * term guarded against, so a term split across chunks is whole before any of it is delivered.
   */
  readonly holdBack: number;
  /** `mask` replaces what is found; `block` stops the answer before it. */
  readonly action: 'mask' | 'block';
}

type TextEvent = Extract<ChatStreamEvent, { type: 'text-delta' }>;

/**
 * An output guardrail on a stream. Text is held back per part (`holdBack` characters) and only
 * the part of it that no future chunk can complete into a guarded term is delivered, after it was
 * checked; everything is checked at the part's end. Any other event first flushes what is held,
 * so the order of the answer is kept.
 */
export class OutputGuard implements StreamEventFilter {
  readonly #options: OutputGuardOptions;
  /** Text not yet delivered, per `choice:part`, with the event it continues. */
  readonly #held = new Map<string, { event: TextEvent; text: string }>();

  constructor(options: OutputGuardOptions) {
    this.#options = options;
  }

  push(event: ChatStreamEvent): StreamFilterStep {
    if (event.type !== 'text-delta') {
      const flushed = this.#flushAll();
      return flushed.blocked ? flushed : { events: [...flushed.events, event], blocked: false };
    }
    const key = `${String(event.choice)}:${String(event.part)}`;
    const text = (this.#held.get(key)?.text ?? '') + event.delta;
    const checked = this.#check(text);
    if (checked === undefined) return { events: [], blocked: true };
    const deliver = Math.max(0, checked.length - this.#options.holdBack);
    this.#held.set(key, { event, text: checked.slice(deliver) });
    return {
      events: deliver === 0 ? [] : [{ ...event, delta: checked.slice(0, deliver) }],
      blocked: false,
    };
  }

  end(): StreamFilterStep {
    return this.#flushAll();
  }

  /** The text with findings masked, or undefined when the answer must stop. */
  #check(text: string): string | undefined {
    const findings = this.#options.detect(text);
    if (findings.length === 0) return text;
    return this.#options.action === 'block' ? undefined : redact(text, findings, 'mask');
  }

  #flushAll(): StreamFilterStep {
    const events: ChatStreamEvent[] = [];
    for (const [key, held] of this.#held) {
      this.#held.delete(key);
      if (held.text === '') continue;
      const checked = this.#check(held.text);
      if (checked === undefined) return { events, blocked: true };
      events.push({ ...held.event, delta: checked });
    }
    return { events, blocked: false };
  }
}
