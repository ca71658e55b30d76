import type { ChatStreamEvent } from '../../canonical/chat-stream-event.ts';
import type { GatewayError } from '../../errors/gateway-error.ts';
import { isJsonObject, safeParseJson, type JsonObject } from '../../lib/json.ts';
import type { UpstreamFrame } from '../../lib/upstream-frame.ts';
import type { DecodeStep, StreamDecoder } from '../dialect-codec.ts';
import { StreamPartTracker } from '../stream-part-tracker.ts';
import { mayBeNullArguments, normalizeCohereToolArguments } from './cohere-chat-tool-arguments.ts';
import { decodeCohereChatUsage } from './decode-cohere-chat-usage.ts';
import { decodeCohereChatFinishReason } from './map-cohere-chat-finish-reason.ts';
import { streamFailure, type StreamFailureCode } from '../stream-failure.ts';

/** Cohere answers with one message, so every part belongs to choice 0. */
const choice = 0;

function failure(detail: string, code: StreamFailureCode): GatewayError {
  return streamFailure('cohere-chat', detail, code);
}

/** `delta.message` of a stream event, or an empty object. */
function deltaMessage(event: JsonObject): JsonObject {
  const delta = isJsonObject(event.delta) ? event.delta : {};
  return isJsonObject(delta.message) ? delta.message : {};
}

/**
 * Decodes Cohere v2 chat stream events (`message-start` ... `message-end`) into canonical events.
 * The event type is read from the JSON `type` field, or from the SSE `event:` line when the data
 * has none, so both framings work. Content blocks of type `thinking` become reasoning parts and
 * `text` blocks text parts; `tool-plan-delta` text becomes a text part before the tool calls (see
 * `decodeCohereChatResponse` for why). Tool-call arguments that are blank or `null` come out as
 * `{}`: arguments are held back only while they could still be `null`, so ordinary arguments
 * stream without delay. Citation and debug events carry nothing canonical and are skipped, as is
 * a `[DONE]` line. The stream is complete at `message-end`; a `message-end` with finish reason
 * `ERROR` or an `error` text is reported as an upstream error (after its usage), and `end()`
 * before `message-end` is a failure. Never throws; not re-entrant.
 * @see https://docs.cohere.com/reference/chat-stream
 * @see https://docs.cohere.com/docs/streaming
 */
export class CohereChatStreamDecoder implements StreamDecoder {
  readonly #parts = new StreamPartTracker();
  #started = false;
  /** Set once `message-end` (or an error) has been handled; later frames are ignored. */
  #finished = false;
  /** The tool call whose arguments are being held back, and the text held. */
  #heldKey: string | undefined;
  #held = '';
  /** The key of the last tool call started, for deltas that omit `index`. */
  #lastToolKey: string | undefined;

  push(frame: UpstreamFrame): DecodeStep {
    if (frame.kind !== 'event' || this.#finished || frame.data === '[DONE]') {
      return { events: [], failure: undefined };
    }
    const parsed = safeParseJson(frame.data);
    if (!parsed.ok || !isJsonObject(parsed.value)) {
      this.#finished = true;
      return {
        events: [],
        failure: failure('an event is not a JSON object', 'SB_ERR_UPSTREAM_INVALID_RESPONSE'),
      };
    }
    const event = parsed.value;
    const type = typeof event.type === 'string' ? event.type : frame.event;
    const events: ChatStreamEvent[] = [];
    this.#start(event, events);
    if (type !== 'tool-call-delta') {
      this.#releaseHeldArguments(events);
    }
    switch (type) {
      case 'content-start':
      case 'content-delta':
        this.#content(event, events);
        break;
      case 'content-end':
      case 'tool-call-end':
        this.#parts.closePart(choice, events);
        break;
      case 'tool-plan-delta': {
        const plan = deltaMessage(event).tool_plan;
        if (typeof plan === 'string') {
          this.#parts.text(choice, plan, events);
        }
        break;
      }
      case 'tool-call-start':
        this.#toolCallStart(event, events);
        break;
      case 'tool-call-delta':
        this.#toolCallDelta(event, events);
        break;
      case 'message-end':
        return this.#messageEnd(event, events);
      default:
        // message-start (handled above), citation-start/-end, debug and future event types.
        break;
    }
    return { events, failure: undefined };
  }

  end(): DecodeStep {
    if (this.#finished) {
      return { events: [], failure: undefined };
    }
    this.#finished = true;
    return {
      events: [],
      failure: failure('the stream ended before message-end', 'SB_ERR_UPSTREAM_ERROR'),
    };
  }

  #start(event: JsonObject, events: ChatStreamEvent[]): void {
    if (this.#started) {
      return;
    }
    this.#started = true;
    events.push({
      type: 'response-start',
      id: typeof event.id === 'string' ? event.id : '',
      model: '',
    });
  }

  #content(event: JsonObject, events: ChatStreamEvent[]): void {
    const content = deltaMessage(event).content;
    if (!isJsonObject(content)) {
      return;
    }
    if (typeof content.thinking === 'string') {
      this.#parts.reasoning(choice, content.thinking, events);
    }
    if (typeof content.text === 'string') {
      this.#parts.text(choice, content.text, events);
    }
  }

  #toolKey(event: JsonObject): string | undefined {
    return typeof event.index === 'number' ? String(event.index) : this.#lastToolKey;
  }

  #toolCallStart(event: JsonObject, events: ChatStreamEvent[]): void {
    const call = deltaMessage(event).tool_calls;
    const started = isJsonObject(call) ? call : {};
    const fn = isJsonObject(started.function) ? started.function : {};
    const key =
      typeof event.index === 'number'
        ? String(event.index)
        : `position:${this.#parts.toolCallCount(choice)}`;
    this.#lastToolKey = key;
    const isNew = this.#parts.toolCallStart(
      choice,
      key,
      {
        id:
          typeof started.id === 'string' ? started.id : `call_${this.#parts.toolCallCount(choice)}`,
        name: typeof fn.name === 'string' ? fn.name : '',
      },
      events,
    );
    if (isNew) {
      this.#heldKey = key;
      this.#held = '';
    }
    if (typeof fn.arguments === 'string') {
      this.#arguments(key, fn.arguments, events);
    }
  }

  #toolCallDelta(event: JsonObject, events: ChatStreamEvent[]): void {
    const key = this.#toolKey(event);
    const call = deltaMessage(event).tool_calls;
    const fn = isJsonObject(call) && isJsonObject(call.function) ? call.function : {};
    if (key === undefined || typeof fn.arguments !== 'string') {
      return;
    }
    this.#arguments(key, fn.arguments, events);
  }

  #arguments(key: string, delta: string, events: ChatStreamEvent[]): void {
    // Every call is held from its start until its arguments are known not to be `null`, and
    // released before anything else happens; a call that is not held streams (or never started).
    if (this.#heldKey !== key) {
      this.#parts.toolCallDelta(choice, key, delta, events);
      return;
    }
    this.#held += delta;
    if (mayBeNullArguments(this.#held)) {
      return;
    }
    this.#heldKey = undefined;
    this.#parts.toolCallDelta(choice, key, this.#held, events);
    this.#held = '';
  }

  /** Emits held-back arguments (as `{}` when they were blank or `null`) before the call closes. */
  #releaseHeldArguments(events: ChatStreamEvent[]): void {
    const key = this.#heldKey;
    if (key === undefined) {
      return;
    }
    this.#heldKey = undefined;
    this.#parts.toolCallDelta(choice, key, normalizeCohereToolArguments(this.#held), events);
    this.#held = '';
  }

  #messageEnd(event: JsonObject, events: ChatStreamEvent[]): DecodeStep {
    this.#finished = true;
    const delta = isJsonObject(event.delta) ? event.delta : {};
    const usage = decodeCohereChatUsage(delta.usage);
    const finishReason = decodeCohereChatFinishReason(delta.finish_reason);
    if (finishReason.raw === 'ERROR' || (typeof delta.error === 'string' && delta.error !== '')) {
      this.#parts.closeAll(events);
      if (usage !== undefined) {
        events.push({ type: 'usage-delta', usage });
      }
      return {
        events,
        failure: failure('message-end reported an error', 'SB_ERR_UPSTREAM_ERROR'),
      };
    }
    this.#parts.endChoice(choice, finishReason, events);
    if (usage !== undefined) {
      events.push({ type: 'usage-delta', usage });
    }
    events.push({ type: 'response-end' });
    return { events, failure: undefined };
  }
}
