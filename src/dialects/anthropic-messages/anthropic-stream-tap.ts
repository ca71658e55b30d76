import { mergeUsage } from '../../canonical/merge-usage.ts';
import type { Usage } from '../../canonical/usage.ts';
import { GatewayError } from '../../errors/gateway-error.ts';
import { isJsonObject, safeParseJson } from '../../lib/json.ts';
import { encodeSseComment, encodeSseEvent } from '../../lib/sse-frame.ts';
import type { UpstreamFrame } from '../../lib/upstream-frame.ts';
import type { StreamTap, TapOutput } from '../dialect-codec.ts';
import { decodeAnthropicUsage } from './anthropic-usage.ts';

/** Events that say nothing yet: forwarded, but they do not commit the stream to this provider. */
const preamble: ReadonlySet<string> = new Set(['message_start', 'ping']);
/** Events the tap reads; content deltas (the bulk of a stream) are forwarded unparsed. */
const watched: ReadonlySet<string> = new Set([
  'message_start',
  'message_delta',
  'message_stop',
  'error',
]);

/**
 * Watches an Anthropic Messages stream on its way to an Anthropic client without re-serialising
 * it: every event is forwarded as received, while the tap reads usage (`message_start`,
 * `message_delta`), the stop reason and `message_stop`. Only those events are parsed. An `error`
 * event or an event that is not JSON fails the stream (upstream error text is never forwarded).
 * Not re-entrant.
 * @see https://docs.anthropic.com/en/docs/build-with-claude/streaming
 */
export class AnthropicStreamTap implements StreamTap {
  usage: Usage | undefined;
  readonly finishReasons = new Map<number, string>();
  forwardedEvents = 0;
  #stopped = false;

  get complete(): boolean {
    return this.#stopped || this.finishReasons.size > 0;
  }

  push(frame: UpstreamFrame): TapOutput {
    if (frame.kind === 'comment') {
      return { kind: 'forward', text: encodeSseComment(frame.text) };
    }
    if (frame.kind !== 'event') {
      return { kind: 'drop' };
    }
    const name = frame.event;
    if (name === undefined || watched.has(name)) {
      const failure = this.#read(frame.data);
      if (failure !== undefined) {
        return { kind: 'fail', error: failure };
      }
    }
    if (name === undefined || !preamble.has(name)) {
      this.forwardedEvents += 1;
    }
    return { kind: 'forward', text: encodeSseEvent(frame.data, name) };
  }

  #read(data: string): GatewayError | undefined {
    const parsed = safeParseJson(data);
    if (!parsed.ok || !isJsonObject(parsed.value)) {
      return new GatewayError('SB_ERR_UPSTREAM_INVALID_RESPONSE', {
        internalDetail: 'anthropic stream event is not a JSON object',
      });
    }
    const event = parsed.value;
    switch (event.type) {
      case 'message_start': {
        const usage = decodeAnthropicUsage(
          isJsonObject(event.message) ? event.message.usage : undefined,
        );
        if (usage !== undefined) this.usage = mergeUsage(this.usage, usage);
        return undefined;
      }
      case 'message_delta': {
        const usage = decodeAnthropicUsage(event.usage);
        if (usage !== undefined) this.usage = mergeUsage(this.usage, usage);
        const delta = isJsonObject(event.delta) ? event.delta : {};
        if (typeof delta.stop_reason === 'string') this.finishReasons.set(0, delta.stop_reason);
        return undefined;
      }
      case 'message_stop':
        this.#stopped = true;
        return undefined;
      case 'error':
        return new GatewayError('SB_ERR_UPSTREAM_ERROR', {
          detail: 'The provider reported an error in the middle of the stream.',
          internalDetail: 'upstream sent an error event',
        });
      default:
        return undefined;
    }
  }
}
