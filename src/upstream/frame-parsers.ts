import { isJsonObject, safeParseJson } from '../lib/json.ts';
import type { EventStreamFrame } from '../lib/event-stream-frame.ts';
import type { SseFrame } from '../lib/sse-frame.ts';
import type { UpstreamFrame } from '../lib/upstream-frame.ts';
import type { StreamFraming } from '../providers/provider-type.ts';
import { AwsEventStreamParser, EventStreamFramingError } from './aws-event-stream-parser.ts';
import { SseParser } from './sse-parser.ts';

/** Splits a streamed body into frames as bytes arrive. Throws on framing it cannot read. */
export interface FrameParser {
  push(chunk: Uint8Array): UpstreamFrame[];
  end(): UpstreamFrame[];
}

/**
 * Turns Bedrock InvokeModelWithResponseStream messages into the SSE events the model's own API
 * would have sent: each `chunk` event carries `{"bytes": <base64 JSON>}`, one Anthropic event; an
 * exception message becomes an Anthropic `error` event.
 * @see https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_InvokeModelWithResponseStream.html
 */
export function bedrockChunkToSse(frame: EventStreamFrame): SseFrame | undefined {
  const messageType = frame.headers[':message-type'];
  const text = Buffer.from(frame.payload).toString('utf8');
  if (messageType === 'exception' || messageType === 'error') {
    const parsed = safeParseJson(text);
    const message =
      parsed.ok && isJsonObject(parsed.value) && typeof parsed.value.message === 'string'
        ? parsed.value.message
        : '';
    const type = frame.headers[':exception-type'] ?? frame.headers[':error-code'] ?? 'api_error';
    return {
      kind: 'event',
      event: 'error',
      data: JSON.stringify({ type: 'error', error: { type, message } }),
      id: undefined,
    };
  }
  if (frame.headers[':event-type'] !== 'chunk') {
    return undefined;
  }
  const parsed = safeParseJson(text);
  if (!parsed.ok || !isJsonObject(parsed.value) || typeof parsed.value.bytes !== 'string') {
    throw new EventStreamFramingError('a Bedrock chunk has no base64 bytes');
  }
  const data = Buffer.from(parsed.value.bytes, 'base64').toString('utf8');
  const inner = safeParseJson(data);
  const event =
    inner.ok && isJsonObject(inner.value) && typeof inner.value.type === 'string'
      ? inner.value.type
      : undefined;
  return { kind: 'event', event, data, id: undefined };
}

const parsers: Readonly<Record<StreamFraming, () => FrameParser>> = {
  sse: () => new SseParser(),
  'aws-event-stream': () => new AwsEventStreamParser(),
  'bedrock-invoke-chunks': () => {
    const inner = new AwsEventStreamParser();
    const adapt = (frames: readonly EventStreamFrame[]): UpstreamFrame[] =>
      frames.flatMap((frame) => {
        const converted = bedrockChunkToSse(frame);
        return converted === undefined ? [] : [converted];
      });
    return { push: (chunk) => adapt(inner.push(chunk)), end: () => adapt(inner.end()) };
  },
};

/** The frame parser for a provider's stream framing. */
export function createFrameParser(framing: StreamFraming): FrameParser {
  return parsers[framing]();
}

/** The content type a streamed answer must have under each framing. */
export const streamContentTypes: Readonly<Record<StreamFraming, string>> = {
  sse: 'text/event-stream',
  'aws-event-stream': 'application/vnd.amazon.eventstream',
  'bedrock-invoke-chunks': 'application/vnd.amazon.eventstream',
};
