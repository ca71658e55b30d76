import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { systemClock, type Clock } from '../lib/clock.ts';
import { isJsonObject, safeParseJson, type JsonObject } from '../lib/json.ts';
import { encodeMockChatChunks, encodeMockChatCompletion } from './mock-chat-wire.ts';
import { mockChatModels, mockEmbeddingModels, planMockChatReply } from './mock-chat-reply.ts';
import { parseMockDirectives, type MockDirectives } from './mock-directives.ts';
import { defaultMockEmbeddingDimensions, encodeMockEmbeddings } from './mock-embeddings.ts';
import { writeMockStream } from './write-mock-stream.ts';

export interface MockProviderOptions {
  /** The name `!mock:<name>` directives address; the provider id for in-process mocks. Default `mock`. */
  readonly name?: string;
  /** Delay before every response's headers. */
  readonly latencyMs?: number;
  /** Streaming speed; unset sends every chunk at once. */
  readonly tokensPerSecond?: number | undefined;
  /** When set, requests must carry `Authorization: Bearer <apiKey>`. */
  readonly apiKey?: string;
  /** How many received requests to remember for inspection. */
  readonly recordLimit?: number;
  readonly clock?: Clock;
}

/** A request as the mock received it, for tests that check what the gateway sent upstream. */
export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: string;
}

export interface MockProviderServer {
  /** The OpenAI-style API root, such as `http://127.0.0.1:41234/v1`. */
  readonly baseUrl: string;
  readonly port: number;
  /** The most recent requests, oldest first. */
  readonly requests: readonly RecordedRequest[];
  /** Connections that were closed by the peer before their response ended. */
  readonly abortedResponses: number;
  close(): Promise<void>;
}

const maxBodyBytes = 64 * 1024 * 1024;

/**
 * Starts the scripted fake model: an HTTP server that speaks the OpenAI Chat Completions and
 * Embeddings wire format (`/v1/chat/completions`, `/v1/embeddings`, `/v1/models`), answers
 * deterministically, and obeys `!mock` directives for faults. Listens on 127.0.0.1.
 */
export async function startMockProvider(
  options: MockProviderOptions = {},
  port = 0,
  host = '127.0.0.1',
): Promise<MockProviderServer> {
  const clock = options.clock ?? systemClock;
  const requests: RecordedRequest[] = [];
  const recordLimit = options.recordLimit ?? 200;
  let calls = 0;
  let aborted = 0;
  const server: Server = createServer({ keepAliveTimeout: 60_000 }, (request, response) => {
    response.on('close', () => {
      if (!response.writableFinished) {
        aborted += 1;
      }
    });
    readBody(request)
      .then(async (body) => {
        if (recordLimit > 0) {
          requests.push({
            method: request.method ?? '',
            path: request.url ?? '',
            headers: request.headers,
            body,
          });
          if (requests.length > recordLimit) {
            requests.shift();
          }
        }
        calls += 1;
        await serve(request, response, body, calls);
      })
      .catch(() => {
        response.destroy();
      });
  });

  async function serve(
    request: IncomingMessage,
    response: ServerResponse,
    body: string,
    call: number,
  ): Promise<void> {
    if (
      options.apiKey !== undefined &&
      request.headers.authorization !== `Bearer ${options.apiKey}`
    ) {
      sendError(response, 401, 'invalid_api_key', 'Incorrect API key provided.');
      return;
    }
    const path = (request.url ?? '').split('?')[0];
    if (request.method === 'GET' && path === '/v1/models') {
      sendJson(response, 200, listModels(clock));
      return;
    }
    if (
      request.method !== 'POST' ||
      (path !== '/v1/chat/completions' && path !== '/v1/embeddings')
    ) {
      sendError(
        response,
        404,
        'unknown_url',
        `Unknown request URL: ${request.method ?? ''} ${path ?? ''}.`,
      );
      return;
    }
    const parsed = safeParseJson(body);
    if (!parsed.ok || !isJsonObject(parsed.value)) {
      sendError(response, 400, 'invalid_json', 'We could not parse the JSON body of your request.');
      return;
    }
    const payload = parsed.value;
    const headerDirectives = request.headers['x-mock-directive'];
    const directives: MockDirectives =
      typeof headerDirectives === 'string' ? parseMockDirectives(headerDirectives) : {};
    if (path === '/v1/embeddings') {
      await serveEmbeddings(response, payload, directives);
      return;
    }
    await serveChat(response, payload, directives, call);
  }

  async function applyCommonDirectives(
    response: ServerResponse,
    directives: MockDirectives,
  ): Promise<boolean> {
    const delay = (directives.delayMs ?? 0) + (options.latencyMs ?? 0);
    if (delay > 0) {
      await sleep(delay);
    }
    if (directives.redirect !== undefined) {
      response.writeHead(302, { location: directives.redirect, 'content-length': '0' });
      response.end();
      return true;
    }
    if (directives.status !== undefined && directives.status >= 300) {
      sendError(
        response,
        directives.status,
        errorCodeFor(directives.status),
        `Scripted failure with status ${directives.status}.`,
        directives.retryAfter,
      );
      return true;
    }
    return false;
  }

  async function serveChat(
    response: ServerResponse,
    payload: JsonObject,
    headerDirectives: MockDirectives,
    call: number,
  ): Promise<void> {
    const model = requireModel(response, payload, mockChatModels);
    if (model === undefined) {
      return;
    }
    if (!Array.isArray(payload.messages) || payload.messages.length === 0) {
      sendError(
        response,
        400,
        'invalid_value',
        "Invalid 'messages': empty array.",
        undefined,
        'messages',
      );
      return;
    }
    const reply = planMockChatReply(model, payload, call, options.name ?? 'mock');
    const directives = { ...reply.directives, ...headerDirectives };
    if (await applyCommonDirectives(response, directives)) {
      return;
    }
    const choices =
      typeof payload.n === 'number' && Number.isInteger(payload.n) && payload.n > 0
        ? Math.min(payload.n, 8)
        : 1;
    const identity = {
      id: `chatcmpl-mock-${call}`,
      created: Math.floor(clock.now() / 1000),
      model,
      choices,
    };
    if (payload.stream !== true) {
      if (directives.malformed === 'html') {
        response.writeHead(200, { 'content-type': 'text/html' });
        response.end('<html><body>Bad gateway</body></html>');
        return;
      }
      const text = encodeMockChatCompletion(identity, reply);
      if (directives.disconnectAfter !== undefined) {
        response.writeHead(200, {
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(text)),
        });
        response.write(text.slice(0, Math.floor(text.length / 2)));
        response.socket?.destroy();
        return;
      }
      sendJson(response, 200, text);
      return;
    }
    const streamOptions = isJsonObject(payload.stream_options) ? payload.stream_options : {};
    const chunks = encodeMockChatChunks(identity, reply, streamOptions.include_usage === true);
    const tokensPerSecond = directives.tokensPerSecond ?? options.tokensPerSecond;
    await writeMockStream(response, chunks, {
      directives: tokensPerSecond === undefined ? directives : { ...directives, tokensPerSecond },
      requestId: identity.id,
    });
  }

  async function serveEmbeddings(
    response: ServerResponse,
    payload: JsonObject,
    directives: MockDirectives,
  ): Promise<void> {
    const model = requireModel(response, payload, mockEmbeddingModels);
    if (model === undefined) {
      return;
    }
    if (await applyCommonDirectives(response, directives)) {
      return;
    }
    const dimensions =
      typeof payload.dimensions === 'number' &&
      Number.isInteger(payload.dimensions) &&
      payload.dimensions > 0 &&
      payload.dimensions <= 4096
        ? payload.dimensions
        : defaultMockEmbeddingDimensions;
    const body = encodeMockEmbeddings(
      model,
      payload.input,
      dimensions,
      payload.encoding_format === 'base64' ? 'base64' : 'float',
    );
    if (body === undefined) {
      sendError(
        response,
        400,
        'invalid_value',
        "'input' must be a string, an array of strings or token arrays.",
        undefined,
        'input',
      );
      return;
    }
    sendJson(response, 200, body);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  return {
    baseUrl: `http://${host}:${address.port}/v1`,
    port: address.port,
    requests,
    get abortedResponses() {
      return aborted;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The requested model when this mock serves it; otherwise answers 404 as OpenAI does. */
function requireModel(
  response: ServerResponse,
  payload: JsonObject,
  served: ReadonlySet<string>,
): string | undefined {
  const model = typeof payload.model === 'string' ? payload.model : '';
  if (served.has(model)) {
    return model;
  }
  sendError(
    response,
    404,
    'model_not_found',
    `The model \`${model}\` does not exist or you do not have access to it.`,
    undefined,
    'model',
  );
  return undefined;
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBodyBytes) {
        reject(new Error('body too large'));
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function sendJson(response: ServerResponse, status: number, body: string | object): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(text)),
    'x-request-id': `req_mock_${status}`,
  });
  response.end(text);
}

function errorCodeFor(status: number): string {
  if (status === 429) return 'rate_limit_exceeded';
  if (status === 401) return 'invalid_api_key';
  if (status === 400) return 'invalid_request';
  if (status >= 500) return 'server_error';
  return 'error';
}

function errorTypeFor(status: number): string {
  if (status === 429) return 'requests';
  if (status === 401) return 'invalid_request_error';
  if (status >= 500) return 'server_error';
  return 'invalid_request_error';
}

/** An error body shaped like OpenAI's, with a message a gateway must not forward verbatim. */
function sendError(
  response: ServerResponse,
  status: number,
  code: string,
  message: string,
  retryAfter?: string,
  param?: string,
): void {
  const body = JSON.stringify({
    error: { message, type: errorTypeFor(status), param: param ?? null, code },
  });
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(body)),
  };
  if (retryAfter !== undefined) {
    headers['retry-after'] = retryAfter;
  }
  response.writeHead(status, headers);
  response.end(body);
}

function listModels(clock: Clock): object {
  const created = Math.floor(clock.now() / 1000);
  return {
    object: 'list',
    data: [...mockChatModels, ...mockEmbeddingModels].map((id) => ({
      id,
      object: 'model',
      created,
      owned_by: 'signalbox-mock',
    })),
  };
}
