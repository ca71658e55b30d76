import type { ChatStreamEvent } from '../../canonical/chat-stream-event.ts';
import { mergeUsage } from '../../canonical/merge-usage.ts';
import type { Usage } from '../../canonical/usage.ts';
import type { GatewayError } from '../../errors/gateway-error.ts';
import { encodeSseEvent } from '../../lib/sse-frame.ts';
import type { EncodeContext, StreamEncoder } from '../dialect-codec.ts';
import { encodeOpenAiChatUsage } from './encode-openai-chat-usage.ts';
import { encodeOpenAiFinishReason } from './map-openai-chat-finish-reason.ts';
import { encodeOpenAiErrorBody } from './openai-error-body.ts';

/** The SSE frame's text after a text delta: the rest of the chunk, then the blank line. */
const textChunkTail = '},"logprobs":null,"finish_reason":null}]}\n\n';

/**
 * Writes canonical events as OpenAI `chat.completion.chunk` events, ending with `[DONE]`. Each
 * choice opens with a role chunk; tool calls are numbered per choice in the order they start;
 * the usage-only chunk is sent only when the client asked for it. Not re-entrant.
 * @see https://platform.openai.com/docs/api-reference/chat-streaming
 */
export class OpenAiChatStreamEncoder implements StreamEncoder {
  readonly #context: EncodeContext;
  /** Set by `response-start`; every chunk repeats them. */
  #prefix = '';
  /** Choices that have had their role chunk. */
  readonly #openedChoices = new Set<number>();
  /** Per choice: the OpenAI tool-call index of each canonical part, and the next index. */
  readonly #toolIndexes = new Map<string, number>();
  readonly #nextToolIndex = new Map<number, number>();
  #usage: Usage | undefined;
  /** The SSE frame's text up to a text delta, for the choice and field it was written for. */
  #textHead = '';
  #textChoice = 0;
  #textField = '';

  constructor(context: EncodeContext) {
    this.#context = context;
  }

  push(event: ChatStreamEvent): string {
    switch (event.type) {
      case 'response-start': {
        const model = event.model === '' ? this.#context.requestedModel : event.model;
        const created = event.created ?? Math.floor(this.#context.now / 1000);
        this.#textHead = '';
        this.#prefix = `{"id":${JSON.stringify(event.id)},"object":"chat.completion.chunk","created":${created},"model":${JSON.stringify(model)},"choices":`;
        return this.#open(0);
      }
      case 'text-delta':
        return this.#open(event.choice) + this.#textChunk(event.choice, 'content', event.delta);
      case 'reasoning-delta':
        return (
          this.#open(event.choice) + this.#textChunk(event.choice, 'reasoning_content', event.delta)
        );
      case 'refusal-delta':
        return this.#open(event.choice) + this.#textChunk(event.choice, 'refusal', event.delta);
      case 'tool-call-start': {
        const index = this.#nextToolIndex.get(event.choice) ?? 0;
        this.#nextToolIndex.set(event.choice, index + 1);
        this.#toolIndexes.set(`${event.choice}:${event.part}`, index);
        const call = {
          index,
          id: event.id,
          type: 'function',
          function: { name: event.name, arguments: '' },
        };
        return this.#open(event.choice) + this.#chunk(event.choice, { tool_calls: [call] }, null);
      }
      case 'tool-call-delta': {
        const index = this.#toolIndexes.get(`${event.choice}:${event.part}`) ?? 0;
        const call = { index, function: { arguments: event.argumentsDelta } };
        return this.#chunk(event.choice, { tool_calls: [call] }, null);
      }
      case 'choice-end':
        return (
          this.#open(event.choice) +
          this.#chunk(event.choice, {}, encodeOpenAiFinishReason(event.finishReason))
        );
      case 'usage-delta':
        this.#usage = mergeUsage(this.#usage, event.usage);
        return '';
      case 'response-end': {
        let text = '';
        if (this.#context.includeUsage && this.#usage !== undefined) {
          text += encodeSseEvent(
            `${this.#prefix}[],"usage":${JSON.stringify(encodeOpenAiChatUsage(this.#usage))}}`,
          );
        }
        return text + encodeSseEvent('[DONE]');
      }
      default:
        return '';
    }
  }

  fail(error: GatewayError): string {
    return encodeSseEvent(JSON.stringify(encodeOpenAiErrorBody(error)));
  }

  #open(choice: number): string {
    if (this.#openedChoices.has(choice)) {
      return '';
    }
    this.#openedChoices.add(choice);
    return this.#chunk(choice, { role: 'assistant', content: '' }, null);
  }

  /**
   * `#chunk(choice, { [field]: text }, null)`, byte for byte, written out: text deltas are nearly
   * every event of a stream, and building and serialising the objects cost more than the text.
   * The frame's text before and after the delta is kept for the choice and field of the last one.
   */
  #textChunk(
    choice: number,
    field: 'content' | 'reasoning_content' | 'refusal',
    text: string,
  ): string {
    if (this.#textHead === '' || this.#textChoice !== choice || this.#textField !== field) {
      this.#textChoice = choice;
      this.#textField = field;
      this.#textHead = `data: ${this.#prefix}[{"index":${choice},"delta":{"${field}":`;
    }
    return `${this.#textHead}${JSON.stringify(text)}${textChunkTail}`;
  }

  #chunk(choice: number, delta: object, finishReason: string | null): string {
    const entry = JSON.stringify({
      index: choice,
      delta,
      logprobs: null,
      finish_reason: finishReason,
    });
    return encodeSseEvent(`${this.#prefix}[${entry}]}`);
  }
}
