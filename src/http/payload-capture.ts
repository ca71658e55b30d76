import type { CapturedPayload } from '../observability/request-record.ts';

/** The first `maxBytes` bytes of `text` (a character cut in two becomes U+FFFD). */
function cut(text: string, maxBytes: number): { text: string; truncated: boolean } {
  if (text.length * 3 <= maxBytes || Buffer.byteLength(text) <= maxBytes) {
    return { text, truncated: false };
  }
  return { text: Buffer.from(text).subarray(0, maxBytes).toString('utf8'), truncated: true };
}

/**
 * What a model request sent and received, for payload retention (docs/audit.md): the request
 * body after the policy's redactions and the answer's bytes as written to the client, each cut
 * at `maxBytes`. A request refused before it was forwarded has no payload.
 */
export class PayloadCapture {
  readonly #maxBytes: number;
  #request: { text: string; truncated: boolean } | undefined;
  readonly #response: Buffer[] = [];
  #responseBytes = 0;
  #responseTruncated = false;

  constructor(maxBytes: number) {
    this.#maxBytes = maxBytes;
  }

  /** The request as forwarded (after redaction). */
  forwarded(text: string): void {
    this.#request = cut(text, this.#maxBytes);
  }

  /** Bytes of the answer, in the order they went to the client. */
  answered(chunk: string | Uint8Array): void {
    if (this.#responseTruncated) return;
    const bytes = Buffer.from(chunk);
    const room = this.#maxBytes - this.#responseBytes;
    if (bytes.length > room) {
      this.#response.push(bytes.subarray(0, room));
      this.#responseBytes = this.#maxBytes;
      this.#responseTruncated = true;
      return;
    }
    this.#response.push(bytes);
    this.#responseBytes += bytes.length;
  }

  /** The payload, or undefined when nothing was forwarded. */
  result(): CapturedPayload | undefined {
    if (this.#request === undefined) return undefined;
    return {
      request: this.#request.text,
      response: Buffer.concat(this.#response).toString('utf8'),
      requestTruncated: this.#request.truncated,
      responseTruncated: this.#responseTruncated,
    };
  }
}
