import type { ChatStreamEvent } from '../../canonical/chat-stream-event.ts';
import type { FinishReason } from '../../canonical/finish-reason.ts';
import { mergeUsage } from '../../canonical/merge-usage.ts';
import type { Usage } from '../../canonical/usage.ts';
import type { GatewayError } from '../../errors/gateway-error.ts';
import { encodeSseEvent } from '../../lib/sse-frame.ts';
import type { EncodeContext, StreamEncoder } from '../dialect-codec.ts';
import { encodeAnthropicErrorBody } from './anthropic-error-body.ts';
import { encodeAnthropicUsage } from './anthropic-usage.ts';
import { encodeAnthropicStopReason } from './map-anthropic-stop-reason.ts';

function event(type: string, data: object): string {
  return encodeSseEvent(JSON.stringify({ type, ...data }), type);
}

/**
 * Writes canonical events as Anthropic Messages stream events: `message_start`, one content block
 * per canonical part (numbered from 0), then `message_delta` with the stop reason and cumulative
 * usage, and `message_stop`. Only the first choice is written (the Messages API has one). A
 * refusal is written as a text block. Not re-entrant.
 * @see https://docs.anthropic.com/en/docs/build-with-claude/streaming#event-types
 */
export class AnthropicStreamEncoder implements StreamEncoder {
  readonly #context: EncodeContext;
  /** Anthropic block index of each canonical part of choice 0. */
  readonly #blockIndexes = new Map<number, number>();
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
        return event('message_start', {
          message: {
            id: canonical.id,
            type: 'message',
            role: 'assistant',
            model: canonical.model === '' ? this.#context.requestedModel : canonical.model,
            content: [],
            stop_reason: null,
            stop_sequence: null,
            usage: { input_tokens: 0, output_tokens: 0 },
          },
        });
      case 'text-start':
      case 'refusal-start':
        return this.#start(canonical.part, { type: 'text', text: '' });
      case 'text-delta':
      case 'refusal-delta':
        return this.#delta(canonical.part, { type: 'text_delta', text: canonical.delta });
      case 'reasoning-start':
        return canonical.redactedData === undefined
          ? this.#start(canonical.part, { type: 'thinking', thinking: '', signature: '' })
          : this.#start(canonical.part, {
              type: 'redacted_thinking',
              data: canonical.redactedData,
            });
      case 'reasoning-delta':
        return this.#delta(canonical.part, { type: 'thinking_delta', thinking: canonical.delta });
      case 'reasoning-end':
        return (
          (canonical.signature === undefined
            ? ''
            : this.#delta(canonical.part, {
                type: 'signature_delta',
                signature: canonical.signature,
              })) + this.#stop(canonical.part)
        );
      case 'tool-call-start':
        return this.#start(canonical.part, {
          type: 'tool_use',
          id: canonical.id,
          name: canonical.name,
          input: {},
        });
      case 'tool-call-delta':
        return this.#delta(canonical.part, {
          type: 'input_json_delta',
          partial_json: canonical.argumentsDelta,
        });
      case 'text-end':
      case 'refusal-end':
      case 'tool-call-end':
        return this.#stop(canonical.part);
      case 'usage-delta':
        this.#usage = mergeUsage(this.#usage, canonical.usage);
        return '';
      case 'choice-end':
        this.#finishReason = canonical.finishReason;
        return '';
      case 'response-end':
        return (
          event('message_delta', {
            delta: {
              stop_reason:
                this.#finishReason === undefined
                  ? 'end_turn'
                  : encodeAnthropicStopReason(this.#finishReason),
              stop_sequence: null,
            },
            usage: encodeAnthropicUsage(this.#usage),
          }) + event('message_stop', {})
        );
    }
  }

  fail(error: GatewayError): string {
    return encodeSseEvent(JSON.stringify(encodeAnthropicErrorBody(error)), 'error');
  }

  #start(part: number, block: object): string {
    const index = this.#blockIndexes.size;
    this.#blockIndexes.set(part, index);
    return event('content_block_start', { index, content_block: block });
  }

  #delta(part: number, delta: object): string {
    const index = this.#blockIndexes.get(part);
    return index === undefined ? '' : event('content_block_delta', { index, delta });
  }

  #stop(part: number): string {
    const index = this.#blockIndexes.get(part);
    return index === undefined ? '' : event('content_block_stop', { index });
  }
}
