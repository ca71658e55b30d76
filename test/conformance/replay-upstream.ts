import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A fixture header (not sent) asking for a pause between events (SSE events or event-stream
 * messages), so that each event arrives
 * in its own read: needed where a test depends on content having reached the client before what
 * follows (an error after the commit point).
 */
export const eventDelayHeader = 'x-replay-event-delay-ms';

/**
 * The events of a body, each a separate piece: SSE events (LF or CRLF framing), or the binary
 * messages of an AWS event stream (each starts with its 4-byte big-endian total length).
 */
function splitEvents(body: Uint8Array, contentType: string | undefined): Uint8Array[] {
  if (contentType === 'application/vnd.amazon.eventstream') {
    const pieces: Uint8Array[] = [];
    const view = Buffer.from(body);
    for (let offset = 0; offset + 4 <= view.length;) {
      const length = view.readUInt32BE(offset);
      pieces.push(view.subarray(offset, offset + length));
      offset += length;
    }
    return pieces;
  }
  return Buffer.from(body)
    .toString('utf8')
    .split(/(?<=\r\n\r\n|\n\n)/)
    .map((event) => Buffer.from(event, 'utf8'));
}

async function writePaced(
  response: ServerResponse,
  body: Uint8Array,
  contentType: string | undefined,
  delayMs: number,
): Promise<void> {
  for (const event of splitEvents(body, contentType)) {
    response.write(event);
    await new Promise((resolve) => setTimeout(resolve, delayMs));
  }
  response.end();
}

/** A canned provider answer: status, headers and the exact body bytes. */
export interface CannedResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Uint8Array;
}

/** A request the replay upstream received. */
export interface ReplayedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: string;
}

export interface ReplayUpstream {
  readonly origin: string;
  readonly requests: ReplayedRequest[];
  /** What every request is answered with until the next call. */
  serve(response: CannedResponse): void;
  close(): Promise<void>;
}

/**
 * A fake provider for conformance tests: answers every request with the canned response it was
 * given, byte for byte (streams are written in small pieces so that parsers see split frames),
 * and keeps the requests it received. Loopback only.
 */
export async function startReplayUpstream(): Promise<ReplayUpstream> {
  let current: CannedResponse = { status: 500, headers: {}, body: new Uint8Array() };
  const requests: ReplayedRequest[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      requests.push({
        method: request.method ?? '',
        path: request.url ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      const answer = current;
      const { [eventDelayHeader]: delay, ...headers } = answer.headers;
      response.writeHead(answer.status, {
        ...headers,
        'content-length': String(answer.body.length),
      });
      if (delay !== undefined) {
        void writePaced(response, answer.body, headers['content-type'], Number(delay));
        return;
      }
      const pieceSize = 97;
      for (let offset = 0; offset < answer.body.length; offset += pieceSize) {
        response.write(answer.body.subarray(offset, offset + pieceSize));
      }
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    serve(response) {
      current = response;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
