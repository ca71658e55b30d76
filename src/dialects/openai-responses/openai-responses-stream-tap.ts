import type { Usage } from '../../canonical/usage.ts';
import { openAiResponsesFinishReason } from './openai-responses-finish-reason.ts';
import { GatewayError } from '../../errors/gateway-error.ts';
import { isJsonObject, safeParseJson } from '../../lib/json.ts';
import { encodeSseComment, encodeSseEvent } from '../../lib/sse-frame.ts';
import type { UpstreamFrame } from '../../lib/upstream-frame.ts';
import type { StreamTap, TapOutput } from '../dialect-codec.ts';
import { decodeOpenAiResponsesUsage } from './openai-responses-usage.ts';

/** Events that say nothing yet: forwarded, but they do not commit the stream to this provider. */
const preamble: ReadonlySet<string> = new Set([
  'response.created',
  'response.in_progress',
  'response.queued',
]);
/**
 * Events the tap reads; content events (the bulk of a stream) are forwarded unparsed. An event
 * without a name (or with the default name) is read too, since only its `type` says what it is.
 */
const watched: ReadonlySet<string> = new Set([
  'response.completed',
  'response.incomplete',
  'response.failed',
  'error',
  'message',
]);

/**
 * Watches an OpenAI Responses stream on its way to a Responses client without re-serialising it:
 * every event is forwarded as received, while the tap reads usage and the end from
 * `response.completed` or `response.incomplete` (only those, `response.failed` and `error` are
 * parsed). An `error` event or `response.failed` fails the stream with an upstream error, and an
 * event the tap must read that is not JSON fails it as an invalid response; upstream error text
 * is never forwarded. Not re-entrant.
 * @see https://platform.openai.com/docs/api-reference/responses-streaming
 */
export class OpenAiResponsesStreamTap implements StreamTap {
  usage: Usage | undefined;
  /** The final status (or incomplete reason) of the response, as choice 0's finish reason. */
  readonly finishReasons = new Map<number, string>();
  forwardedEvents = 0;
  #ended = false;

  get complete(): boolean {
    return this.#ended;
  }

  push(frame: UpstreamFrame): TapOutput {
    if (frame.kind === 'comment') {
      return { kind: 'forward', text: encodeSseComment(frame.text) };
    }
    if (frame.kind !== 'event') {
      return { kind: 'drop' };
    }
    let type = frame.event;
    if (type === undefined || watched.has(type)) {
      const read = this.#read(frame.data);
      if (read instanceof GatewayError) {
        return { kind: 'fail', error: read };
      }
      type = read ?? type;
    }
    if (type === undefined || !preamble.has(type)) {
      this.forwardedEvents += 1;
    }
    return { kind: 'forward', text: encodeSseEvent(frame.data, frame.event) };
  }

  /** Reads a watched event; returns its type, or the error that ends the stream. */
  #read(data: string): string | undefined | GatewayError {
    const parsed = safeParseJson(data);
    if (!parsed.ok || !isJsonObject(parsed.value)) {
      return new GatewayError('SB_ERR_UPSTREAM_INVALID_RESPONSE', {
        internalDetail: 'openai-responses stream event is not a JSON object',
      });
    }
    const event = parsed.value;
    const type = typeof event.type === 'string' ? event.type : undefined;
    switch (type) {
      case 'response.completed':
      case 'response.incomplete': {
        const response = isJsonObject(event.response) ? event.response : {};
        const usage = decodeOpenAiResponsesUsage(response.usage);
        if (usage !== undefined) this.usage = usage;
        this.finishReasons.set(
          0,
          openAiResponsesFinishReason(response, type.slice('response.'.length)),
        );
        this.#ended = true;
        return type;
      }
      case 'response.failed':
      case 'error':
        // The response is over either way (`response.failed` ends it; `error` precedes that).
        this.#ended = true;
        return new GatewayError('SB_ERR_UPSTREAM_ERROR', {
          detail: 'The provider reported an error in the middle of the stream.',
          internalDetail: `upstream sent ${type}`,
        });
      default:
        return type;
    }
  }
}
