import type { ChatStreamEvent } from '../../canonical/chat-stream-event.ts';
import type { FinishReason } from '../../canonical/finish-reason.ts';
import type { GatewayError } from '../../errors/gateway-error.ts';
import { isJsonObject, safeParseJson, type JsonObject } from '../../lib/json.ts';
import type { UpstreamFrame } from '../../lib/upstream-frame.ts';
import type { DecodeStep, StreamDecoder } from '../dialect-codec.ts';
import { StreamPartTracker } from '../stream-part-tracker.ts';
import { decodeAnthropicUsage } from './anthropic-usage.ts';
import { decodeAnthropicStopReason, refusalExplanation } from './map-anthropic-stop-reason.ts';
import { streamFailure, type StreamFailureCode } from '../stream-failure.ts';

type BlockKind = 'text' | 'thinking' | 'tool' | 'other';

interface OpenBlock {
  readonly kind: BlockKind;
  signature: string;
  /** Tool calls: argument characters seen, and whether the start carried the whole input. */
  argumentLength: number;
  inputGiven: boolean;
}

function failure(detail: string, code: StreamFailureCode): GatewayError {
  return streamFailure('anthropic-messages', detail, code);
}

const noEvents: DecodeStep = { events: [], failure: undefined };

/** An event's JSON object, or undefined when it is not one. */
function parseEventObject(data: string): JsonObject | undefined {
  const parsed = safeParseJson(data);
  return parsed.ok && isJsonObject(parsed.value) ? parsed.value : undefined;
}

const textDeltaHead = '{"type":"content_block_delta","index":';
const textDeltaMiddle = ',"delta":{"type":"text_delta","text":';
const textDeltaTail = '}}';

/** The block index and text of a text delta event. */
export interface TextDelta {
  readonly index: number;
  readonly text: string;
}

/**
 * The value of the JSON string literal `data[start, end)`, or undefined when it is not one. A
 * literal without escapes, quotes or control characters inside (nearly every token) is its own
 * text between the quotes; anything else goes to `JSON.parse`.
 */
function stringLiteralValue(data: string, start: number, end: number): string | undefined {
  if (end - start < 2 || data.charCodeAt(start) !== 0x22 || data.charCodeAt(end - 1) !== 0x22) {
    return undefined;
  }
  for (let position = start + 1; position < end - 1; position += 1) {
    const code = data.charCodeAt(position);
    if (code === 0x22 || code === 0x5c || code < 0x20) {
      const parsed = safeParseJson(data.slice(start, end));
      return parsed.ok && typeof parsed.value === 'string' ? parsed.value : undefined;
    }
  }
  return data.slice(start + 1, end - 1);
}

/** Longest block index the fast path reads (nine digits); longer ones are parsed whole. */
const maxIndexDigits = 9;

/**
 * A text delta exactly as Anthropic writes it (`{"type":"content_block_delta","index":0,"delta":
 * {"type":"text_delta","text":"…"}}`, nearly every event of a stream): its index and text,
 * reading only the index digits and the text's string literal; undefined for anything else,
 * which is then parsed whole. A text with anything after its literal is not a string literal
 * and falls back.
 */
export function parseTextDelta(data: string): TextDelta | undefined {
  if (!data.startsWith(textDeltaHead) || !data.endsWith(textDeltaTail)) return undefined;
  const digitsStart = textDeltaHead.length;
  let position = digitsStart;
  let index = 0;
  while (position < data.length && position - digitsStart <= maxIndexDigits) {
    const code = data.charCodeAt(position);
    if (code < 0x30 || code > 0x39) break;
    index = index * 10 + (code - 0x30);
    position += 1;
  }
  const digits = position - digitsStart;
  if (digits === 0 || digits > maxIndexDigits) return undefined;
  if (digits > 1 && data.charCodeAt(digitsStart) === 0x30) return undefined;
  if (!data.startsWith(textDeltaMiddle, position)) return undefined;
  const text = stringLiteralValue(
    data,
    position + textDeltaMiddle.length,
    data.length - textDeltaTail.length,
  );
  return text === undefined ? undefined : { index, text };
}

/**
 * Decodes Anthropic Messages stream events into canonical events (one choice). Handles what the
 * API really sends: `ping` events between deltas, a duplicated `message_start`, tool input as
 * `input_json_delta` fragments that may be empty (a tool without arguments gets `{}`), thinking
 * signed by a `signature_delta` just before its block stops, redacted thinking, and blocks of
 * provider-run tools (skipped). An `error` event fails the stream. Not re-entrant.
 * @see https://docs.anthropic.com/en/docs/build-with-claude/streaming
 */
export class AnthropicStreamDecoder implements StreamDecoder {
  readonly #parts = new StreamPartTracker();
  readonly #blocks = new Map<number, OpenBlock>();
  #started = false;
  #finished = false;
  #finishReason: FinishReason | undefined;

  push(frame: UpstreamFrame): DecodeStep {
    if (frame.kind !== 'event' || this.#finished) {
      return noEvents;
    }
    const textDelta = parseTextDelta(frame.data);
    if (textDelta !== undefined) {
      if (this.#blocks.get(textDelta.index)?.kind !== 'text') return noEvents;
      // Nearly every event: one text delta to the open text part, in an array of exactly one.
      const continued = this.#parts.continuedText(0, textDelta.text);
      if (continued !== undefined) return { events: [continued], failure: undefined };
      const events: ChatStreamEvent[] = [];
      this.#parts.text(0, textDelta.text, events);
      return { events, failure: undefined };
    }
    const event = parseEventObject(frame.data);
    if (event === undefined) {
      return {
        events: [],
        failure: failure('an event is not a JSON object', 'SB_ERR_UPSTREAM_INVALID_RESPONSE'),
      };
    }
    const events: ChatStreamEvent[] = [];
    switch (event.type) {
      case 'message_start':
        this.#start(event, events);
        break;
      case 'content_block_start':
        this.#blockStart(event, events);
        break;
      case 'content_block_delta':
        this.#blockDelta(event, events);
        break;
      case 'content_block_stop':
        this.#blockStop(event, events);
        break;
      case 'message_delta':
        this.#messageDelta(event, events);
        break;
      case 'message_stop':
        this.#finish(events);
        break;
      case 'error':
        return {
          events,
          failure: failure('the provider sent an error event', 'SB_ERR_UPSTREAM_ERROR'),
        };
      default:
        // `ping` and event types added later carry nothing the hub needs.
        break;
    }
    return { events, failure: undefined };
  }

  end(): DecodeStep {
    if (this.#finished) {
      return noEvents;
    }
    if (this.#finishReason === undefined) {
      return {
        events: [],
        failure: failure('the stream ended before the message finished', 'SB_ERR_UPSTREAM_ERROR'),
      };
    }
    const events: ChatStreamEvent[] = [];
    this.#finish(events);
    return { events, failure: undefined };
  }

  #start(event: JsonObject, events: ChatStreamEvent[]): void {
    const message = isJsonObject(event.message) ? event.message : {};
    if (!this.#started) {
      this.#started = true;
      events.push({
        type: 'response-start',
        id: typeof message.id === 'string' ? message.id : '',
        model: typeof message.model === 'string' ? message.model : '',
      });
    }
    const usage = decodeAnthropicUsage(message.usage);
    if (usage !== undefined) {
      events.push({ type: 'usage-delta', usage });
    }
  }

  #ensureStarted(events: ChatStreamEvent[]): void {
    if (!this.#started) {
      this.#started = true;
      events.push({ type: 'response-start', id: '', model: '' });
    }
  }

  #blockStart(event: JsonObject, events: ChatStreamEvent[]): void {
    this.#ensureStarted(events);
    const index = typeof event.index === 'number' ? event.index : this.#blocks.size;
    const block = isJsonObject(event.content_block) ? event.content_block : {};
    const open: OpenBlock = { kind: 'other', signature: '', argumentLength: 0, inputGiven: false };
    switch (block.type) {
      case 'text':
        this.#blocks.set(index, { ...open, kind: 'text' });
        this.#parts.closePart(0, events);
        if (typeof block.text === 'string') this.#parts.text(0, block.text, events);
        return;
      case 'thinking':
        this.#blocks.set(index, {
          ...open,
          kind: 'thinking',
          signature: typeof block.signature === 'string' ? block.signature : '',
        });
        this.#parts.closePart(0, events);
        if (typeof block.thinking === 'string') this.#parts.reasoning(0, block.thinking, events);
        return;
      case 'redacted_thinking':
        this.#blocks.set(index, open);
        if (typeof block.data === 'string') this.#parts.redactedReasoning(0, block.data, events);
        return;
      case 'tool_use': {
        const tool: OpenBlock = { ...open, kind: 'tool' };
        this.#blocks.set(index, tool);
        this.#parts.toolCallStart(
          0,
          String(index),
          {
            id: typeof block.id === 'string' ? block.id : `toolu_${index}`,
            name: typeof block.name === 'string' ? block.name : '',
          },
          events,
        );
        if (isJsonObject(block.input) && Object.keys(block.input).length > 0) {
          const text = JSON.stringify(block.input);
          tool.inputGiven = true;
          tool.argumentLength = text.length;
          this.#parts.toolCallDelta(0, String(index), text, events);
        }
        return;
      }
      default:
        this.#blocks.set(index, open);
    }
  }

  #blockDelta(event: JsonObject, events: ChatStreamEvent[]): void {
    const index = typeof event.index === 'number' ? event.index : -1;
    const block = this.#blocks.get(index);
    const delta = isJsonObject(event.delta) ? event.delta : {};
    if (block === undefined) {
      return;
    }
    switch (delta.type) {
      case 'text_delta':
        if (typeof delta.text === 'string') this.#textDelta(index, delta.text, events);
        return;
      case 'thinking_delta':
        if (block.kind === 'thinking' && typeof delta.thinking === 'string') {
          this.#parts.reasoning(0, delta.thinking, events);
        }
        return;
      case 'signature_delta':
        if (block.kind === 'thinking' && typeof delta.signature === 'string') {
          block.signature += delta.signature;
        }
        return;
      case 'input_json_delta':
        if (block.kind === 'tool' && !block.inputGiven && typeof delta.partial_json === 'string') {
          block.argumentLength += delta.partial_json.length;
          this.#parts.toolCallDelta(0, String(index), delta.partial_json, events);
        }
        return;
      default:
        // citations_delta and deltas of provider-run tools.
        return;
    }
  }

  /** Text for the block at `index`, when that block is an open text block. */
  #textDelta(index: number, text: string, events: ChatStreamEvent[]): void {
    if (this.#blocks.get(index)?.kind === 'text') this.#parts.text(0, text, events);
  }

  #blockStop(event: JsonObject, events: ChatStreamEvent[]): void {
    const index = typeof event.index === 'number' ? event.index : -1;
    const block = this.#blocks.get(index);
    if (block === undefined || block.kind === 'other') {
      return;
    }
    if (block.kind === 'thinking' && block.signature !== '') {
      this.#parts.reasoningSignature(0, block.signature, events);
      return;
    }
    if (block.kind === 'tool' && block.argumentLength === 0) {
      // A tool called without arguments streams no input; the hub's arguments are JSON text.
      this.#parts.toolCallDelta(0, String(index), '{}', events);
    }
    this.#parts.closePart(0, events);
  }

  #messageDelta(event: JsonObject, events: ChatStreamEvent[]): void {
    this.#ensureStarted(events);
    const delta = isJsonObject(event.delta) ? event.delta : {};
    if (delta.stop_reason !== undefined && delta.stop_reason !== null) {
      this.#finishReason = decodeAnthropicStopReason(delta.stop_reason);
      const explanation =
        delta.stop_reason === 'refusal' ? refusalExplanation(delta.stop_details) : undefined;
      if (explanation !== undefined) {
        this.#parts.refusal(0, explanation, events);
      }
    }
    const usage = decodeAnthropicUsage(event.usage);
    if (usage !== undefined) {
      events.push({ type: 'usage-delta', usage });
    }
  }

  #finish(events: ChatStreamEvent[]): void {
    this.#ensureStarted(events);
    this.#finished = true;
    this.#parts.closeAll(events);
    this.#parts.endChoice(0, this.#finishReason ?? { unified: 'stop', raw: undefined }, events);
    events.push({ type: 'response-end' });
  }
}
