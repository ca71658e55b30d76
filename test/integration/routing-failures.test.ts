/**
 * The executor against the mock provider's scripted faults: every failure class, streamed and
 * not, before the commit point (retry, fallback, or the error to the client) and after it (an
 * in-stream error, no fallback, the deployment's health told). Each case has its own model group
 * and deployment ids per mode, so cooldowns and health from one case never steer another.
 */
import {
  createServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type Server,
} from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startMockProvider,
  type MockProviderServer,
} from '../../src/mock-provider/mock-provider-server.ts';
import type { AttemptSummary, RequestRecord } from '../../src/observability/request-record.ts';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';

type Mode = 'plain' | 'stream';
const modes: readonly Mode[] = ['plain', 'stream'];

const fastReply = 'Hello from Signalbox.';
const onePixelPng =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

let primary: MockProviderServer;
let secondary: MockProviderServer;
let flaky: ScriptedProxy;
let harness: TestGateway;
let appKey: string;

/** A port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * A pass-through proxy in front of a mock that adds an `x-mock-directive` header to the next
 * requests it is scripted for, so one attempt fails and the retry of it succeeds.
 */
interface ScriptedProxy {
  readonly baseUrl: string;
  /** Directives for the next requests, one each. */
  script(...directives: string[]): void;
  /** `performance.now()` at each request's arrival. */
  readonly arrivals: number[];
  close(): Promise<void>;
}

async function startScriptedProxy(target: MockProviderServer): Promise<ScriptedProxy> {
  const queue: string[] = [];
  const arrivals: number[] = [];
  const server: Server = createServer((request, response) => {
    arrivals.push(performance.now());
    const headers: IncomingHttpHeaders = { ...request.headers, host: `127.0.0.1:${target.port}` };
    const directive = queue.shift();
    if (directive !== undefined) {
      headers['x-mock-directive'] = directive;
    }
    const upstream = httpRequest(
      {
        host: '127.0.0.1',
        port: target.port,
        method: request.method,
        path: request.url,
        headers,
      },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      },
    );
    // The gateway gives up on slow attempts: drop the upstream side with it.
    response.on('close', () => upstream.destroy());
    response.on('error', () => undefined);
    upstream.on('error', () => response.destroy());
    request.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    script: (...directives) => queue.push(...directives),
    arrivals,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

// ---------------------------------------------------------------------------------------------
// The cases. Every failing first deployment is followed by `secondary/fast`, which answers
// `Hello from Signalbox.`, so the served text tells who answered.

interface FallbackCase {
  readonly slug: string;
  readonly title: string;
  readonly errorClass: string;
  readonly errorCode: string;
  /** Provider of the failing deployment, and YAML for more of its fields. */
  readonly provider: string;
  readonly fields?: string;
  /** The `!mock` line of the message (empty for none). */
  readonly directive: (mode: Mode) => string;
  /** The provider's status on each failed attempt. */
  readonly status: number | undefined;
  /** Whether the class is retried on the same deployment before falling back. */
  readonly retried: boolean;
  /** The backoff before the retry: exactly a Retry-After, or jitter below initial_delay_ms. */
  readonly retryDelay?: 'exact-zero' | 'jitter';
  readonly body?: Record<string, unknown>;
  readonly groupFields?: string;
}

const same = (directive: string) => () => directive;

const fallbackCases: readonly FallbackCase[] = [
  {
    slug: 'rate-limited',
    title: 'rate-limited (429, Retry-After 0 within the cap)',
    errorClass: 'rate-limited',
    errorCode: 'SB_ERR_UPSTREAM_RATE_LIMITED',
    provider: 'primary',
    directive: same('!mock:primary status=429 retry_after=0'),
    status: 429,
    retried: true,
    retryDelay: 'exact-zero',
  },
  {
    slug: 'overloaded-503',
    title: 'overloaded (503)',
    errorClass: 'overloaded',
    errorCode: 'SB_ERR_UPSTREAM_OVERLOADED',
    provider: 'primary',
    directive: same('!mock:primary status=503'),
    status: 503,
    retried: true,
    retryDelay: 'jitter',
  },
  {
    slug: 'overloaded-529',
    title: 'overloaded (529)',
    errorClass: 'overloaded',
    errorCode: 'SB_ERR_UPSTREAM_OVERLOADED',
    provider: 'primary',
    directive: same('!mock:primary status=529'),
    status: 529,
    retried: true,
    retryDelay: 'jitter',
  },
  {
    slug: 'server-error',
    title: 'server-error (500)',
    errorClass: 'server-error',
    errorCode: 'SB_ERR_UPSTREAM_ERROR',
    provider: 'primary',
    directive: same('!mock:primary status=500'),
    status: 500,
    retried: true,
    retryDelay: 'jitter',
  },
  {
    slug: 'first-token',
    title: "timeout (the deployment's first_token_ms; a stream with headers but no content)",
    errorClass: 'timeout',
    errorCode: 'SB_ERR_UPSTREAM_TIMEOUT',
    provider: 'primary',
    fields: 'timeouts: { first_token_ms: 150 }',
    directive: (mode) =>
      mode === 'plain' ? '!mock:primary delay_ms=800' : '!mock:primary stall_after=0 stall_ms=800',
    status: undefined,
    retried: true,
    retryDelay: 'jitter',
  },
  {
    // No retry: the first-token case above covers retrying a timeout.
    slug: 'first-byte',
    title: "timeout (the provider's first_byte_ms)",
    errorClass: 'timeout',
    errorCode: 'SB_ERR_UPSTREAM_TIMEOUT',
    provider: 'slowpoke',
    directive: same('!mock:primary delay_ms=2500'),
    status: undefined,
    retried: false,
    groupFields: 'retries: { max_retries: 0 }',
  },
  {
    slug: 'refused',
    title: 'connection (nothing listening)',
    errorClass: 'connection',
    errorCode: 'SB_ERR_UPSTREAM_CONNECTION',
    provider: 'dead',
    directive: same(''),
    status: undefined,
    retried: true,
    retryDelay: 'jitter',
  },
  {
    slug: 'dropped',
    title: 'connection (dropped before the first content)',
    errorClass: 'connection',
    errorCode: 'SB_ERR_UPSTREAM_CONNECTION',
    provider: 'primary',
    directive: same('!mock:primary disconnect_after=0'),
    status: undefined,
    retried: true,
    retryDelay: 'jitter',
  },
  {
    slug: 'auth',
    title: 'auth (401)',
    errorClass: 'auth',
    errorCode: 'SB_ERR_UPSTREAM_AUTH',
    provider: 'primary',
    directive: same('!mock:primary status=401'),
    status: 401,
    retried: false,
  },
  {
    slug: 'invalid-response',
    title: 'invalid-response (an HTML page; JSON where a stream was asked)',
    errorClass: 'invalid-response',
    errorCode: 'SB_ERR_UPSTREAM_INVALID_RESPONSE',
    provider: 'primary',
    directive: (mode) =>
      mode === 'plain' ? '!mock:primary malformed=html' : '!mock:primary malformed=json-for-stream',
    status: undefined,
    retried: false,
  },
  {
    slug: 'unsupported',
    title: 'unsupported (tools for a model whose facts say tools: false)',
    errorClass: 'unsupported',
    errorCode: 'SB_ERR_REQUEST_UNSUPPORTED_PARAMETER',
    provider: 'strict',
    directive: same(''),
    status: undefined,
    retried: false,
    body: {
      tools: [
        {
          type: 'function',
          function: { name: 'lookup', parameters: { type: 'object', properties: {} } },
        },
      ],
      tool_choice: 'none',
    },
  },
  {
    slug: 'content-policy',
    title: 'content-policy, where the group lists it in fallback_on',
    errorClass: 'content-policy',
    errorCode: 'SB_ERR_UPSTREAM_CONTENT_POLICY',
    provider: 'primary',
    directive: same('!mock:primary refuse=content-policy'),
    status: 400,
    retried: false,
    groupFields: 'fallback_on: [content-policy, server-error]',
  },
];

interface TerminalCase {
  readonly slug: string;
  readonly title: string;
  readonly directive: string;
  readonly errorClass: string;
  readonly errorCode: string;
  readonly clientStatus: number;
  /** The second target: tried only if the executor wrongly falls back. */
  readonly second: string;
}

const terminalCases: readonly TerminalCase[] = [
  {
    slug: 'rejected',
    title: 'rejected (a plain 400)',
    directive: '!mock:primary status=400',
    errorClass: 'rejected',
    errorCode: 'SB_ERR_UPSTREAM_REJECTED_REQUEST',
    clientStatus: 400,
    second: 'provider: secondary, model: fast',
  },
  {
    slug: 'policy-default',
    title: 'content-policy (not in the default fallback_on)',
    directive: '!mock:primary refuse=content-policy',
    errorClass: 'content-policy',
    errorCode: 'SB_ERR_UPSTREAM_CONTENT_POLICY',
    clientStatus: 400,
    second: 'provider: secondary, model: fast',
  },
  {
    slug: 'no-larger-window',
    title: 'context-length with no larger window left (the smaller one is not tried)',
    directive: '!mock:primary refuse=context-length',
    errorClass: 'context-length',
    errorCode: 'SB_ERR_UPSTREAM_CONTEXT_LENGTH',
    clientStatus: 400,
    second: 'provider: secondary, model: echo',
  },
];

interface ExhaustedCase {
  readonly slug: string;
  readonly title: string;
  readonly directive: (mode: Mode) => string;
  readonly fields?: string;
  readonly errorClass: string;
  readonly errorCode: string;
  readonly status: number | undefined;
  readonly clientStatus: number;
}

const exhaustedCases: readonly ExhaustedCase[] = [
  {
    slug: 'all-500',
    title: 'server-error',
    directive: same('!mock status=500'),
    errorClass: 'server-error',
    errorCode: 'SB_ERR_UPSTREAM_ERROR',
    status: 500,
    clientStatus: 502,
  },
  {
    slug: 'all-503',
    title: 'overloaded',
    directive: same('!mock status=503'),
    errorClass: 'overloaded',
    errorCode: 'SB_ERR_UPSTREAM_OVERLOADED',
    status: 503,
    clientStatus: 503,
  },
  {
    slug: 'all-429',
    title: 'rate-limited',
    directive: same('!mock status=429 retry_after=0'),
    errorClass: 'rate-limited',
    errorCode: 'SB_ERR_UPSTREAM_RATE_LIMITED',
    status: 429,
    clientStatus: 429,
  },
  {
    slug: 'all-timeout',
    title: 'timeout',
    directive: (mode) =>
      mode === 'plain' ? '!mock delay_ms=800' : '!mock stall_after=0 stall_ms=800',
    fields: 'timeouts: { first_token_ms: 120 }',
    errorClass: 'timeout',
    errorCode: 'SB_ERR_UPSTREAM_TIMEOUT',
    status: undefined,
    clientStatus: 504,
  },
];

interface RetryCase {
  readonly slug: string;
  readonly title: string;
  readonly script: string;
  readonly errorClass: string;
  readonly errorCode: string;
  readonly status: number | undefined;
  readonly fields?: string;
}

const retryCases: readonly RetryCase[] = [
  {
    slug: 'retry-429',
    title: 'rate-limited with Retry-After: 1, after exactly that pause',
    script: 'status=429 retry_after=1',
    errorClass: 'rate-limited',
    errorCode: 'SB_ERR_UPSTREAM_RATE_LIMITED',
    status: 429,
  },
  {
    slug: 'retry-503',
    title: 'overloaded, after a jittered backoff',
    script: 'status=503',
    errorClass: 'overloaded',
    errorCode: 'SB_ERR_UPSTREAM_OVERLOADED',
    status: 503,
  },
  {
    slug: 'retry-timeout',
    title: 'a first-token timeout, after a jittered backoff',
    script: 'delay_ms=600',
    errorClass: 'timeout',
    errorCode: 'SB_ERR_UPSTREAM_TIMEOUT',
    status: undefined,
    fields: 'timeouts: { first_token_ms: 150 }',
  },
];

const afterCommitCases = [
  {
    slug: 'commit-disconnect',
    title: 'a disconnect',
    directive: '!mock:primary disconnect_after=3',
    errorCode: 'SB_ERR_UPSTREAM_CONNECTION',
  },
  {
    slug: 'commit-error-chunk',
    title: 'an upstream error chunk',
    directive: '!mock:primary stall_after=2 stall_ms=30 malformed=error-chunk',
    errorCode: 'SB_ERR_UPSTREAM_ERROR',
  },
] as const;

// ---------------------------------------------------------------------------------------------
// Configuration: one group per case and mode, with deployment ids `<group>-a`, `<group>-b`...

function target(id: string, fields: string): string {
  return `      - { id: ${id}, ${fields} }`;
}

function group(alias: string, targets: readonly string[], fields = ''): string {
  return [`  - alias: ${alias}`, ...(fields === '' ? [] : [`    ${fields}`]), '    targets:']
    .concat(targets)
    .join('\n');
}

function withFields(base: string, fields: string | undefined): string {
  return fields === undefined ? base : `${base}, ${fields}`;
}

function groupsYaml(): string {
  const groups: string[] = [];
  for (const mode of modes) {
    for (const entry of fallbackCases) {
      const alias = `${entry.slug}-${mode}`;
      groups.push(
        group(
          alias,
          [
            target(
              `${alias}-a`,
              withFields(`provider: ${entry.provider}, model: echo`, entry.fields),
            ),
            target(`${alias}-b`, 'provider: secondary, model: fast'),
          ],
          entry.groupFields,
        ),
      );
    }
    for (const entry of terminalCases) {
      const alias = `${entry.slug}-${mode}`;
      groups.push(
        group(alias, [
          target(`${alias}-a`, 'provider: primary, model: echo'),
          target(`${alias}-b`, entry.second),
        ]),
      );
    }
    for (const entry of exhaustedCases) {
      const alias = `${entry.slug}-${mode}`;
      groups.push(
        group(alias, [
          target(`${alias}-a`, withFields('provider: primary, model: echo', entry.fields)),
          target(`${alias}-b`, withFields('provider: secondary, model: fast', entry.fields)),
        ]),
      );
    }
    for (const entry of retryCases) {
      const alias = `${entry.slug}-${mode}`;
      groups.push(
        group(alias, [
          target(`${alias}-a`, withFields('provider: flaky, model: echo', entry.fields)),
          target(`${alias}-b`, 'provider: secondary, model: fast'),
        ]),
      );
    }
    for (const slug of ['context', 'cool', 'closing', 'lonely']) {
      const alias = `${slug}-${mode}`;
      groups.push(
        group(alias, [
          target(`${alias}-a`, 'provider: primary, model: echo'),
          ...(slug === 'context' ? [target(`${alias}-b`, 'provider: secondary, model: echo')] : []),
          ...(slug === 'lonely' ? [] : [target(`${alias}-z`, 'provider: secondary, model: fast')]),
        ]),
      );
    }
    groups.push(
      group(`alone-${mode}`, [target(`alone-${mode}-a`, 'provider: primary, model: echo')]),
    );
    groups.push(
      group(`rescue-${mode}`, [target(`rescue-${mode}-a`, 'provider: secondary, model: fast')]),
    );
  }
  for (const entry of afterCommitCases) {
    groups.push(
      group(entry.slug, [
        target(`${entry.slug}-a`, 'provider: primary, model: echo'),
        target(`${entry.slug}-b`, 'provider: secondary, model: fast'),
      ]),
    );
  }
  return groups.join('\n');
}

beforeAll(async () => {
  primary = await startMockProvider({ name: 'primary', recordLimit: 1000 });
  secondary = await startMockProvider({ name: 'secondary', recordLimit: 1000 });
  flaky = await startScriptedProxy(primary);
  const deadPort = await closedPort();
  // Windows: primary/echo 4000, secondary/echo 2000 (smaller), secondary/fast 100000 (larger).
  harness = await startTestGateway({
    environment: { TEST_UPSTREAM_KEY: 'test-upstream-key-0123456789' },
    config: `
routing:
  retries: { max_retries: 1, initial_delay_ms: 5, max_delay_ms: 20, retry_after_cap_ms: 2000 }
providers:
  - id: primary
    type: openai-compatible
    base_url: "${primary.baseUrl}"
    models: [echo, fast]
    model_facts: { echo: { context_window: 4000 } }
  - id: secondary
    type: openai-compatible
    base_url: "${secondary.baseUrl}"
    models: [echo, fast]
    model_facts: { echo: { context_window: 2000 }, fast: { context_window: 100000 } }
  - id: slowpoke
    type: openai-compatible
    base_url: "${primary.baseUrl}"
    models: [echo]
    timeouts: { first_byte_ms: 200 }
  - id: dead
    type: openai-compatible
    base_url: "http://127.0.0.1:${deadPort}/v1"
    models: [echo]
    timeouts: { connect_ms: 300 }
  - id: flaky
    type: openai-compatible
    base_url: "${flaky.baseUrl}"
    models: [echo]
  - id: strict
    type: anthropic
    base_url: "${primary.origin}/v1"
    api_key: "\${env:TEST_UPSTREAM_KEY}"
    models: [echo]
    model_facts: { echo: { tools: false, vision: false } }
models:
${groupsYaml()}
`,
  });
  appKey = await harness.createKey({ name: 'routing-failures' });
});

afterAll(async () => {
  await harness.close();
  await flaky.close();
  await primary.close();
  await secondary.close();
});

// ---------------------------------------------------------------------------------------------
// Talking to the gateway.

interface Exchange {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  readonly requestId: string;
}

interface ErrorBody {
  error: { code: string; type: string; message: string; param?: string | null };
}

interface StreamChunk {
  choices?: { delta?: { content?: string | null } }[];
  error?: { code: string; message: string };
}

async function chat(
  mode: Mode,
  body: Record<string, unknown>,
  options: { key?: string; signal?: AbortSignal } = {},
): Promise<Exchange> {
  const response = await fetch(`${harness.baseUrl}/chat/completions`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${options.key ?? appKey}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify(mode === 'stream' ? { ...body, stream: true } : body),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  return {
    status: response.status,
    headers: response.headers,
    text: await response.text(),
    requestId: response.headers.get('x-signalbox-request-id') ?? '',
  };
}

function message(directive: string, text = 'hello there'): Record<string, unknown>[] {
  return [{ role: 'user', content: directive === '' ? text : `${directive}\n${text}` }];
}

function dataEvents(text: string): string[] {
  return text
    .split('\n\n')
    .filter((block) => block.startsWith('data: '))
    .map((block) => block.slice(6));
}

/** The text the client received, checking the stream ended as a finished stream does. */
function servedText(exchange: Exchange, mode: Mode): string {
  if (mode === 'plain') {
    expect(exchange.headers.get('content-type')).toMatch(/^application\/json/);
    const body = JSON.parse(exchange.text) as { choices: { message: { content: string } }[] };
    return body.choices[0]?.message.content ?? '';
  }
  expect(exchange.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const events = dataEvents(exchange.text);
  expect(events.at(-1)).toBe('[DONE]');
  return events
    .slice(0, -1)
    .map((event) => (JSON.parse(event) as StreamChunk).choices?.[0]?.delta?.content ?? '')
    .join('');
}

/** The error a failed request answered with: always a JSON error, never a started stream. */
function errorOf(exchange: Exchange): ErrorBody['error'] {
  expect(exchange.headers.get('content-type')).toMatch(/^application\/json/);
  return (JSON.parse(exchange.text) as ErrorBody).error;
}

function recordOf(exchange: Exchange): Promise<RequestRecord> {
  expect(exchange.requestId).not.toBe('');
  return harness.waitForRecord((record) => record.requestId === exchange.requestId);
}

/** The comparable part of an attempt (durations and backoffs are checked on their own). */
function shape(attempt: AttemptSummary): Record<string, unknown> {
  return {
    deployment: attempt.deployment,
    retry: attempt.retry,
    outcome: attempt.outcome,
    errorClass: attempt.errorClass,
    errorCode: attempt.errorCode,
    status: attempt.status,
  };
}

function failed(
  deployment: string,
  retry: number,
  errorClass: string,
  errorCode: string,
  status: number | undefined,
): Record<string, unknown> {
  return { deployment, retry, outcome: 'failure', errorClass, errorCode, status };
}

function served(deployment: string, retry = 0): Record<string, unknown> {
  return {
    deployment,
    retry,
    outcome: 'success',
    errorClass: undefined,
    errorCode: undefined,
    status: undefined,
  };
}

/** `x-signalbox-attempt-errors` as (deployment, class, status) triples, each with a duration. */
function attemptErrors(exchange: Exchange): string[][] {
  const header = exchange.headers.get('x-signalbox-attempt-errors');
  expect(header).not.toBeNull();
  return (header ?? '').split(', ').map((entry) => {
    const parts = entry.split(' ');
    expect(parts[3]).toMatch(/^\d+ms$/);
    return parts.slice(0, 3);
  });
}

interface DeploymentWire {
  deployment: string;
  cooling_down_until: string | null;
  error_rate: number;
  consecutive_failures: number;
}

async function deploymentStatus(id: string): Promise<DeploymentWire> {
  const response = await harness.admin('GET', '/admin/deployments');
  expect(response.status).toBe(200);
  const { data } = (await response.json()) as { data: DeploymentWire[] };
  const found = data.find((entry) => entry.deployment === id);
  if (found === undefined) {
    throw new Error(`no deployment ${id} in /admin/deployments`);
  }
  return found;
}

/** Polls an asynchronous condition until it holds. */
async function until(check: () => Promise<boolean>, timeoutMs = 3000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await check())) {
    if (performance.now() > deadline) {
      throw new Error('condition not met in time');
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Bodies the mock received since `from` requests ago, parsed. */
function bodiesSince(mock: MockProviderServer, from: number): Record<string, unknown>[] {
  return mock.requests
    .slice(from)
    .map((request) => JSON.parse(request.body) as Record<string, unknown>);
}

// ---------------------------------------------------------------------------------------------

describe.each(modes)('before the commit point (%s)', (mode) => {
  describe.each(fallbackCases)('$title', (entry) => {
    it(`${entry.retried ? 'is retried once, then falls' : 'falls'} back to the next deployment`, async () => {
      const alias = `${entry.slug}-${mode}`;
      const secondaryBefore = secondary.requests.length;
      const exchange = await chat(mode, {
        model: alias,
        messages: message(entry.directive(mode)),
        ...entry.body,
      });

      expect(exchange.status).toBe(200);
      expect(servedText(exchange, mode)).toBe(fastReply);
      expect(exchange.headers.get('x-signalbox-deployment')).toBe(`${alias}-b`);
      expect(exchange.headers.get('x-signalbox-route')).toBe('priority; fallback');
      expect(exchange.headers.get('x-signalbox-attempts')).toBe(entry.retried ? '3' : '2');
      expect(exchange.headers.get('x-signalbox-attempt-errors')).toBeNull();

      const record = await recordOf(exchange);
      const failure = (retry: number) =>
        failed(`${alias}-a`, retry, entry.errorClass, entry.errorCode, entry.status);
      expect(record.attempts.map(shape)).toEqual([
        failure(0),
        ...(entry.retried ? [failure(1)] : []),
        served(`${alias}-b`),
      ]);
      expect(record.attempts[0]?.delayMs).toBe(0);
      if (entry.retryDelay === 'exact-zero') {
        expect(record.attempts[1]?.delayMs).toBe(0);
      } else if (entry.retryDelay === 'jitter') {
        // Full jitter below initial_delay_ms × 2^0.
        expect(record.attempts[1]?.delayMs).toBeGreaterThanOrEqual(0);
        expect(record.attempts[1]?.delayMs).toBeLessThan(5);
      }
      expect(record.attempts.at(-1)?.delayMs).toBe(0);
      if (entry.slug === 'first-byte') {
        // Regression: undici's own headers timeout ticks once a second, so a 200 ms first_byte_ms
        // used to fire after about 1 s; the gateway now keeps that deadline itself.
        expect(record.attempts[0]?.durationMs).toBeLessThan(900);
      }
      expect(record).toMatchObject({
        status: 200,
        stream: mode === 'stream',
        outcome: 'completed',
        deployment: `${alias}-b`,
        routeReason: 'priority',
      });
      expect(record.decision?.groups.map((traced) => [traced.alias, traced.order])).toEqual([
        [alias, [`${alias}-a`, `${alias}-b`]],
      ]);
      // The fallback was called once, with its own model.
      expect(bodiesSince(secondary, secondaryBefore).map((body) => body.model)).toEqual(['fast']);
    });
  });

  describe.each(terminalCases)('$title', (entry) => {
    it('answers the error at once: no retry, no fallback', async () => {
      const alias = `${entry.slug}-${mode}`;
      const secondaryBefore = secondary.requests.length;
      const primaryBefore = primary.requests.length;
      const exchange = await chat(mode, { model: alias, messages: message(entry.directive) });

      expect(exchange.status).toBe(entry.clientStatus);
      expect(errorOf(exchange).code).toBe(entry.errorCode);
      expect(exchange.headers.get('x-signalbox-deployment')).toBeNull();
      expect(exchange.headers.get('x-signalbox-route')).toBe('priority');
      expect(exchange.headers.get('x-signalbox-attempts')).toBe('1');
      expect(attemptErrors(exchange)).toEqual([[`${alias}-a`, entry.errorClass, '400']]);

      const record = await recordOf(exchange);
      expect(record.attempts.map(shape)).toEqual([
        failed(`${alias}-a`, 0, entry.errorClass, entry.errorCode, 400),
      ]);
      expect(record).toMatchObject({
        status: entry.clientStatus,
        outcome: 'upstream-error',
        errorCode: entry.errorCode,
      });
      // Both deployments were planned; only the first was called.
      expect(record.decision?.groups[0]?.order).toEqual([`${alias}-a`, `${alias}-b`]);
      expect(primary.requests.length - primaryBefore).toBe(1);
      expect(secondary.requests.length).toBe(secondaryBefore);
    });
  });

  it('an image is never sent to a deployment whose facts say vision: false', async () => {
    const alias = `unsupported-${mode}`;
    const primaryBefore = primary.requests.length;
    const exchange = await chat(mode, {
      model: alias,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'what is this?' },
            { type: 'image_url', image_url: { url: `data:image/png;base64,${onePixelPng}` } },
          ],
        },
      ],
    });

    expect(exchange.status).toBe(200);
    expect(servedText(exchange, mode)).toBe(fastReply);
    expect(exchange.headers.get('x-signalbox-deployment')).toBe(`${alias}-b`);
    expect(exchange.headers.get('x-signalbox-route')).toBe('priority');
    expect(exchange.headers.get('x-signalbox-attempts')).toBe('1');
    const record = await recordOf(exchange);
    expect(
      record.decision?.groups[0]?.candidates.map((candidate) => [
        candidate.id,
        candidate.filteredBy,
      ]),
    ).toEqual([
      [`${alias}-a`, 'vision'],
      [`${alias}-b`, undefined],
    ]);
    expect(record.attempts.map(shape)).toEqual([served(`${alias}-b`)]);
    expect(primary.requests.length).toBe(primaryBefore);
  });

  it('context-length: falls back past a smaller window to a larger one', async () => {
    const alias = `context-${mode}`;
    const secondaryBefore = secondary.requests.length;
    const exchange = await chat(mode, {
      model: alias,
      messages: message('!mock:primary refuse=context-length'),
    });

    expect(exchange.status).toBe(200);
    expect(servedText(exchange, mode)).toBe(fastReply);
    expect(exchange.headers.get('x-signalbox-deployment')).toBe(`${alias}-z`);
    expect(exchange.headers.get('x-signalbox-route')).toBe('priority; fallback');
    expect(exchange.headers.get('x-signalbox-attempts')).toBe('2');

    const record = await recordOf(exchange);
    expect(record.decision?.groups[0]?.order).toEqual([`${alias}-a`, `${alias}-b`, `${alias}-z`]);
    expect(record.attempts.map(shape)).toEqual([
      failed(`${alias}-a`, 0, 'context-length', 'SB_ERR_UPSTREAM_CONTEXT_LENGTH', 400),
      served(`${alias}-z`),
    ]);
    // secondary/echo (window 2000 < 4000) was skipped, not called.
    expect(bodiesSince(secondary, secondaryBefore).map((body) => body.model)).toEqual(['fast']);
  });

  describe.each(exhaustedCases)('every deployment fails: $title', (entry) => {
    it('answers the last error, listing every attempt', async () => {
      const alias = `${entry.slug}-${mode}`;
      const exchange = await chat(mode, { model: alias, messages: message(entry.directive(mode)) });

      expect(exchange.status).toBe(entry.clientStatus);
      expect(errorOf(exchange).code).toBe(entry.errorCode);
      expect(exchange.headers.get('x-signalbox-deployment')).toBeNull();
      expect(exchange.headers.get('x-signalbox-attempts')).toBe('4');
      expect(exchange.headers.get('x-signalbox-route')).toBe('priority');
      const status = String(entry.status ?? '-');
      expect(attemptErrors(exchange)).toEqual([
        [`${alias}-a`, entry.errorClass, status],
        [`${alias}-a`, entry.errorClass, status],
        [`${alias}-b`, entry.errorClass, status],
        [`${alias}-b`, entry.errorClass, status],
      ]);

      const record = await recordOf(exchange);
      expect(record.attempts.map(shape)).toEqual([
        failed(`${alias}-a`, 0, entry.errorClass, entry.errorCode, entry.status),
        failed(`${alias}-a`, 1, entry.errorClass, entry.errorCode, entry.status),
        failed(`${alias}-b`, 0, entry.errorClass, entry.errorCode, entry.status),
        failed(`${alias}-b`, 1, entry.errorClass, entry.errorCode, entry.status),
      ]);
      expect(record).toMatchObject({
        status: entry.clientStatus,
        stream: mode === 'stream',
        outcome: 'upstream-error',
        errorCode: entry.errorCode,
        deployment: undefined,
      });
    });
  });

  describe.each(retryCases)('a retry that succeeds: $title', (entry) => {
    it('serves from the same deployment, marked as a retry', async () => {
      const alias = `${entry.slug}-${mode}`;
      const secondaryBefore = secondary.requests.length;
      const arrivalsBefore = flaky.arrivals.length;
      flaky.script(entry.script);
      const exchange = await chat(mode, {
        model: alias,
        messages: message('', 'exactly these words'),
      });

      expect(exchange.status).toBe(200);
      expect(servedText(exchange, mode)).toBe('exactly these words');
      expect(exchange.headers.get('x-signalbox-deployment')).toBe(`${alias}-a`);
      expect(exchange.headers.get('x-signalbox-route')).toBe('priority; retry');
      expect(exchange.headers.get('x-signalbox-attempts')).toBe('2');

      const record = await recordOf(exchange);
      expect(record.attempts.map(shape)).toEqual([
        failed(`${alias}-a`, 0, entry.errorClass, entry.errorCode, entry.status),
        served(`${alias}-a`, 1),
      ]);
      const arrivals = flaky.arrivals.slice(arrivalsBefore);
      expect(arrivals).toHaveLength(2);
      const delayMs = record.attempts[1]?.delayMs ?? -1;
      if (entry.slug === 'retry-429') {
        expect(delayMs).toBe(1000);
        // The second request really came a Retry-After later (timer slack allowed).
        expect((arrivals[1] ?? 0) - (arrivals[0] ?? 0)).toBeGreaterThanOrEqual(990);
      } else {
        expect(delayMs).toBeGreaterThanOrEqual(0);
        expect(delayMs).toBeLessThan(5);
      }
      expect(secondary.requests.length).toBe(secondaryBefore);
    });
  });

  describe('rate-limited with a Retry-After over retry_after_cap_ms', () => {
    it('falls back at once, and the next plan puts the deployment last while it cools down', async () => {
      const alias = `cool-${mode}`;
      const first = await chat(mode, {
        model: alias,
        messages: message('!mock:primary status=429 retry_after=5'),
      });
      expect(first.status).toBe(200);
      expect(first.headers.get('x-signalbox-deployment')).toBe(`${alias}-z`);
      expect(first.headers.get('x-signalbox-route')).toBe('priority; fallback');
      expect(first.headers.get('x-signalbox-attempts')).toBe('2');
      const firstRecord = await recordOf(first);
      expect(firstRecord.attempts.map(shape)).toEqual([
        failed(`${alias}-a`, 0, 'rate-limited', 'SB_ERR_UPSTREAM_RATE_LIMITED', 429),
        served(`${alias}-z`),
      ]);
      expect(firstRecord.attempts.map((attempt) => attempt.delayMs)).toEqual([0, 0]);
      expect(firstRecord.decision?.groups[0]?.candidates.map((c) => c.filteredBy)).toEqual([
        undefined,
        undefined,
      ]);

      const status = await deploymentStatus(`${alias}-a`);
      expect(status.cooling_down_until).not.toBeNull();
      const remainingMs = Date.parse(status.cooling_down_until ?? '') - Date.now();
      expect(remainingMs).toBeGreaterThan(3000);
      expect(remainingMs).toBeLessThanOrEqual(5001);

      const primaryBefore = primary.requests.length;
      const second = await chat(mode, { model: alias, messages: message('') });
      expect(second.status).toBe(200);
      expect(servedText(second, mode)).toBe(fastReply);
      expect(second.headers.get('x-signalbox-deployment')).toBe(`${alias}-z`);
      expect(second.headers.get('x-signalbox-route')).toBe('priority');
      expect(second.headers.get('x-signalbox-attempts')).toBe('1');
      const secondRecord = await recordOf(second);
      const traced = secondRecord.decision?.groups[0];
      expect(
        traced?.candidates.map((candidate) => [
          candidate.id,
          candidate.filteredBy,
          candidate.demotedBy,
        ]),
      ).toEqual([
        [`${alias}-a`, undefined, 'cooling-down'],
        [`${alias}-z`, undefined, undefined],
      ]);
      expect(traced?.order).toEqual([`${alias}-z`, `${alias}-a`]);
      expect(secondRecord.attempts.map(shape)).toEqual([served(`${alias}-z`)]);
      expect(primary.requests.length).toBe(primaryBefore);
    });

    it('a group with nothing else answers 429, and a cooldown never locks its only deployment out', async () => {
      const alias = `alone-${mode}`;
      const first = await chat(mode, {
        model: alias,
        messages: message('!mock:primary status=429 retry_after=5'),
      });
      expect(first.status).toBe(429);
      expect(errorOf(first).code).toBe('SB_ERR_UPSTREAM_RATE_LIMITED');
      expect(first.headers.get('retry-after')).toBe('5');
      expect(attemptErrors(first)).toEqual([[`${alias}-a`, 'rate-limited', '429']]);
      expect((await deploymentStatus(`${alias}-a`)).cooling_down_until).not.toBeNull();

      const primaryBefore = primary.requests.length;
      const second = await chat(mode, { model: alias, messages: message('') });
      expect(second.status).toBe(200);
      expect(second.headers.get('x-signalbox-deployment')).toBe(`${alias}-a`);
      const record = await recordOf(second);
      expect(
        record.decision?.groups[0]?.candidates.map((candidate) => candidate.demotedBy),
      ).toEqual(['cooling-down']);
      expect(primary.requests.length).toBe(primaryBefore + 1);
    });
  });

  it('client-closed: a client leaving during the retry wait stops the plan', async () => {
    const alias = `closing-${mode}`;
    const primaryBefore = primary.requests.length;
    const secondaryBefore = secondary.requests.length;
    const controller = new AbortController();
    const pending = chat(
      mode,
      { model: alias, messages: message('!mock:primary status=429 retry_after=2') },
      { signal: controller.signal },
    ).catch((error: unknown) => error);
    // Once the first attempt has failed (its cooldown is set), the executor waits 2 s to retry.
    await until(async () => (await deploymentStatus(`${alias}-a`)).cooling_down_until !== null);
    controller.abort();
    expect(await pending).toBeInstanceOf(Error);

    const record = await harness.waitForRecord((entry) => entry.requestedModel === alias);
    expect(record).toMatchObject({
      outcome: 'client-closed',
      errorCode: 'SB_ERR_CLIENT_CLOSED',
      stream: mode === 'stream',
    });
    expect(record.attempts.map(shape)).toEqual([
      failed(`${alias}-a`, 0, 'rate-limited', 'SB_ERR_UPSTREAM_RATE_LIMITED', 429),
    ]);
    // The wait was cut short: the record came well before the 2 s Retry-After.
    expect(record.durationMs).toBeLessThan(1500);
    expect(primary.requests.length - primaryBefore).toBe(1);
    expect(secondary.requests.length).toBe(secondaryBefore);
  });

  it("a request's own `models` list is a fallback, removed before the request goes upstream", async () => {
    const primaryBefore = primary.requests.length;
    const secondaryBefore = secondary.requests.length;
    const exchange = await chat(mode, {
      model: `lonely-${mode}`,
      models: [`rescue-${mode}`],
      messages: message('!mock:primary status=500'),
    });

    expect(exchange.status).toBe(200);
    expect(servedText(exchange, mode)).toBe(fastReply);
    expect(exchange.headers.get('x-signalbox-deployment')).toBe(`rescue-${mode}-a`);
    expect(exchange.headers.get('x-signalbox-route')).toBe('priority; fallback');
    expect(exchange.headers.get('x-signalbox-attempts')).toBe('3');

    const record = await recordOf(exchange);
    expect(record.decision?.groups.map((traced) => [traced.alias, traced.via])).toEqual([
      [`lonely-${mode}`, 'request'],
      [`rescue-${mode}`, 'request-fallback'],
    ]);
    expect(record.attempts.map(shape)).toEqual([
      failed(`lonely-${mode}-a`, 0, 'server-error', 'SB_ERR_UPSTREAM_ERROR', 500),
      failed(`lonely-${mode}-a`, 1, 'server-error', 'SB_ERR_UPSTREAM_ERROR', 500),
      served(`rescue-${mode}-a`),
    ]);
    const upstreamBodies = [
      ...bodiesSince(primary, primaryBefore),
      ...bodiesSince(secondary, secondaryBefore),
    ];
    expect(upstreamBodies.map((body) => body.model)).toEqual(['echo', 'echo', 'fast']);
    for (const body of upstreamBodies) {
      expect(body).not.toHaveProperty('models');
      expect(body.messages).toBeDefined();
    }
  });
});

describe("a request's `models` list the key may not use", () => {
  it('is refused with 403 before anything goes upstream', async () => {
    const narrowKey = await harness.createKey({ name: 'narrow', models: ['lonely-plain'] });
    const allowed = await chat(
      'plain',
      { model: 'lonely-plain', messages: message('') },
      {
        key: narrowKey,
      },
    );
    expect(allowed.status).toBe(200);

    const primaryBefore = primary.requests.length;
    const secondaryBefore = secondary.requests.length;
    const refused = await chat(
      'plain',
      { model: 'lonely-plain', models: ['rescue-plain'], messages: message('') },
      { key: narrowKey },
    );
    expect(refused.status).toBe(403);
    expect(errorOf(refused)).toMatchObject({
      code: 'SB_ERR_AUTH_MODEL_NOT_ALLOWED',
      param: 'models[0]',
    });
    expect(primary.requests.length).toBe(primaryBefore);
    expect(secondary.requests.length).toBe(secondaryBefore);
  });
});

describe.each(afterCommitCases)('after the commit point: $title', (entry) => {
  it('relays the content so far, then one in-stream error; one attempt, no fallback', async () => {
    const before = await deploymentStatus(`${entry.slug}-a`);
    expect(before.consecutive_failures).toBe(0);
    const secondaryBefore = secondary.requests.length;
    const exchange = await chat('stream', {
      model: entry.slug,
      messages: message(entry.directive, 'some words to stream here'),
    });

    expect(exchange.status).toBe(200);
    expect(exchange.headers.get('x-signalbox-deployment')).toBe(`${entry.slug}-a`);
    expect(exchange.headers.get('x-signalbox-route')).toBe('priority');
    expect(exchange.headers.get('x-signalbox-attempts')).toBe('1');
    const events = dataEvents(exchange.text);
    expect(events).not.toContain('[DONE]');
    const chunks = events.map((event) => JSON.parse(event) as StreamChunk);
    const last = chunks.at(-1);
    expect(last?.error?.code).toBe(entry.errorCode);
    expect(chunks.filter((chunk) => chunk.error !== undefined)).toHaveLength(1);
    const relayed = chunks
      .slice(0, -1)
      .map((chunk) => chunk.choices?.[0]?.delta?.content ?? '')
      .join('');
    expect(relayed.length).toBeGreaterThan(0);
    expect('some words to stream here'.startsWith(relayed)).toBe(true);

    const record = await recordOf(exchange);
    expect(record).toMatchObject({
      status: 200,
      outcome: 'upstream-error',
      errorCode: entry.errorCode,
      deployment: `${entry.slug}-a`,
    });
    expect(record.attempts.map(shape)).toEqual([served(`${entry.slug}-a`)]);
    expect(secondary.requests.length).toBe(secondaryBefore);

    const after = await deploymentStatus(`${entry.slug}-a`);
    expect(after.consecutive_failures).toBe(1);
    expect(after.error_rate).toBeGreaterThan(0);
  });
});
