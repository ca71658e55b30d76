import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { systemClock, type Clock } from '../lib/clock.ts';
import { isJsonObject, safeParseJson, type JsonObject } from '../lib/json.ts';
import { mockChatModels, mockEmbeddingModels, planMockChatReply } from './mock-chat-reply.ts';
import type { MockDialect } from './mock-dialect.ts';
import { mockDialects } from './mock-dialects.ts';
import { parseMockDirectives, type MockDirectives } from './mock-directives.ts';
import { defaultMockEmbeddingDimensions, encodeMockEmbeddings } from './mock-embeddings.ts';
import type { MockRequestError } from './mock-request.ts';
import {
  createMockTokenEndpoints,
  type MockAuthorization,
  type MockCredential,
  type MockCredentialOptions,
  type MockTokenCounts,
} from './mock-token-endpoints.ts';
import { readMockBody } from './read-mock-body.ts';
import { writeMockStream } from './write-mock-stream.ts';

export interface MockProviderOptions extends MockCredentialOptions {
  /** The name `!mock:<name>` directives address; the provider id for in-process mocks. Default `mock`. */
  readonly name?: string;
  /** Delay before every response's headers. */
  readonly latencyMs?: number;
  /** Streaming speed; unset sends every chunk at once. */
  readonly tokensPerSecond?: number | undefined;
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
  /** How the mock accepted the request's credentials; undefined for token-endpoint requests. */
  readonly credential: MockCredential | undefined;
}

export interface MockProviderServer {
  /** The OpenAI-style API root, such as `http://127.0.0.1:41234/v1`. */
  readonly baseUrl: string;
  /** The server's origin, such as `http://127.0.0.1:41234`, for APIs rooted elsewhere. */
  readonly origin: string;
  readonly port: number;
  /** The most recent requests, oldest first. */
  readonly requests: readonly RecordedRequest[];
  /** Connections that were closed by the peer before their response ended. */
  readonly abortedResponses: number;
  /** Requests received by the mock's token endpoints (Google `/token`, Entra), for caching tests. */
  readonly tokenRequests: MockTokenCounts;
  close(): Promise<void>;
}

/**
 * Starts the scripted fake model: an HTTP server that speaks the wire format of every provider
 * API Signalbox talks to (OpenAI Chat Completions and Responses, Azure OpenAI, Anthropic Messages
 * also as on Vertex AI and Bedrock, Gemini also as on Vertex AI, Bedrock Converse, Cohere),
 * answers deterministically, and obeys `!mock` directives for faults. Also imitates Google's and
 * Microsoft Entra ID's token endpoints and verifies AWS SigV4 signatures when given the secret
 * (see `mock-token-endpoints.ts`). Listens on 127.0.0.1.
 */
export async function startMockProvider(
  options: MockProviderOptions = {},
  port = 0,
  host = '127.0.0.1',
): Promise<MockProviderServer> {
  const clock = options.clock ?? systemClock;
  const requests: RecordedRequest[] = [];
  const recordLimit = options.recordLimit ?? 200;
  const tokens = createMockTokenEndpoints(options, clock);
  let calls = 0;
  let aborted = 0;
  const server: Server = createServer({ keepAliveTimeout: 60_000 }, (request, response) => {
    response.on('close', () => {
      if (!response.writableFinished) {
        aborted += 1;
      }
    });
    readMockBody(request)
      .then(async (body) => {
        const tokenRequest = tokens.handles(request.method ?? '', pathOf(request));
        const authorization = tokenRequest ? undefined : await tokens.authorize(request, body);
        if (recordLimit > 0) {
          requests.push({
            method: request.method ?? '',
            path: request.url ?? '',
            headers: request.headers,
            body,
            credential: authorization?.credential,
          });
          if (requests.length > recordLimit) {
            requests.shift();
          }
        }
        if (authorization === undefined) {
          await tokens.serve(request, response, body);
          return;
        }
        calls += 1;
        await serve(request, response, body, calls, authorization);
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
    authorization: MockAuthorization,
  ): Promise<void> {
    const method = request.method ?? '';
    const path = pathOf(request);
    const dialect = mockDialects.find((candidate) => candidate.route(method, path) !== undefined);
    if (authorization.refuse !== undefined) {
      authorization.refuse(response);
      return;
    }
    if (authorization.credential === 'refused') {
      sendError(response, dialect, {
        status: 401,
        code: 'invalid_api_key',
        message: 'Incorrect API key provided.',
      });
      return;
    }
    if (method === 'GET' && path === '/v1/models') {
      sendJson(response, 200, listModels(clock));
      return;
    }
    const parsed = safeParseJson(body);
    if (method === 'POST' && path === '/v1/embeddings') {
      await serveEmbeddings(
        response,
        parsed.ok && isJsonObject(parsed.value) ? parsed.value : undefined,
        request,
      );
      return;
    }
    if (dialect === undefined) {
      sendError(response, undefined, {
        status: 404,
        code: 'unknown_url',
        message: `Unknown request URL: ${method} ${path}.`,
      });
      return;
    }
    if (!parsed.ok || !isJsonObject(parsed.value)) {
      sendError(response, dialect, {
        status: 400,
        code: 'invalid_json',
        message: 'We could not parse the JSON body of your request.',
      });
      return;
    }
    await serveChat(request, response, dialect, parsed.value, path, call);
  }

  async function applyCommonDirectives(
    response: ServerResponse,
    dialect: MockDialect | undefined,
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
        dialect,
        {
          status: directives.status,
          code: errorCodeFor(directives.status),
          message: `Scripted failure with status ${directives.status}.`,
        },
        directives.retryAfter,
      );
      return true;
    }
    return false;
  }

  function headerDirectives(request: IncomingMessage): MockDirectives {
    const header = request.headers['x-mock-directive'];
    return typeof header === 'string' ? parseMockDirectives(header) : {};
  }

  async function serveChat(
    request: IncomingMessage,
    response: ServerResponse,
    dialect: MockDialect,
    payload: JsonObject,
    path: string,
    call: number,
  ): Promise<void> {
    const route = dialect.route(request.method ?? '', path) ?? {};
    const parsed = dialect.parseRequest(payload, route);
    if ('status' in parsed) {
      sendError(response, dialect, parsed);
      return;
    }
    const mockRequest = route.stream === undefined ? parsed : { ...parsed, stream: route.stream };
    if (!mockChatModels.has(mockRequest.model)) {
      sendError(response, dialect, {
        status: 404,
        code: 'model_not_found',
        message: `The model \`${mockRequest.model}\` does not exist or you do not have access to it.`,
        param: 'model',
      });
      return;
    }
    if (route.operation === 'count-tokens' && dialect.encodeTokenCount !== undefined) {
      if (await applyCommonDirectives(response, dialect, headerDirectives(request))) {
        return;
      }
      sendJson(response, 200, dialect.encodeTokenCount(mockRequest));
      return;
    }
    const reply = planMockChatReply(mockRequest, call, options.name ?? 'mock');
    const directives = { ...reply.directives, ...headerDirectives(request) };
    if (await applyCommonDirectives(response, dialect, directives)) {
      return;
    }
    const identity = {
      id: `mock-${call}`,
      created: Math.floor(clock.now() / 1000),
      model: mockRequest.model,
      choices: mockRequest.choices,
    };
    const refusal =
      directives.refuse === undefined
        ? undefined
        : dialect.encodeRefusal(directives.refuse, mockRequest, route, identity);
    if (refusal !== undefined) {
      response.writeHead(refusal.status, {
        ...refusal.headers,
        'content-length': String(Buffer.byteLength(refusal.body)),
      });
      response.end(refusal.body);
      return;
    }
    if (!mockRequest.stream) {
      if (directives.malformed === 'html') {
        response.writeHead(200, { 'content-type': 'text/html' });
        response.end('<html><body>Bad gateway</body></html>');
        return;
      }
      const text = dialect.encodeResponse(identity, reply, mockRequest);
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
    if (directives.malformed === 'json-for-stream') {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{"object":"chat.completion"}');
      return;
    }
    const tokensPerSecond = directives.tokensPerSecond ?? options.tokensPerSecond;
    await writeMockStream(response, dialect.encodeStream(identity, reply, mockRequest), {
      directives: tokensPerSecond === undefined ? directives : { ...directives, tokensPerSecond },
      requestId: identity.id,
    });
  }

  async function serveEmbeddings(
    response: ServerResponse,
    payload: JsonObject | undefined,
    request: IncomingMessage,
  ): Promise<void> {
    if (payload === undefined) {
      sendError(response, undefined, {
        status: 400,
        code: 'invalid_json',
        message: 'We could not parse the JSON body of your request.',
      });
      return;
    }
    const model = typeof payload.model === 'string' ? payload.model : '';
    if (!mockEmbeddingModels.has(model)) {
      sendError(response, undefined, {
        status: 404,
        code: 'model_not_found',
        message: `The model \`${model}\` does not exist or you do not have access to it.`,
        param: 'model',
      });
      return;
    }
    if (await applyCommonDirectives(response, undefined, headerDirectives(request))) {
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
      sendError(response, undefined, {
        status: 400,
        code: 'invalid_value',
        message: "'input' must be a string, an array of strings or token arrays.",
        param: 'input',
      });
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
  const origin = `http://${host}:${address.port}`;
  return {
    baseUrl: `${origin}/v1`,
    origin,
    port: address.port,
    requests,
    get abortedResponses() {
      return aborted;
    },
    get tokenRequests() {
      return tokens.tokenRequests;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function pathOf(request: IncomingMessage): string {
  return (request.url ?? '').split('?')[0] ?? '';
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

/** An error body in the dialect's shape (OpenAI's without one), with a message a gateway must not forward. */
function sendError(
  response: ServerResponse,
  dialect: MockDialect | undefined,
  error: MockRequestError,
  retryAfter?: string,
): void {
  const encoded = (dialect ?? fallbackErrorDialect).encodeError(error);
  const headers: Record<string, string> = {
    ...encoded.headers,
    'content-length': String(Buffer.byteLength(encoded.body)),
  };
  if (retryAfter !== undefined) {
    headers['retry-after'] = retryAfter;
  }
  response.writeHead(error.status, headers);
  response.end(encoded.body);
}

const fallbackErrorDialect: Pick<MockDialect, 'encodeError'> = {
  encodeError: (error) => ({
    body: JSON.stringify({
      error: {
        message: error.message,
        type: error.status >= 500 ? 'server_error' : 'invalid_request_error',
        param: error.param ?? null,
        code: error.code,
      },
    }),
    headers: { 'content-type': 'application/json' },
  }),
};

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
