import type * as SmithyEventStreamCodec from '@smithy/eventstream-codec';
import type * as SmithyUtf8 from '@smithy/util-utf8';
import type { EventStreamFrame } from '../lib/event-stream-frame.ts';
import { loadPackage } from '../lib/load-package.ts';

/** Raised when a message is malformed, fails its checksums, or is larger than allowed. */
export class EventStreamFramingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EventStreamFramingError';
  }
}

let sharedCodec: SmithyEventStreamCodec.EventStreamCodec | undefined;

/** The AWS Smithy codec, loaded with the first parser (only Bedrock providers stream this way). */
function eventStreamCodec(): SmithyEventStreamCodec.EventStreamCodec {
  if (sharedCodec === undefined) {
    const { EventStreamCodec } = loadPackage(
      '@smithy/eventstream-codec',
    ) as typeof SmithyEventStreamCodec;
    const { fromUtf8, toUtf8 } = loadPackage('@smithy/util-utf8') as typeof SmithyUtf8;
    sharedCodec = new EventStreamCodec(toUtf8, fromUtf8);
  }
  return sharedCodec;
}

/**
 * Splits an `application/vnd.amazon.eventstream` body into messages as bytes arrive (split
 * anywhere), decoding each with the AWS Smithy codec, which verifies the prelude and message
 * CRC32 checksums. Throws `EventStreamFramingError` on bad framing. Not re-entrant.
 * @see https://docs.aws.amazon.com/transcribe/latest/dg/streaming-setting-up.html#streaming-event-stream
 */
export class AwsEventStreamParser {
  readonly #maxMessageBytes: number;
  readonly #codec = eventStreamCodec();
  #buffer: Uint8Array = new Uint8Array(0);

  constructor(maxMessageBytes = 16 * 1024 * 1024) {
    this.#maxMessageBytes = maxMessageBytes;
  }

  push(chunk: Uint8Array): EventStreamFrame[] {
    this.#buffer = this.#buffer.length === 0 ? chunk : concat(this.#buffer, chunk);
    const frames: EventStreamFrame[] = [];
    while (this.#buffer.length >= 12) {
      const view = new DataView(
        this.#buffer.buffer,
        this.#buffer.byteOffset,
        this.#buffer.byteLength,
      );
      const total = view.getUint32(0);
      if (total < 16 || total > this.#maxMessageBytes) {
        throw new EventStreamFramingError(`an event-stream message declares ${total} bytes`);
      }
      if (this.#buffer.length < total) {
        break;
      }
      const message = this.#buffer.subarray(0, total);
      this.#buffer = this.#buffer.subarray(total);
      let decoded;
      try {
        decoded = this.#codec.decode(message);
      } catch (error) {
        throw new EventStreamFramingError(
          `an event-stream message is corrupt: ${error instanceof Error ? error.message : 'unknown'}`,
        );
      }
      const headers: Record<string, string> = {};
      for (const [name, header] of Object.entries(decoded.headers)) {
        if (header.type === 'string') {
          headers[name] = header.value;
        }
      }
      frames.push({ kind: 'binary', headers, payload: decoded.body });
    }
    return frames;
  }

  /** The body ended: anything left over is a truncated message. */
  end(): EventStreamFrame[] {
    if (this.#buffer.length > 0) {
      throw new EventStreamFramingError('the event stream ended inside a message');
    }
    return [];
  }
}

function concat(left: Uint8Array, right: Uint8Array): Uint8Array {
  const joined = new Uint8Array(left.length + right.length);
  joined.set(left, 0);
  joined.set(right, left.length);
  return joined;
}
