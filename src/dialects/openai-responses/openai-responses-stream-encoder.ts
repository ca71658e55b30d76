import type { ChatStreamEvent } from '../../canonical/chat-stream-event.ts';
import type { FinishReason } from '../../canonical/finish-reason.ts';
import { mergeUsage } from '../../canonical/merge-usage.ts';
import type { Usage } from '../../canonical/usage.ts';
import type { GatewayError } from '../../errors/gateway-error.ts';
import { encodeSseEvent } from '../../lib/sse-frame.ts';
import type { EncodeContext, StreamEncoder } from '../dialect-codec.ts';
import { encodeOpenAiResponsesEnding } from './map-openai-responses-status.ts';
import { encodeOpenAiResponsesErrorEvent } from './openai-responses-error-event.ts';
import {
  functionCallItem,
  messageItem,
  openAiResponsesId,
  openAiResponsesItemId,
  openAiResponsesObject,
  outputTextPart,
  reasoningItem,
  refusalPart,
  type OpenAiResponsesIdentity,
} from './openai-responses-output.ts';

/** Where a canonical part is being written: its output item and, in a message, its content part. */
type OpenPart =
  | {
      readonly kind: 'text' | 'refusal';
      readonly item: string;
      readonly output: number;
      readonly content: number;
      text: string;
    }
  | { readonly kind: 'reasoning'; readonly item: string; readonly output: number; text: string }
  | {
      readonly kind: 'tool-call';
      readonly item: string;
      readonly output: number;
      readonly call: { readonly id: string; readonly name: string };
      text: string;
    }
  /** Redacted reasoning: only its own provider can read it, so it is not written. */
  | { readonly kind: 'skipped' };

interface OpenMessage {
  readonly item: string;
  readonly output: number;
  readonly content: object[];
}

/**
 * Writes canonical events as an OpenAI Responses event stream, in the API's order:
 * `response.created` and `response.in_progress`; per output item `response.output_item.added`,
 * its content events and `response.output_item.done`; and `response.completed` (or
 * `response.incomplete` after a length or content-filter finish) carrying the whole response and
 * its usage. Text and refusals go into one assistant message per run of them; reasoning becomes a
 * `reasoning` item with one summary part (and its signature as `encrypted_content`); tool calls
 * become `function_call` items. Every event has the next `sequence_number`, from 0. Only the first
 * choice is written. Not re-entrant.
 * @see https://platform.openai.com/docs/api-reference/responses-streaming
 */
export class OpenAiResponsesStreamEncoder implements StreamEncoder {
  readonly #context: EncodeContext;
  #sequence = 0;
  #identity: OpenAiResponsesIdentity | undefined;
  /** Output items so far, each replaced by its final form when done. */
  readonly #output: object[] = [];
  #message: OpenMessage | undefined;
  readonly #parts = new Map<number, OpenPart>();
  #usage: Usage | undefined;
  #finishReason: FinishReason | undefined;

  constructor(context: EncodeContext) {
    this.#context = context;
  }

  push(canonical: ChatStreamEvent): string {
    if ('choice' in canonical && canonical.choice !== 0) {
      return '';
    }
    switch (canonical.type) {
      case 'response-start':
        return this.#start(canonical.id, canonical.model, canonical.created);
      case 'text-start':
      case 'refusal-start':
        return this.#startContent(
          canonical.part,
          canonical.type === 'text-start' ? 'text' : 'refusal',
        );
      case 'text-delta':
      case 'refusal-delta':
      case 'reasoning-delta':
        return this.#delta(canonical.part, canonical.delta);
      case 'text-end':
      case 'refusal-end':
        return this.#endContent(canonical.part);
      case 'reasoning-start':
        return this.#startReasoning(canonical.part, canonical.redactedData);
      case 'reasoning-end':
        return this.#endReasoning(canonical.part, canonical.signature);
      case 'tool-call-start':
        return this.#startToolCall(canonical.part, { id: canonical.id, name: canonical.name });
      case 'tool-call-delta':
        return this.#delta(canonical.part, canonical.argumentsDelta);
      case 'tool-call-end':
        return this.#endToolCall(canonical.part);
      case 'usage-delta':
        this.#usage = mergeUsage(this.#usage, canonical.usage);
        return '';
      case 'choice-end':
        this.#finishReason = canonical.finishReason;
        return this.#closeMessage();
      case 'response-end':
        return this.#end();
    }
  }

  fail(error: GatewayError): string {
    return encodeOpenAiResponsesErrorEvent(error, this.#sequence++);
  }

  #event(type: string, fields: object): string {
    return encodeSseEvent(
      JSON.stringify({ type, sequence_number: this.#sequence++, ...fields }),
      type,
    );
  }

  #start(id: string, model: string, created: number | undefined): string {
    const identity: OpenAiResponsesIdentity = {
      id: openAiResponsesId(id),
      createdAt: created ?? Math.floor(this.#context.now / 1000),
      model: model === '' ? this.#context.requestedModel : model,
    };
    this.#identity = identity;
    const response = openAiResponsesObject(identity, [], undefined, undefined);
    return (
      this.#event('response.created', { response }) +
      this.#event('response.in_progress', { response })
    );
  }

  #responseId(): string {
    return this.#identity?.id ?? openAiResponsesId('');
  }

  /** Adds an output item; returns its index and the `output_item.added` event. */
  #addItem(item: object): [number, string] {
    const output = this.#output.length;
    this.#output.push(item);
    return [output, this.#event('response.output_item.added', { output_index: output, item })];
  }

  #finishItem(output: number, item: object): string {
    this.#output[output] = item;
    return this.#event('response.output_item.done', { output_index: output, item });
  }

  #startContent(part: number, kind: 'text' | 'refusal'): string {
    let text = '';
    if (this.#message === undefined) {
      const item = openAiResponsesItemId('msg', this.#responseId(), this.#output.length);
      const [output, added] = this.#addItem(messageItem(item, [], 'in_progress'));
      this.#message = { item, output, content: [] };
      text += added;
    }
    const message = this.#message;
    const empty = kind === 'text' ? outputTextPart('') : refusalPart('');
    const content = message.content.length;
    message.content.push(empty);
    this.#parts.set(part, { kind, item: message.item, output: message.output, content, text: '' });
    return (
      text +
      this.#event('response.content_part.added', {
        item_id: message.item,
        output_index: message.output,
        content_index: content,
        part: empty,
      })
    );
  }

  #endContent(part: number): string {
    const open = this.#parts.get(part);
    this.#parts.delete(part);
    if (open === undefined || (open.kind !== 'text' && open.kind !== 'refusal')) {
      return '';
    }
    const address = { item_id: open.item, output_index: open.output, content_index: open.content };
    const done =
      open.kind === 'text'
        ? this.#event('response.output_text.done', { ...address, text: open.text, logprobs: [] })
        : this.#event('response.refusal.done', { ...address, refusal: open.text });
    const final = open.kind === 'text' ? outputTextPart(open.text) : refusalPart(open.text);
    this.#message?.content.splice(open.content, 1, final);
    return done + this.#event('response.content_part.done', { ...address, part: final });
  }

  #delta(part: number, delta: string): string {
    const open = this.#parts.get(part);
    if (open === undefined || open.kind === 'skipped' || delta === '') {
      return '';
    }
    const summaryStarts = open.kind === 'reasoning' && open.text === '';
    open.text += delta;
    switch (open.kind) {
      case 'text':
        return this.#event('response.output_text.delta', {
          item_id: open.item,
          output_index: open.output,
          content_index: open.content,
          delta,
          logprobs: [],
        });
      case 'refusal':
        return this.#event('response.refusal.delta', {
          item_id: open.item,
          output_index: open.output,
          content_index: open.content,
          delta,
        });
      case 'reasoning': {
        const address = { item_id: open.item, output_index: open.output, summary_index: 0 };
        return (
          (summaryStarts
            ? this.#event('response.reasoning_summary_part.added', {
                ...address,
                part: { type: 'summary_text', text: '' },
              })
            : '') + this.#event('response.reasoning_summary_text.delta', { ...address, delta })
        );
      }
      case 'tool-call':
        return this.#event('response.function_call_arguments.delta', {
          item_id: open.item,
          output_index: open.output,
          delta,
        });
    }
  }

  #closeMessage(): string {
    const message = this.#message;
    if (message === undefined) {
      return '';
    }
    this.#message = undefined;
    const status =
      encodeOpenAiResponsesEnding(this.#finishReason).status === 'incomplete'
        ? 'incomplete'
        : 'completed';
    return this.#finishItem(message.output, messageItem(message.item, message.content, status));
  }

  #startReasoning(part: number, redactedData: string | undefined): string {
    if (redactedData !== undefined) {
      this.#parts.set(part, { kind: 'skipped' });
      return '';
    }
    const closed = this.#closeMessage();
    const item = openAiResponsesItemId('rs', this.#responseId(), this.#output.length);
    const [output, added] = this.#addItem({ id: item, type: 'reasoning', summary: [] });
    this.#parts.set(part, { kind: 'reasoning', item, output, text: '' });
    return closed + added;
  }

  #endReasoning(part: number, signature: string | undefined): string {
    const open = this.#parts.get(part);
    this.#parts.delete(part);
    if (open?.kind !== 'reasoning') {
      return '';
    }
    let text = '';
    if (open.text !== '') {
      const address = { item_id: open.item, output_index: open.output, summary_index: 0 };
      text +=
        this.#event('response.reasoning_summary_text.done', { ...address, text: open.text }) +
        this.#event('response.reasoning_summary_part.done', {
          ...address,
          part: { type: 'summary_text', text: open.text },
        });
    }
    return text + this.#finishItem(open.output, reasoningItem(open.item, open.text, signature));
  }

  #startToolCall(part: number, call: { readonly id: string; readonly name: string }): string {
    const closed = this.#closeMessage();
    const item = openAiResponsesItemId('fc', this.#responseId(), this.#output.length);
    const [output, added] = this.#addItem(
      functionCallItem(item, { ...call, arguments: '' }, 'in_progress'),
    );
    this.#parts.set(part, { kind: 'tool-call', item, output, call, text: '' });
    return closed + added;
  }

  #endToolCall(part: number): string {
    const open = this.#parts.get(part);
    this.#parts.delete(part);
    if (open?.kind !== 'tool-call') {
      return '';
    }
    return (
      this.#event('response.function_call_arguments.done', {
        item_id: open.item,
        output_index: open.output,
        name: open.call.name,
        arguments: open.text,
      }) +
      this.#finishItem(
        open.output,
        functionCallItem(open.item, { ...open.call, arguments: open.text }, 'completed'),
      )
    );
  }

  #end(): string {
    const identity = this.#identity ?? {
      id: this.#responseId(),
      createdAt: Math.floor(this.#context.now / 1000),
      model: this.#context.requestedModel,
    };
    const closed = this.#closeMessage();
    const ending = encodeOpenAiResponsesEnding(this.#finishReason);
    const response = openAiResponsesObject(identity, this.#output, ending, this.#usage);
    return (
      closed +
      this.#event(ending.status === 'completed' ? 'response.completed' : 'response.incomplete', {
        response,
      })
    );
  }
}
