import type { AssistantContentPart } from './content-part.ts';
import type { ChatChoice, ChatResponse } from './chat-response.ts';
import type { ChatStreamEvent } from './chat-stream-event.ts';
import type { FinishReason } from './finish-reason.ts';
import { mergeUsage } from './merge-usage.ts';
import type { Usage } from './usage.ts';

/** The events of one content part, at `choice`/`part`. */
function partEvents(
  content: AssistantContentPart,
  choice: number,
  part: number,
): ChatStreamEvent[] {
  const at = { choice, part };
  switch (content.type) {
    case 'text':
      return [
        { type: 'text-start', ...at },
        ...(content.text === ''
          ? []
          : [{ type: 'text-delta' as const, ...at, delta: content.text }]),
        { type: 'text-end', ...at },
      ];
    case 'reasoning':
      return [
        { type: 'reasoning-start', ...at },
        ...(content.text === ''
          ? []
          : [{ type: 'reasoning-delta' as const, ...at, delta: content.text }]),
        { type: 'reasoning-end', ...at, signature: content.signature },
      ];
    case 'redacted-reasoning':
      return [
        { type: 'reasoning-start', ...at, redactedData: content.data },
        { type: 'reasoning-end', ...at },
      ];
    case 'tool-call':
      return [
        {
          type: 'tool-call-start',
          ...at,
          id: content.id,
          name: content.name,
          signature: content.signature,
        },
        ...(content.arguments === ''
          ? []
          : [{ type: 'tool-call-delta' as const, ...at, argumentsDelta: content.arguments }]),
        { type: 'tool-call-end', ...at },
      ];
    case 'refusal':
      return [
        { type: 'refusal-start', ...at },
        ...(content.text === ''
          ? []
          : [{ type: 'refusal-delta' as const, ...at, delta: content.text }]),
        { type: 'refusal-end', ...at },
      ];
  }
}

/**
 * A complete answer as the stream that would have delivered it: each part whole in one delta,
 * usage before the end. Pure. Replaying a cached answer to a streaming client uses it.
 */
export function chatResponseToEvents(response: ChatResponse): ChatStreamEvent[] {
  const events: ChatStreamEvent[] = [
    { type: 'response-start', id: response.id, model: response.model, created: response.created },
  ];
  for (const choice of response.choices) {
    choice.content.forEach((content, part) => {
      events.push(...partEvents(content, choice.index, part));
    });
    events.push({ type: 'choice-end', choice: choice.index, finishReason: choice.finishReason });
  }
  if (response.usage !== undefined) events.push({ type: 'usage-delta', usage: response.usage });
  events.push({ type: 'response-end' });
  return events;
}

/** A part being assembled from its events. */
type OpenPart =
  | { kind: 'text' | 'reasoning' | 'refusal'; text: string; signature?: string | undefined }
  | { kind: 'redacted-reasoning'; data: string }
  | {
      kind: 'tool-call';
      id: string;
      name: string;
      arguments: string;
      signature?: string | undefined;
    };

function closePart(part: OpenPart): AssistantContentPart {
  switch (part.kind) {
    case 'text':
      return { type: 'text', text: part.text };
    case 'reasoning':
      return { type: 'reasoning', text: part.text, signature: part.signature };
    case 'refusal':
      return { type: 'refusal', text: part.text };
    case 'redacted-reasoning':
      return { type: 'redacted-reasoning', data: part.data };
    case 'tool-call':
      return {
        type: 'tool-call',
        id: part.id,
        name: part.name,
        arguments: part.arguments,
        signature: part.signature,
      };
  }
}

/**
 * Rebuilds the complete answer from a stream's events, as the client received them. `answer`
 * is defined only once `response-end` arrived after every choice ended: a stream that failed or
 * was cut short never yields an answer.
 */
export class ChatResponseAccumulator {
  #id = '';
  #model = '';
  #created: number | undefined;
  #usage: Usage | undefined;
  readonly #choices = new Map<
    number,
    { parts: Map<number, OpenPart>; done: AssistantContentPart[]; finish?: FinishReason }
  >();
  #ended = false;

  push(event: ChatStreamEvent): void {
    if (this.#ended) return;
    switch (event.type) {
      case 'response-start':
        this.#id = event.id;
        this.#model = event.model;
        this.#created = event.created;
        return;
      case 'usage-delta':
        this.#usage = mergeUsage(this.#usage, event.usage);
        return;
      case 'response-end':
        this.#ended = true;
        return;
      case 'choice-end':
        this.#choice(event.choice).finish = event.finishReason;
        return;
      case 'text-start':
        this.#open(event, { kind: 'text', text: '' });
        return;
      case 'reasoning-start':
        this.#open(
          event,
          event.redactedData === undefined
            ? { kind: 'reasoning', text: '' }
            : { kind: 'redacted-reasoning', data: event.redactedData },
        );
        return;
      case 'refusal-start':
        this.#open(event, { kind: 'refusal', text: '' });
        return;
      case 'tool-call-start':
        this.#open(event, {
          kind: 'tool-call',
          id: event.id,
          name: event.name,
          arguments: '',
          signature: event.signature,
        });
        return;
      case 'text-delta':
      case 'reasoning-delta':
      case 'refusal-delta': {
        const part = this.#choice(event.choice).parts.get(event.part);
        if (part !== undefined && 'text' in part) part.text += event.delta;
        return;
      }
      case 'tool-call-delta': {
        const part = this.#choice(event.choice).parts.get(event.part);
        if (part?.kind === 'tool-call') part.arguments += event.argumentsDelta;
        return;
      }
      case 'reasoning-end': {
        const part = this.#choice(event.choice).parts.get(event.part);
        if (part?.kind === 'reasoning' && event.signature !== undefined) {
          part.signature = event.signature;
        }
        this.#close(event);
        return;
      }
      case 'text-end':
      case 'refusal-end':
      case 'tool-call-end':
        this.#close(event);
        return;
    }
  }

  /** The whole answer, once the stream ended properly; undefined before or otherwise. */
  get answer(): ChatResponse | undefined {
    if (!this.#ended || this.#choices.size === 0) return undefined;
    const choices: ChatChoice[] = [];
    for (const [index, choice] of [...this.#choices].sort(([a], [b]) => a - b)) {
      if (choice.finish === undefined || choice.parts.size > 0) return undefined;
      choices.push({ index, content: choice.done, finishReason: choice.finish });
    }
    return {
      id: this.#id,
      model: this.#model,
      created: this.#created,
      choices,
      usage: this.#usage,
    };
  }

  #choice(index: number) {
    let choice = this.#choices.get(index);
    if (choice === undefined) {
      choice = { parts: new Map(), done: [] };
      this.#choices.set(index, choice);
    }
    return choice;
  }

  #open(address: { choice: number; part: number }, part: OpenPart): void {
    this.#choice(address.choice).parts.set(address.part, part);
  }

  #close(address: { choice: number; part: number }): void {
    const choice = this.#choice(address.choice);
    const part = choice.parts.get(address.part);
    if (part === undefined) return;
    choice.parts.delete(address.part);
    choice.done.push(closePart(part));
  }
}
