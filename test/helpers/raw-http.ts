import { connect } from 'node:net';

/** What came back for a raw request: the status (0 when the server closed without answering). */
export interface RawAnswer {
  readonly status: number;
  /** The server reset the connection (it stopped reading what was still being sent). */
  readonly reset: boolean;
  readonly head: string;
  readonly body: string;
}

/**
 * Sends one HTTP/1.1 request exactly as written, byte for byte (no URL normalisation, duplicate
 * headers kept, any request target), and reads the answer until the server closes. `lines` are
 * the request line and header lines, without CRLF; `Connection: close` is added.
 */
export function rawRequest(url: string, lines: readonly string[], body = ''): Promise<RawAnswer> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    const chunks: Buffer[] = [];
    let reset = false;
    socket.setTimeout(5000, () => socket.destroy(new Error('raw request timed out')));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNRESET' || error.code === 'EPIPE') {
        reset = true;
      } else {
        reject(error);
      }
    });
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('latin1');
      const split = text.indexOf('\r\n\r\n');
      const head = split === -1 ? text : text.slice(0, split);
      const status = /^HTTP\/1\.1 (\d{3})/.exec(head)?.[1];
      resolve({
        status: status === undefined ? 0 : Number(status),
        reset,
        head,
        body: split === -1 ? '' : text.slice(split + 4),
      });
    });
    const extra = body === '' ? [] : [`Content-Length: ${Buffer.byteLength(body)}`];
    socket.end([...lines, ...extra, 'Connection: close', '', body].join('\r\n'));
  });
}
