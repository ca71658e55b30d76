import {
  createServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';

/** `alternate`: every other chat request (the 1st, 3rd, 5th...) fails; `healthy`: none does. */
export type FlakyMode = 'alternate' | 'healthy';

export interface FlakyUpstream {
  /** The OpenAI-style API root, such as `http://127.0.0.1:41234/v1`. */
  readonly baseUrl: string;
  /** Switch at any time; the alternation counts every chat request received, in either mode. */
  mode: FlakyMode;
  /** Chat completion requests received. */
  readonly received: number;
  /** Of those, answered with 500. */
  readonly failed: number;
  /** Of those, relayed to the backend. */
  readonly relayed: number;
  close(): Promise<void>;
}

// Headers that belong to one connection, not to the message.
const hopByHop = new Set(['connection', 'keep-alive', 'transfer-encoding', 'host', 'upgrade']);

function withoutHopByHop(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  return Object.fromEntries(
    Object.entries(headers).filter(([name]) => !hopByHop.has(name.toLowerCase())),
  );
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

const failureBody = JSON.stringify({
  error: {
    message: 'Scripted flaky failure.',
    type: 'server_error',
    param: null,
    code: 'server_error',
  },
});

/**
 * An OpenAI-compatible upstream that fails alternating chat completion requests with 500 and
 * relays the others, byte for byte (JSON or SSE), to a backend such as the mock provider, so its
 * successful answers are real, valid completions. Listens on 127.0.0.1.
 */
export async function startFlakyUpstream(backendOrigin: string): Promise<FlakyUpstream> {
  const state = { mode: 'alternate' as FlakyMode, received: 0, failed: 0, relayed: 0 };
  const backend = new URL(backendOrigin);

  function relay(request: IncomingMessage, response: ServerResponse, body: Buffer): void {
    const upstream = httpRequest(
      {
        host: backend.hostname,
        port: backend.port,
        method: request.method,
        path: request.url,
        headers: { ...withoutHopByHop(request.headers), 'content-length': String(body.length) },
      },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, withoutHopByHop(answer.headers));
        answer.pipe(response);
        answer.on('error', () => response.destroy());
      },
    );
    upstream.on('error', () => response.destroy());
    upstream.end(body);
  }

  const server: Server = createServer((request, response) => {
    readBody(request)
      .then((body) => {
        const isChat =
          request.method === 'POST' && (request.url ?? '').split('?')[0] === '/v1/chat/completions';
        if (isChat) {
          state.received += 1;
          if (state.mode === 'alternate' && state.received % 2 === 1) {
            state.failed += 1;
            response.writeHead(500, {
              'content-type': 'application/json',
              'content-length': String(Buffer.byteLength(failureBody)),
            });
            response.end(failureBody);
            return;
          }
          state.relayed += 1;
        }
        relay(request, response, body);
      })
      .catch(() => response.destroy());
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    get mode() {
      return state.mode;
    },
    set mode(mode: FlakyMode) {
      state.mode = mode;
    },
    get received() {
      return state.received;
    },
    get failed() {
      return state.failed;
    },
    get relayed() {
      return state.relayed;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
