import type { ChatStreamEvent } from '../../canonical/chat-stream-event.ts';
import type { GatewayError } from '../../errors/gateway-error.ts';
import { isJsonObject, safeParseJson, type JsonObject } from '../../lib/json.ts';
import type { UpstreamFrame } from '../../lib/upstream-frame.ts';
import type { DecodeStep, StreamDecoder } from '../dialect-codec.ts';
import { StreamPartTracker } from '../stream-part-tracker.ts';
import { decodeOpenAiChunkUsage } from './decode-openai-chat-usage.ts';
import { decodeOpenAiFinishReason } from './map-openai-chat-finish-reason.ts';
import { OpenAiToolCallKeys } from './openai-tool-call-keys.ts';
import { readOpenAiContentChunks } from './read-openai-content-chunks.ts';
import { streamFailure, type StreamFailureCode } from '../stream-failure.ts';

function failure(detail: string, code: StreamFailureCode): GatewayError {
  return streamFailure('openai-chat', detail, code);
}

/**
 * Decodes OpenAI `chat.completion.chunk` events into canonical events. Tolerates what providers
 * of this dialect really send: chunks with empty `choices` (Azure's leading prompt-filter chunk,
 * whose empty id and model are not taken for the answer's; the usage chunk), usage on a content
 * chunk (Mistral, Groq) or only in `x_groq.usage` (Groq), tool calls without an `index` (Mistral)
 * or with one index reused for every call (Ollama), reasoning in `reasoning_content` or
 * `reasoning`, deltas after a choice's finish reason (ignored), and a missing `[DONE]` once every
 * choice has a finish reason. Arguments for a tool call after another part started cannot be
 * expressed in canonical order and fail the stream as an invalid response. An error chunk (`{"error": ...}`, or an error object with
 * `"object": "error"` as Mistral and vLLM write them) fails the stream. Not re-entrant.
 * @see https://platform.openai.com/docs/api-reference/chat-streaming/streaming
 * @see https://learn.microsoft.com/en-us/azure/ai-foundry/openai/concepts/content-filter
 */
export class OpenAiChatStreamDecoder implements StreamDecoder {
  readonly #parts = new StreamPartTracker();
  /** Set once `response-start` has been emitted. */
  #started = false;
  /** Set once `response-end` has been emitted. */
  #finished = false;
  /** Choices whose finish reason arrived; later deltas for them are ignored. */
  readonly #endedChoices = new Set<number>();
  readonly #toolKeys = new OpenAiToolCallKeys();
  /** Per choice: the key of the tool call whose part is open, if one is. */
  readonly #openToolCall = new Map<number, string>();

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
    if ((chunk.error !== undefined && chunk.error !== null) || chunk.object === 'error') {
      return {
        events,
        failure: failure('the provider sent an error chunk', 'SB_ERR_UPSTREAM_ERROR'),
      };
    }
    const choices = Array.isArray(chunk.choices) ? chunk.choices : [];
    const usage = decodeOpenAiChunkUsage(chunk);
    // Azure's leading chunk (no choices, no usage, empty id and model) starts nothing.
    if (choices.length === 0 && usage === undefined) {
      return { events, failure: undefined };
    }
    this.#start(chunk, events);
    for (const choice of choices) {
      const problem = isJsonObject(choice) ? this.#choice(choice, events) : undefined;
      if (problem !== undefined) {
        return { events, failure: problem };
      }
    }
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

  #choice(choice: JsonObject, events: ChatStreamEvent[]): GatewayError | undefined {
    const index = typeof choice.index === 'number' ? choice.index : 0;
    if (this.#endedChoices.has(index)) {
      return undefined;
    }
    const delta = isJsonObject(choice.delta) ? choice.delta : {};
    const reasoning = delta.reasoning_content ?? delta.reasoning;
    if (typeof reasoning === 'string') {
      this.#content(index, 'reasoning', reasoning, events);
    }
    for (const chunk of readOpenAiContentChunks(delta.content)) {
      this.#content(index, chunk.kind, chunk.text, events);
    }
    if (typeof delta.refusal === 'string') {
      this.#content(index, 'refusal', delta.refusal, events);
    }
    if (Array.isArray(delta.tool_calls)) {
      for (const call of delta.tool_calls) {
        const problem = isJsonObject(call) ? this.#toolCall(index, call, events) : undefined;
        if (problem !== undefined) {
          return problem;
        }
      }
    }
    if (typeof choice.finish_reason === 'string') {
      this.#endedChoices.add(index);
      this.#parts.endChoice(index, decodeOpenAiFinishReason(choice.finish_reason), events);
    }
    return undefined;
  }

  /** Text, reasoning or refusal text; non-empty text closes the open tool call. */
  #content(
    choice: number,
    kind: 'text' | 'reasoning' | 'refusal',
    text: string,
    events: ChatStreamEvent[],
  ): void {
    if (text !== '') {
      this.#openToolCall.delete(choice);
    }
    this.#parts[kind](choice, text, events);
  }

  #toolCall(choice: number, call: JsonObject, events: ChatStreamEvent[]): GatewayError | undefined {
    const fn = isJsonObject(call.function) ? call.function : {};
    const id = typeof call.id === 'string' && call.id !== '' ? call.id : undefined;
    const key = this.#toolKeys.keyFor(
      choice,
      typeof call.index === 'number' ? call.index : undefined,
      id,
    );
    const started = this.#parts.toolCallStart(
      choice,
      key,
      {
        id: id ?? `call_${this.#parts.toolCallCount(choice)}`,
        name: typeof fn.name === 'string' ? fn.name : '',
      },
      events,
    );
    if (started) {
      this.#openToolCall.set(choice, key);
    }
    const fragment = typeof fn.arguments === 'string' ? fn.arguments : '';
    if (fragment === '') {
      return undefined;
    }
    // Canonical parts do not interleave: arguments for a call that already ended cannot follow.
    if (this.#openToolCall.get(choice) !== key) {
      return failure(
        'arguments arrived for a tool call after another part had started',
        'SB_ERR_UPSTREAM_INVALID_RESPONSE',
      );
    }
    this.#parts.toolCallDelta(choice, key, fragment, events);
    return undefined;
  }

  #finish(events: ChatStreamEvent[]): ChatStreamEvent[] {
    this.#finished = true;
    this.#start({}, events);
    this.#parts.closeAll(events);
    this.#parts.endAll({ unified: 'stop', raw: undefined }, events);
    events.push({ type: 'response-end' });
    return events;
  }
}
