import type { ChatStreamEvent } from '../../canonical/chat-stream-event.ts';
import { GatewayError } from '../../errors/gateway-error.ts';
import { isJsonObject, safeParseJson, type JsonObject } from '../../lib/json.ts';
import type { UpstreamFrame } from '../../lib/upstream-frame.ts';
import type { DecodeStep, StreamDecoder } from '../dialect-codec.ts';
import { StreamPartTracker } from '../stream-part-tracker.ts';
import { decodeOpenAiChatUsage } from './decode-openai-chat-usage.ts';
import { decodeOpenAiFinishReason } from './map-openai-chat-finish-reason.ts';
import { readOpenAiContentChunks } from './read-openai-content-chunks.ts';

function failure(
  detail: string,
  code: 'SB_ERR_UPSTREAM_INVALID_RESPONSE' | 'SB_ERR_UPSTREAM_ERROR',
): GatewayError {
  return new GatewayError(code, {
    internalDetail: `openai-chat stream: ${detail}`,
    ...(code === 'SB_ERR_UPSTREAM_ERROR'
      ? { detail: 'The provider reported an error in the middle of the stream.' }
      : {}),
  });
}

/**
 * Decodes OpenAI `chat.completion.chunk` events into canonical events. Tolerates what providers
 * of this dialect really send: chunks with empty `choices` (Azure's prompt filter results, the
 * usage chunk), usage on a content chunk (Mistral, Groq), tool calls without an `index` (Mistral),
 * reasoning in `reasoning_content` or `reasoning`, and a missing `[DONE]` once every choice has a
 * finish reason. Not re-entrant.
 * @see https://platform.openai.com/docs/api-reference/chat-streaming/streaming
 */
export class OpenAiChatStreamDecoder implements StreamDecoder {
  readonly #parts = new StreamPartTracker();
  /** Set once `response-start` has been emitted. */
  #started = false;
  /** Set once `response-end` has been emitted. */
  #finished = false;
  /** Per choice: the key of the last tool call, for providers that omit `index`. */
  readonly #lastToolKey = new Map<number, string>();

  push(frame: UpstreamFrame): DecodeStep {
    if (frame.kind !== 'event' || this.#finished) {
      return { events: [], failure: undefined };
    }
    const events: ChatStreamEvent[] = [];
    if (frame.data === '[DONE]') {
      return { events: this.#finish(events), failure: undefined };
    }
    const parsed = safeParseJson(frame.data);
    if (!parsed.ok || !isJsonObject(parsed.value)) {
      return {
        events,
        failure: failure('a chunk is not a JSON object', 'SB_ERR_UPSTREAM_INVALID_RESPONSE'),
      };
    }
    const chunk = parsed.value;
    if (chunk.error !== undefined && chunk.error !== null) {
      return {
        events,
        failure: failure('the provider sent an error chunk', 'SB_ERR_UPSTREAM_ERROR'),
      };
    }
    this.#start(chunk, events);
    if (Array.isArray(chunk.choices)) {
      for (const choice of chunk.choices) {
        if (isJsonObject(choice)) {
          this.#choice(choice, events);
        }
      }
    }
    const usage = decodeOpenAiChatUsage(chunk.usage);
    if (usage !== undefined) {
      events.push({ type: 'usage-delta', usage });
    }
    return { events, failure: undefined };
  }

  end(): DecodeStep {
    if (this.#finished) {
      return { events: [], failure: undefined };
    }
    if (!this.#parts.allChoicesEnded) {
      return {
        events: [],
        failure: failure('the stream ended before every choice finished', 'SB_ERR_UPSTREAM_ERROR'),
      };
    }
    return { events: this.#finish([]), failure: undefined };
  }

  #start(chunk: JsonObject, events: ChatStreamEvent[]): void {
    if (this.#started) {
      return;
    }
    this.#started = true;
    events.push({
      type: 'response-start',
      id: typeof chunk.id === 'string' ? chunk.id : '',
      model: typeof chunk.model === 'string' ? chunk.model : '',
      created: typeof chunk.created === 'number' ? chunk.created : undefined,
    });
  }

  #choice(choice: JsonObject, events: ChatStreamEvent[]): void {
    const index = typeof choice.index === 'number' ? choice.index : 0;
    const delta = isJsonObject(choice.delta) ? choice.delta : {};
    const reasoning = delta.reasoning_content ?? delta.reasoning;
    if (typeof reasoning === 'string') {
      this.#parts.reasoning(index, reasoning, events);
    }
    for (const chunk of readOpenAiContentChunks(delta.content)) {
      if (chunk.kind === 'text') {
        this.#parts.text(index, chunk.text, events);
      } else {
        this.#parts.reasoning(index, chunk.text, events);
      }
    }
    if (typeof delta.refusal === 'string') {
      this.#parts.refusal(index, delta.refusal, events);
    }
    if (Array.isArray(delta.tool_calls)) {
      for (const call of delta.tool_calls) {
        if (isJsonObject(call)) {
          this.#toolCall(index, call, events);
        }
      }
    }
    if (typeof choice.finish_reason === 'string') {
      this.#parts.endChoice(index, decodeOpenAiFinishReason(choice.finish_reason), events);
    }
  }

  #toolCall(choice: number, call: JsonObject, events: ChatStreamEvent[]): void {
    const fn = isJsonObject(call.function) ? call.function : {};
    let key: string;
    if (typeof call.index === 'number') {
      key = String(call.index);
    } else if (
      typeof call.id === 'string' &&
      call.id !== '' &&
      !this.#parts.hasToolCall(choice, `id:${call.id}`)
    ) {
      key = `id:${call.id}`;
    } else {
      key = this.#lastToolKey.get(choice) ?? `id:${String(call.id)}`;
    }
    this.#lastToolKey.set(choice, key);
    if (!this.#parts.hasToolCall(choice, key)) {
      this.#parts.toolCallStart(
        choice,
        key,
        {
          id: typeof call.id === 'string' ? call.id : `call_${this.#parts.toolCallCount(choice)}`,
          name: typeof fn.name === 'string' ? fn.name : '',
        },
        events,
      );
    }
    if (typeof fn.arguments === 'string') {
      this.#parts.toolCallDelta(choice, key, fn.arguments, events);
    }
  }

  #finish(events: ChatStreamEvent[]): ChatStreamEvent[] {
    this.#finished = true;
    this.#parts.closeAll(events);
    this.#parts.endAll({ unified: 'stop', raw: undefined }, events);
    events.push({ type: 'response-end' });
    return events;
  }
}
