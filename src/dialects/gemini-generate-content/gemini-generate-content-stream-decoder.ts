import type { ChatStreamEvent } from '../../canonical/chat-stream-event.ts';
import type { FinishReason } from '../../canonical/finish-reason.ts';
import type { Usage } from '../../canonical/usage.ts';
import type { GatewayError } from '../../errors/gateway-error.ts';
import { isJsonObject, safeParseJson, type JsonObject } from '../../lib/json.ts';
import type { UpstreamFrame } from '../../lib/upstream-frame.ts';
import type { DecodeStep, StreamDecoder } from '../dialect-codec.ts';
import { StreamPartTracker } from '../stream-part-tracker.ts';
import { decodeGeminiUsage } from './decode-gemini-generate-content-usage.ts';
import { GeminiPartialArgumentsWriter } from './gemini-generate-content-partial-arguments.ts';
import {
  decodeGeminiBlockReason,
  decodeGeminiFinishReason,
} from './map-gemini-generate-content-finish-reason.ts';
import {
  candidateIndex,
  candidateParts,
  createTimeSeconds,
  geminiToolCallId,
  readGeminiPart,
} from './read-gemini-generate-content-part.ts';
import { streamFailure, type StreamFailureCode } from '../stream-failure.ts';

function failure(detail: string, code: StreamFailureCode): GatewayError {
  return streamFailure('gemini-generate-content', detail, code);
}

/** A function call whose arguments Vertex AI is still streaming as `partialArgs`. */
interface StreamedCall {
  readonly key: string;
  readonly writer: GeminiPartialArgumentsWriter;
}

/**
 * Decodes `streamGenerateContent?alt=sse` events (each a whole `GenerateContentResponse` chunk)
 * into canonical events. Handles function calls that arrive whole (`args`, AI Studio) and Vertex
 * AI's streamed arguments (`partialArgs` fragments with `willContinue`, closed by an empty
 * `functionCall`); thought parts become reasoning; a thought signature on a text or thought part
 * ends a reasoning part carrying it, on a function call it rides on `tool-call-start`. Usage is
 * repeated in many chunks: each change is one `usage-delta`. There is no end marker: the stream is
 * complete when every candidate has a finish reason, and `end()` before that is a failure. An
 * `error` object in a chunk is a failure. Not re-entrant.
 * @see https://ai.google.dev/api/generate-content#method:-models.streamgeneratecontent
 * @see https://cloud.google.com/vertex-ai/generative-ai/docs/multimodal/function-calling#streaming-function-call-arguments
 */
export class GeminiStreamDecoder implements StreamDecoder {
  readonly #parts = new StreamPartTracker();
  #started = false;
  #finished = false;
  /** JSON of the last usage reported, to skip chunks that only repeat it. */
  #lastUsage: string | undefined;
  /** Per choice: function calls started, for `call_<choice>_<n>` ids and unique keys. */
  readonly #callCounts = new Map<number, number>();
  readonly #streamedCalls = new Map<number, StreamedCall>();
  readonly #endedChoices = new Set<number>();

  push(frame: UpstreamFrame): DecodeStep {
    if (frame.kind !== 'event' || this.#finished) {
      return { events: [], failure: undefined };
    }
    const events: ChatStreamEvent[] = [];
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
    const candidates = Array.isArray(chunk.candidates) ? chunk.candidates : [];
    for (const [position, candidate] of candidates.entries()) {
      if (isJsonObject(candidate)) {
        const problem = this.#candidate(candidate, candidateIndex(candidate, position), events);
        if (problem !== undefined) {
          return { events, failure: failure(problem, 'SB_ERR_UPSTREAM_INVALID_RESPONSE') };
        }
      }
    }
    const feedback = isJsonObject(chunk.promptFeedback) ? chunk.promptFeedback : {};
    if (candidates.length === 0 && typeof feedback.blockReason === 'string') {
      this.#endChoice(0, decodeGeminiBlockReason(feedback.blockReason), events);
    }
    this.#usage(decodeGeminiUsage(chunk.usageMetadata), events);
    return { events, failure: undefined };
  }

  end(): DecodeStep {
    if (this.#finished) {
      return { events: [], failure: undefined };
    }
    if (!this.#parts.allChoicesEnded) {
      return {
        events: [],
        failure: failure(
          'the stream ended before every candidate had a finish reason',
          'SB_ERR_UPSTREAM_ERROR',
        ),
      };
    }
    this.#finished = true;
    return { events: [{ type: 'response-end' }], failure: undefined };
  }

  #start(chunk: JsonObject, events: ChatStreamEvent[]): void {
    if (this.#started) {
      return;
    }
    this.#started = true;
    events.push({
      type: 'response-start',
      id: typeof chunk.responseId === 'string' ? chunk.responseId : '',
      model: typeof chunk.modelVersion === 'string' ? chunk.modelVersion : '',
      created: createTimeSeconds(chunk.createTime),
    });
  }

  /** One candidate of a chunk; returns a problem description when its data cannot be used. */
  #candidate(candidate: JsonObject, choice: number, events: ChatStreamEvent[]): string | undefined {
    if (this.#endedChoices.has(choice)) {
      return undefined;
    }
    for (const part of candidateParts(candidate)) {
      const reading = readGeminiPart(part);
      if (reading.kind === 'function-call') {
        const problem = this.#functionCall(choice, reading.call, reading.signature, events);
        if (problem !== undefined) {
          return problem;
        }
        continue;
      }
      this.#closeStreamedCall(choice, events);
      if (reading.kind === 'thought') {
        this.#parts.reasoning(choice, reading.text, events);
      } else if (reading.kind === 'text') {
        this.#parts.text(choice, reading.text, events);
      }
      if (reading.signature !== undefined) {
        this.#parts.reasoningSignature(choice, reading.signature, events);
      }
    }
    if (typeof candidate.finishReason === 'string') {
      this.#closeStreamedCall(choice, events);
      const hasToolCalls = (this.#callCounts.get(choice) ?? 0) > 0;
      this.#endChoice(
        choice,
        decodeGeminiFinishReason(candidate.finishReason, hasToolCalls),
        events,
      );
    }
    return undefined;
  }

  #functionCall(
    choice: number,
    call: JsonObject,
    signature: string | undefined,
    events: ChatStreamEvent[],
  ): string | undefined {
    const name = typeof call.name === 'string' && call.name !== '' ? call.name : undefined;
    const continues = call.willContinue === true;
    const fragments = Array.isArray(call.partialArgs) ? call.partialArgs : [];
    let streamed = this.#streamedCalls.get(choice);
    if (name !== undefined) {
      this.#closeStreamedCall(choice, events);
      const ordinal = this.#callCounts.get(choice) ?? 0;
      this.#callCounts.set(choice, ordinal + 1);
      const key = `call:${ordinal}`;
      this.#parts.toolCallStart(
        choice,
        key,
        { id: geminiToolCallId(call, choice, ordinal), name, signature },
        events,
      );
      if (!continues && fragments.length === 0) {
        const args = isJsonObject(call.args) ? call.args : {};
        this.#parts.toolCallDelta(choice, key, JSON.stringify(args), events);
        this.#parts.closePart(choice, events);
        return undefined;
      }
      streamed = { key, writer: new GeminiPartialArgumentsWriter() };
      this.#streamedCalls.set(choice, streamed);
    }
    if (streamed === undefined) {
      // A continuation with no call to continue: nothing to attach it to.
      return undefined;
    }
    const step = streamed.writer.push(fragments);
    this.#parts.toolCallDelta(choice, streamed.key, step.delta, events);
    if (step.error !== undefined) {
      return step.error;
    }
    if (!continues) {
      this.#closeStreamedCall(choice, events);
    }
    return undefined;
  }

  /** Closes the arguments of a call still being streamed in this choice, and its part. */
  #closeStreamedCall(choice: number, events: ChatStreamEvent[]): void {
    const streamed = this.#streamedCalls.get(choice);
    if (streamed === undefined) {
      return;
    }
    this.#streamedCalls.delete(choice);
    this.#parts.toolCallDelta(choice, streamed.key, streamed.writer.finish(), events);
    this.#parts.closePart(choice, events);
  }

  #endChoice(choice: number, reason: FinishReason, events: ChatStreamEvent[]): void {
    this.#endedChoices.add(choice);
    this.#parts.endChoice(choice, reason, events);
  }

  #usage(usage: Usage | undefined, events: ChatStreamEvent[]): void {
    if (usage === undefined) {
      return;
    }
    const key = JSON.stringify(usage);
    if (key === this.#lastUsage) {
      return;
    }
    this.#lastUsage = key;
    events.push({ type: 'usage-delta', usage });
  }
}
