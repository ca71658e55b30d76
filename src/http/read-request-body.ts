import type { IncomingMessage } from 'node:http';
import { GatewayError } from '../errors/gateway-error.ts';
import { clientErrorOf } from './client-error-codes.ts';

/** Raised when the body is refused part-way; the connection must then be closed after the reply. */
export class UnreadBodyError extends Error {
  readonly error: GatewayError;

  constructor(error: GatewayError) {
    super(error.message);
    this.name = 'UnreadBodyError';
    this.error = error;
  }
}

/** `application/json` and `application/<something>+json`. */
const jsonContentTypes = /^application\/(?:[\w.+-]*\+)?json\b/i;

/** JSON, YAML (`application/yaml`, `application/x-yaml`, `text/yaml`) or plain text. */
export const documentContentTypes =
  /^(?:application\/(?:[\w.+-]*\+)?json|application\/(?:x-)?yaml|text\/(?:x-)?yaml|text\/plain)\b/i;

/**
 * Reads a JSON request body (or, with `acceptedTypes`, another text type) as text, refusing more than `maxBytes` (before reading, from
 * Content-Length, or as soon as the count passes the limit), compressed bodies and non-JSON
 * content types. Rejects with `UnreadBodyError` (wrapping a 413 or 415) when the rest of the body
 * was left unread, and with `GatewayError` for a body that ended badly.
 */
export function readRequestBody(
  request: IncomingMessage,
  maxBytes: number,
  acceptedTypes: RegExp = jsonContentTypes,
): Promise<string> {
  const contentType = request.headers['content-type'];
  if (contentType !== undefined && !acceptedTypes.test(contentType)) {
    return Promise.reject(
      new UnreadBodyError(new GatewayError('SB_ERR_REQUEST_UNSUPPORTED_MEDIA_TYPE')),
    );
  }
  const encoding = request.headers['content-encoding'];
  if (encoding !== undefined && encoding.toLowerCase() !== 'identity') {
    return Promise.reject(
      new UnreadBodyError(
        new GatewayError('SB_ERR_REQUEST_UNSUPPORTED_MEDIA_TYPE', {
          detail: 'Compressed request bodies are not accepted.',
        }),
      ),
    );
  }
  const tooLarge = (): UnreadBodyError =>
    new UnreadBodyError(
      new GatewayError('SB_ERR_REQUEST_TOO_LARGE', { detail: `The limit is ${maxBytes} bytes.` }),
    );
  const declared = request.headers['content-length'];
  if (declared !== undefined && Number(declared) > maxBytes) {
    return Promise.reject(tooLarge());
  }
  return new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = (): void => {
      request.off('data', onData);
      request.off('end', onEnd);
      request.off('error', onError);
      request.off('aborted', onAborted);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > maxBytes) {
        cleanup();
        // Stop reading; the reply will say "Connection: close" so the rest is never parsed.
        request.pause();
        reject(tooLarge());
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      cleanup();
      const body =
        chunks.length === 1 ? (chunks[0] ?? Buffer.alloc(0)) : Buffer.concat(chunks, size);
      resolve(body.toString('utf8'));
    };
    const fail = (cause?: unknown): void => {
      cleanup();
      reject(bodyEndedEarly(request, cause));
    };
    const onError = (error: Error): void => fail(error);
    const onAborted = (): void => fail();
    request.on('data', onData);
    request.on('end', onEnd);
    request.on('error', onError);
    request.on('aborted', onAborted);
  });
}

/**
 * Why a body stopped before its end: the server's request timeout (408), framing the parser
 * refused (400), or else the client closed the connection (499, recorded as client-closed).
 */
function bodyEndedEarly(request: IncomingMessage, cause: unknown): GatewayError {
  const code = clientErrorOf(request.socket);
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    return new GatewayError('SB_ERR_REQUEST_TIMEOUT', {
      detail: 'The request body did not arrive within server.request_timeout_ms.',
      cause,
    });
  }
  // A FIN mid-body reaches the parser as an early end of input: that is the client leaving.
  if (code !== undefined && code !== 'HPE_INVALID_EOF_STATE') {
    return new GatewayError('SB_ERR_REQUEST_INVALID', {
      detail: 'The request body is not valid HTTP/1.1 framing.',
      cause,
    });
  }
  return new GatewayError('SB_ERR_CLIENT_CLOSED', {
    detail: 'The client closed the connection before the request body was complete.',
    cause,
  });
}
