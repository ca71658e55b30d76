import type { Usage } from '../../canonical/usage.ts';
import { GatewayError } from '../../errors/gateway-error.ts';
import { isJsonObject, safeParseJson } from '../../lib/json.ts';
import { encodeSseComment, encodeSseEvent, type SseFrame } from '../../lib/sse-frame.ts';
import type { StreamTap, TapOutput } from '../dialect-codec.ts';
import { decodeOpenAiChunkUsage } from './decode-openai-chat-usage.ts';

const contentFields = ['content', 'refusal', 'reasoning_content', 'reasoning', 'tool_calls'];

function hasValue(value: unknown): boolean {
  return (typeof value === 'string' && value !== '') || (Array.isArray(value) && value.length > 0);
}

/**
 * Whether a chunk's choices carry part of the answer or a finish reason, as opposed to preamble
 * (Azure's prompt-filter chunk, a role-only first chunk, the usage chunk).
 */
function carriesContent(choices: unknown): boolean {
  if (!Array.isArray(choices)) {
    return false;
  }
  return choices.some((choice) => {
    if (!isJsonObject(choice)) {
      return false;
    }
    if (typeof choice.finish_reason === 'string') {
      return true;
    }
    const delta = isJsonObject(choice.delta) ? choice.delta : {};
    return contentFields.some((field) => hasValue(delta[field]));
  });
}

export interface OpenAiChatStreamTapOptions {
  /**
   * Drop the usage-only chunk (`choices: []` plus `usage`) before it reaches the client, because
   * the gateway asked for it and the client did not.
   */
  readonly stripUsageChunk: boolean;
}

/**
 * Watches an OpenAI Chat Completions stream on its way to the client without re-serialising it:
 * each chunk's data is forwarded as received, while the tap records usage, finish reasons and the
 * end marker. A chunk that is not JSON, or an upstream error chunk (`{"error": ...}`, or an error
 * object with `"object": "error"`), fails the stream (upstream error text is never forwarded).
 * Usage is read from `usage`, or Groq's `x_groq.usage`. One instance per stream; not re-entrant.
 * @see https://platform.openai.com/docs/api-reference/chat-streaming
 */
export class OpenAiChatStreamTap implements StreamTap {
  readonly #options: OpenAiChatStreamTapOptions;
  /** Usage from the last chunk that carried a usage object; undefined until one arrives. */
  usage: Usage | undefined;
  /** Raw `finish_reason` values seen, by choice index. */
  readonly finishReasons = new Map<number, string>();
  /** Set once `data: [DONE]` arrived. */
  sawDone = false;
  /** Chunks forwarded that carry content or a finish reason (preamble chunks do not count). */
  forwardedEvents = 0;

  constructor(options: OpenAiChatStreamTapOptions) {
    this.#options = options;
  }

  /** A stream is finished once it sent `[DONE]` or a finish reason (usage may follow either). */
  get complete(): boolean {
    return this.sawDone || this.finishReasons.size > 0;
  }

  push(frame: SseFrame): TapOutput {
    if (frame.kind === 'comment') {
      return { kind: 'forward', text: encodeSseComment(frame.text) };
    }
    if (frame.data === '[DONE]') {
      this.sawDone = true;
      return { kind: 'forward', text: encodeSseEvent('[DONE]') };
    }
    const parsed = safeParseJson(frame.data);
    if (!parsed.ok || !isJsonObject(parsed.value)) {
      return {
        kind: 'fail',
        error: new GatewayError('SB_ERR_UPSTREAM_INVALID_RESPONSE', {
          internalDetail: `stream chunk is not a JSON object: ${parsed.ok ? 'wrong type' : parsed.message}`,
        }),
      };
    }
    const chunk = parsed.value;
    if ((chunk.error !== undefined && chunk.error !== null) || chunk.object === 'error') {
      return {
        kind: 'fail',
        error: new GatewayError('SB_ERR_UPSTREAM_ERROR', {
          detail: 'The provider reported an error in the middle of the stream.',
          internalDetail: 'upstream sent an error chunk',
        }),
      };
    }
    const usage = decodeOpenAiChunkUsage(chunk);
    if (usage !== undefined) {
      this.usage = usage;
    }
    const choices = chunk.choices;
    if (Array.isArray(choices)) {
      for (const choice of choices) {
        if (isJsonObject(choice) && typeof choice.finish_reason === 'string') {
          const index = typeof choice.index === 'number' ? choice.index : 0;
          this.finishReasons.set(index, choice.finish_reason);
        }
      }
      if (usage !== undefined && choices.length === 0 && this.#options.stripUsageChunk) {
        return { kind: 'drop' };
      }
    }
    if (carriesContent(choices)) {
      this.forwardedEvents += 1;
    }
    return { kind: 'forward', text: encodeSseEvent(frame.data, frame.event) };
  }
}
