import type { ChatStreamEvent } from '../../canonical/chat-stream-event.ts';
import type { GatewayError } from '../../errors/gateway-error.ts';
import { isJsonObject, safeParseJson, type JsonObject } from '../../lib/json.ts';
import type { UpstreamFrame } from '../../lib/upstream-frame.ts';
import type { DecodeStep, StreamDecoder } from '../dialect-codec.ts';
import { StreamPartTracker } from '../stream-part-tracker.ts';
import { decodeOpenAiResponsesFinishReason } from './map-openai-responses-status.ts';
import { decodeOpenAiResponsesUsage } from './openai-responses-usage.ts';
import { streamFailure, type StreamFailureCode } from '../stream-failure.ts';

const safeToken = /^[A-Za-z0-9_.-]{1,64}$/;

function failure(detail: string, code: StreamFailureCode): GatewayError {
  return streamFailure('openai-responses', detail, code);
}

/** The provider's error code, when it is a short identifier (never its free-text message). */
function errorCode(event: JsonObject): string {
  const nested = isJsonObject(event.error) ? event.error : undefined;
  const response = isJsonObject(event.response) ? event.response : undefined;
  const fromResponse = isJsonObject(response?.error) ? response.error.code : undefined;
  const code = event.code ?? nested?.code ?? nested?.type ?? fromResponse;
  return typeof code === 'string' && safeToken.test(code) ? code : 'unknown';
}

function stringField(event: JsonObject, field: string): string | undefined {
  const value = event[field];
  return typeof value === 'string' ? value : undefined;
}

/** The content part (or summary part) an event is about within its output item. */
function partIndex(event: JsonObject): number {
  const index = event.content_index ?? event.summary_index;
  return typeof index === 'number' ? index : 0;
}

/** Events that carry the response object while it is being made. */
const lifecycle: ReadonlySet<string> = new Set([
  'response.created',
  'response.in_progress',
  'response.queued',
]);

const none: DecodeStep = { events: [], failure: undefined };

/**
 * Decodes an OpenAI Responses event stream into canonical events (one choice). Text, refusals and
 * reasoning summaries arrive as deltas; a reasoning item's `encrypted_content` (complete only in
 * `response.output_item.done`) becomes the signature that ends its reasoning part; function calls
 * start at `response.output_item.added` and take their arguments from the argument deltas.
 * Content a provider sends only whole (in a `.done` event or the finished item) is filled in from
 * there. Items of built-in tools ran at the provider and are skipped. The stream finishes at
 * `response.completed` or `response.incomplete`, with usage; later events (a recording of several
 * responses) are ignored. An `error` event or `response.failed` is an upstream error; its text is
 * never passed on. Does not rely on `sequence_number` or on event names (the `type` field names
 * each event). Never throws; not re-entrant.
 * @see https://platform.openai.com/docs/api-reference/responses-streaming
 */
export class OpenAiResponsesStreamDecoder implements StreamDecoder {
  readonly #parts = new StreamPartTracker();
  #started = false;
  #finished = false;
  /** Output index of each item id, for events that name only the item. */
  readonly #itemIndexes = new Map<string, number>();
  /** Text streamed so far per content address (`<output>:<kind>:<index>`), to fill in gaps. */
  readonly #streamed = new Map<string, string>();
  /** Reasoning items that have had text, so that a later part of theirs is set apart. */
  readonly #reasoningWithText = new Set<number>();
  /** Reasoning parts (`<output>:<kind>:<index>`) that have had text. */
  readonly #reasoningParts = new Set<string>();

  push(frame: UpstreamFrame): DecodeStep {
    if (frame.kind !== 'event' || this.#finished) {
      return none;
    }
    const parsed = safeParseJson(frame.data);
    if (!parsed.ok || !isJsonObject(parsed.value)) {
      return {
        events: [],
        failure: failure('an event is not a JSON object', 'SB_ERR_UPSTREAM_INVALID_RESPONSE'),
      };
    }
    const event = parsed.value;
    const type = stringField(event, 'type') ?? frame.event;
    const events: ChatStreamEvent[] = [];
    if (type === 'error' || type === 'response.failed') {
      return {
        events,
        failure: failure(`${type} event (code ${errorCode(event)})`, 'SB_ERR_UPSTREAM_ERROR'),
      };
    }
    this.#start(lifecycle.has(type ?? '') ? event.response : undefined, events);
    switch (type) {
      case 'response.output_item.added':
        this.#itemAdded(event, events);
        break;
      case 'response.output_item.done':
        this.#itemDone(event, events);
        break;
      case 'response.output_text.delta':
      case 'response.refusal.delta':
      case 'response.reasoning_summary_text.delta':
      case 'response.reasoning_text.delta':
        this.#delta(type, event, stringField(event, 'delta') ?? '', events);
        break;
      case 'response.output_text.done':
        this.#fillIn('response.output_text.delta', event, stringField(event, 'text'), events);
        break;
      case 'response.refusal.done':
        this.#fillIn('response.refusal.delta', event, stringField(event, 'refusal'), events);
        break;
      case 'response.reasoning_summary_text.done':
        this.#fillIn(
          'response.reasoning_summary_text.delta',
          event,
          stringField(event, 'text'),
          events,
        );
        break;
      case 'response.reasoning_text.done':
        this.#fillIn('response.reasoning_text.delta', event, stringField(event, 'text'), events);
        break;
      case 'response.function_call_arguments.delta':
        this.#arguments(event, stringField(event, 'delta') ?? '', events);
        break;
      case 'response.function_call_arguments.done':
        this.#fillArguments(this.#outputIndex(event), stringField(event, 'arguments'), events);
        break;
      case 'response.completed':
      case 'response.incomplete':
        this.#finish(isJsonObject(event.response) ? event.response : {}, events);
        break;
      default:
        break;
    }
    return { events, failure: undefined };
  }

  end(): DecodeStep {
    if (this.#finished) {
      return none;
    }
    return {
      events: [],
      failure: failure('the stream ended before the response finished', 'SB_ERR_UPSTREAM_ERROR'),
    };
  }

  #start(response: unknown, events: ChatStreamEvent[]): void {
    if (this.#started) {
      return;
    }
    this.#started = true;
    const head = isJsonObject(response) ? response : {};
    events.push({
      type: 'response-start',
      id: typeof head.id === 'string' ? head.id : '',
      model: typeof head.model === 'string' ? head.model : '',
      created: typeof head.created_at === 'number' ? head.created_at : undefined,
    });
  }

  #outputIndex(event: JsonObject): number {
    if (typeof event.output_index === 'number') {
      return event.output_index;
    }
    const id = stringField(event, 'item_id');
    return (id === undefined ? undefined : this.#itemIndexes.get(id)) ?? -1;
  }

  /** The content address of a delta or done event. */
  #address(deltaType: string, event: JsonObject): string {
    return `${this.#outputIndex(event)}:${deltaType}:${partIndex(event)}`;
  }

  #emit(deltaType: string, event: JsonObject, delta: string, events: ChatStreamEvent[]): void {
    switch (deltaType) {
      case 'response.output_text.delta':
        this.#parts.text(0, delta, events);
        return;
      case 'response.refusal.delta':
        this.#parts.refusal(0, delta, events);
        return;
      default:
        break;
    }
    if (delta === '') {
      return;
    }
    // Summary (or reasoning text) parts of one item read as paragraphs, as whole items join them.
    const output = this.#outputIndex(event);
    const key = `${output}:${deltaType}:${partIndex(event)}`;
    if (this.#reasoningWithText.has(output) && !this.#reasoningParts.has(key)) {
      this.#parts.reasoning(0, '\n\n', events);
    }
    this.#reasoningWithText.add(output);
    this.#reasoningParts.add(key);
    this.#parts.reasoning(0, delta, events);
  }

  #delta(deltaType: string, event: JsonObject, delta: string, events: ChatStreamEvent[]): void {
    const address = this.#address(deltaType, event);
    this.#streamed.set(address, (this.#streamed.get(address) ?? '') + delta);
    this.#emit(deltaType, event, delta, events);
  }

  /** Sends what a `.done` event holds beyond what its deltas already said. */
  #fillIn(
    deltaType: string,
    event: JsonObject,
    whole: string | undefined,
    events: ChatStreamEvent[],
  ): void {
    const address = this.#address(deltaType, event);
    const streamed = this.#streamed.get(address) ?? '';
    if (whole === undefined || !whole.startsWith(streamed) || whole === streamed) {
      return;
    }
    this.#streamed.set(address, whole);
    this.#emit(deltaType, event, whole.slice(streamed.length), events);
  }

  #itemAdded(event: JsonObject, events: ChatStreamEvent[]): void {
    const item = isJsonObject(event.item) ? event.item : {};
    const output = this.#outputIndex(event);
    if (typeof item.id === 'string') {
      this.#itemIndexes.set(item.id, output);
    }
    if (item.type === 'function_call') {
      this.#startCall(output, item, events);
    }
  }

  #startCall(output: number, item: JsonObject, events: ChatStreamEvent[]): void {
    const key = String(output);
    if (this.#parts.hasToolCall(0, key)) {
      return;
    }
    this.#parts.toolCallStart(
      0,
      key,
      {
        id:
          stringField(item, 'call_id') ??
          stringField(item, 'id') ??
          `call_${this.#parts.toolCallCount(0)}`,
        name: stringField(item, 'name') ?? '',
      },
      events,
    );
    const initial = stringField(item, 'arguments') ?? '';
    if (initial !== '') this.#arguments({ output_index: output }, initial, events);
  }

  #arguments(event: JsonObject, delta: string, events: ChatStreamEvent[]): void {
    const key = String(this.#outputIndex(event));
    const address = `${key}:arguments`;
    this.#streamed.set(address, (this.#streamed.get(address) ?? '') + delta);
    this.#parts.toolCallDelta(0, key, delta, events);
  }

  #fillArguments(output: number, whole: string | undefined, events: ChatStreamEvent[]): void {
    const streamed = this.#streamed.get(`${output}:arguments`) ?? '';
    if (whole !== undefined && whole.startsWith(streamed) && whole !== streamed) {
      this.#arguments({ output_index: output }, whole.slice(streamed.length), events);
    }
  }

  #itemDone(event: JsonObject, events: ChatStreamEvent[]): void {
    const item = isJsonObject(event.item) ? event.item : {};
    const output = this.#outputIndex(event);
    switch (item.type) {
      case 'message':
        this.#messageDone(output, item, events);
        this.#parts.closePart(0, events);
        break;
      case 'reasoning':
        this.#reasoningDone(output, item, events);
        break;
      case 'function_call': {
        this.#startCall(output, item, events);
        const args = stringField(item, 'arguments') ?? '';
        this.#fillArguments(output, args === '' ? '{}' : args, events);
        this.#parts.closePart(0, events);
        break;
      }
      default:
        break;
    }
  }

  #messageDone(output: number, item: JsonObject, events: ChatStreamEvent[]): void {
    const content = Array.isArray(item.content) ? item.content : [];
    content.forEach((part, index) => {
      if (!isJsonObject(part)) return;
      const address = { output_index: output, content_index: index };
      if (part.type === 'output_text') {
        this.#fillIn('response.output_text.delta', address, stringField(part, 'text'), events);
      } else if (part.type === 'refusal') {
        this.#fillIn('response.refusal.delta', address, stringField(part, 'refusal'), events);
      }
    });
  }

  #reasoningDone(output: number, item: JsonObject, events: ChatStreamEvent[]): void {
    const summary = Array.isArray(item.summary) ? item.summary : [];
    summary.forEach((part, index) => {
      if (isJsonObject(part)) {
        const address = { output_index: output, summary_index: index };
        const text = stringField(part, 'text');
        this.#fillIn('response.reasoning_summary_text.delta', address, text, events);
      }
    });
    const signature = stringField(item, 'encrypted_content');
    if (signature !== undefined && signature !== '') {
      this.#parts.reasoningSignature(0, signature, events);
    } else {
      this.#parts.closePart(0, events);
    }
  }

  #finish(response: JsonObject, events: ChatStreamEvent[]): void {
    this.#finished = true;
    this.#parts.closeAll(events);
    this.#parts.endChoice(
      0,
      decodeOpenAiResponsesFinishReason(response, this.#parts.toolCallCount(0) > 0),
      events,
    );
    const usage = decodeOpenAiResponsesUsage(response.usage);
    if (usage !== undefined) {
      events.push({ type: 'usage-delta', usage });
    }
    events.push({ type: 'response-end' });
  }
}
