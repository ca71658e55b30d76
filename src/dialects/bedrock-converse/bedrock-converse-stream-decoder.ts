import type { ChatStreamEvent } from '../../canonical/chat-stream-event.ts';
import { GatewayError } from '../../errors/gateway-error.ts';
import { isJsonObject, safeParseJson, type JsonObject } from '../../lib/json.ts';
import type { UpstreamFrame } from '../../lib/upstream-frame.ts';
import type { DecodeStep, StreamDecoder } from '../dialect-codec.ts';
import { StreamPartTracker } from '../stream-part-tracker.ts';
import { decodeBedrockConverseUsage } from './decode-bedrock-converse-usage.ts';
import { decodeBedrockConverseStopReason } from './map-bedrock-converse-stop-reason.ts';

/** Converse streams one answer: every part belongs to choice 0. */
const choice = 0;
const identifier = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;
const utf8 = new TextDecoder();
const nothing: DecodeStep = { events: [], failure: undefined };

function invalid(detail: string): GatewayError {
  return new GatewayError('SB_ERR_UPSTREAM_INVALID_RESPONSE', {
    internalDetail: `bedrock-converse stream: ${detail}`,
  });
}

function upstreamError(detail: string): GatewayError {
  return new GatewayError('SB_ERR_UPSTREAM_ERROR', {
    internalDetail: `bedrock-converse stream: ${detail}`,
    detail: 'The provider reported an error in the middle of the stream.',
  });
}

function blockIndex(payload: JsonObject): number {
  const index = payload.contentBlockIndex;
  return typeof index === 'number' && Number.isInteger(index) && index >= 0 ? index : 0;
}

/**
 * Decodes ConverseStream event-stream messages into canonical events. Payloads are JSON objects
 * (their `p` padding field is ignored). Text blocks may arrive without `contentBlockStart`, and a
 * new block index closes the previous part even without `contentBlockStop`. A tool call whose
 * input never arrives, or arrives as the empty string (a tool without parameters), gets `{}` as
 * its arguments. The answer is complete after `messageStop`; usage comes in `metadata`, normally
 * after it (the last event) but accepted before it too. An exception message
 * (`throttlingException`, `modelStreamErrorException`, ...) or the end of the body before
 * `messageStop` is a failure; the upstream message is never repeated. Not re-entrant.
 * @see https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ConverseStream.html#API_runtime_ConverseStream_ResponseSyntax
 * @see https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ConverseStreamOutput.html
 */
export class BedrockConverseStreamDecoder implements StreamDecoder {
  readonly #parts = new StreamPartTracker();
  #started = false;
  /** `messageStop` arrived: the answer is complete. */
  #stopped = false;
  #sawMetadata = false;
  /** `response-end` was emitted, or the stream failed. */
  #done = false;
  /** The content block whose part is open. */
  #openBlock: number | undefined;
  /** Tool-call blocks by index, and whether argument text arrived for them. */
  readonly #toolBlocks = new Map<number, boolean>();

  push(frame: UpstreamFrame): DecodeStep {
    if (frame.kind !== 'binary' || this.#done) {
      return nothing;
    }
    const messageType = frame.headers[':message-type'];
    if (messageType === 'exception' || messageType === 'error') {
      this.#done = true;
      const type = frame.headers[':exception-type'] ?? frame.headers[':error-code'] ?? '';
      return {
        events: [],
        failure: upstreamError(
          `${messageType} ${identifier.test(type) ? type : 'of unknown type'}`,
        ),
      };
    }
    if (messageType !== 'event') {
      return nothing;
    }
    const parsed = safeParseJson(utf8.decode(frame.payload));
    if (!parsed.ok || !isJsonObject(parsed.value)) {
      this.#done = true;
      return { events: [], failure: invalid('an event payload is not a JSON object') };
    }
    const events: ChatStreamEvent[] = [];
    const failure = this.#event(frame.headers[':event-type'], parsed.value, events);
    if (failure !== undefined) {
      this.#done = true;
    }
    return { events, failure };
  }

  end(): DecodeStep {
    if (this.#done) {
      return nothing;
    }
    if (!this.#stopped) {
      this.#done = true;
      return { events: [], failure: upstreamError('the stream ended before messageStop') };
    }
    const events: ChatStreamEvent[] = [];
    this.#finish(events);
    return { events, failure: undefined };
  }

  #event(
    type: string | undefined,
    payload: JsonObject,
    events: ChatStreamEvent[],
  ): GatewayError | undefined {
    switch (type) {
      case 'messageStart':
        this.#start(events);
        return undefined;
      case 'contentBlockStart':
        this.#start(events);
        this.#blockStart(payload, events);
        return undefined;
      case 'contentBlockDelta':
        this.#start(events);
        return this.#blockDelta(payload, events);
      case 'contentBlockStop':
        if (this.#openBlock === blockIndex(payload)) {
          this.#closeBlock(events);
        }
        return undefined;
      case 'messageStop':
        this.#start(events);
        this.#closeBlock(events);
        this.#parts.endChoice(choice, decodeBedrockConverseStopReason(payload.stopReason), events);
        this.#stopped = true;
        if (this.#sawMetadata) this.#finish(events);
        return undefined;
      case 'metadata': {
        this.#start(events);
        const usage = decodeBedrockConverseUsage(payload.usage);
        if (usage !== undefined) events.push({ type: 'usage-delta', usage });
        this.#sawMetadata = true;
        if (this.#stopped) this.#finish(events);
        return undefined;
      }
      default:
        // Event types added later (and the ones the hub does not model) are skipped.
        return undefined;
    }
  }

  #start(events: ChatStreamEvent[]): void {
    if (!this.#started) {
      this.#started = true;
      // Converse names neither the answer nor the model in the stream; the gateway fills them.
      events.push({ type: 'response-start', id: '', model: '' });
    }
  }

  /** @see https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ContentBlockStartEvent.html */
  #blockStart(payload: JsonObject, events: ChatStreamEvent[]): void {
    const start = isJsonObject(payload.start) ? payload.start : {};
    const toolUse = isJsonObject(start.toolUse) ? start.toolUse : undefined;
    if (toolUse === undefined) {
      return;
    }
    const index = blockIndex(payload);
    this.#closeBlock(events);
    const started = this.#parts.toolCallStart(
      choice,
      String(index),
      {
        id: typeof toolUse.toolUseId === 'string' ? toolUse.toolUseId : `tooluse_${index}`,
        name: typeof toolUse.name === 'string' ? toolUse.name : '',
      },
      events,
    );
    if (started) {
      this.#toolBlocks.set(index, false);
      this.#openBlock = index;
    }
  }

  /** @see https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ContentBlockDelta.html */
  #blockDelta(payload: JsonObject, events: ChatStreamEvent[]): GatewayError | undefined {
    const index = blockIndex(payload);
    const delta = isJsonObject(payload.delta) ? payload.delta : {};
    if (this.#openBlock !== undefined && this.#openBlock !== index) {
      this.#closeBlock(events);
    }
    if (typeof delta.text === 'string') {
      this.#parts.text(choice, delta.text, events);
      if (delta.text !== '') this.#openBlock = index;
      return undefined;
    }
    if (isJsonObject(delta.toolUse)) {
      const hasArguments = this.#toolBlocks.get(index);
      if (hasArguments === undefined) {
        return invalid('tool input arrived for a block that did not start as a tool call');
      }
      const input = typeof delta.toolUse.input === 'string' ? delta.toolUse.input : '';
      this.#parts.toolCallDelta(choice, String(index), input, events);
      this.#toolBlocks.set(index, hasArguments || input.trim() !== '');
      this.#openBlock = index;
      return undefined;
    }
    if (isJsonObject(delta.reasoningContent)) {
      this.#reasoning(index, delta.reasoningContent, events);
    }
    return undefined;
  }

  /** @see https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ReasoningContentBlockDelta.html */
  #reasoning(index: number, reasoning: JsonObject, events: ChatStreamEvent[]): void {
    if (typeof reasoning.text === 'string') {
      this.#parts.reasoning(choice, reasoning.text, events);
      if (reasoning.text !== '') this.#openBlock = index;
    } else if (typeof reasoning.signature === 'string') {
      this.#parts.reasoningSignature(choice, reasoning.signature, events);
      this.#openBlock = undefined;
    } else if (typeof reasoning.redactedContent === 'string') {
      this.#parts.redactedReasoning(choice, reasoning.redactedContent, events);
      this.#openBlock = undefined;
    }
  }

  /** Ends the open block's part; a tool call that got no argument text gets `{}`. */
  #closeBlock(events: ChatStreamEvent[]): void {
    const index = this.#openBlock;
    if (index === undefined) {
      return;
    }
    this.#openBlock = undefined;
    if (this.#toolBlocks.get(index) === false) {
      this.#parts.toolCallDelta(choice, String(index), '{}', events);
      this.#toolBlocks.set(index, true);
    }
    this.#parts.closePart(choice, events);
  }

  #finish(events: ChatStreamEvent[]): void {
    this.#done = true;
    this.#parts.closeAll(events);
    events.push({ type: 'response-end' });
  }
}
