import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConsoleRoutes } from '../../src/http/console/console-routes.ts';
import { buildConsole } from '../helpers/build-console.ts';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join as joinPath } from 'node:path';
import {
  startMockProvider,
  type MockProviderServer,
} from '../../src/mock-provider/mock-provider-server.ts';
import { SqliteAuditLogStore } from '../../src/storage/sqlite/audit-log-store.ts';
import { openSqliteDatabase } from '../../src/storage/sqlite/open-sqlite-database.ts';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';

// security.md §1 D1–D5: every secret the gateway holds or is shown, set to a unique canary, must
// stay out of every sink: the process log (at trace level) and its access lines, /metrics, the
// exported OTLP spans, the request log API, the audit records, the state directory, every
// response a client gets (errors included) and the console's files. Upstreams echo the
// credentials they receive in their error bodies and headers, so leaks are possible.

const hex = (bytes: number): string => randomBytes(bytes).toString('hex');
const secrets = {
  adminKey: `admin-canary-${hex(16)}`,
  providerKey: `sk-provider-canary-${hex(12)}`,
  providerHeader: `hdr-canary-${hex(12)}`,
  storedCredential: `sk-stored-canary-${hex(12)}`,
  encryptionKey: randomBytes(32).toString('base64'),
  tracingHeader: `otel-canary-${hex(12)}`,
  clientHeader: `client-hdr-canary-${hex(12)}`,
  bodyAuthorization: `body-auth-canary-${hex(12)}`,
  wrongKey: `sk-sb-${'W'.repeat(12)}${hex(16)}`,
  malformedKey: `not-a-key-canary-${hex(12)}`,
};
/** Secrets minted during the run (virtual keys, their hashes, the console session). */
const minted: string[] = [];

function leaks(text: string): string[] {
  return [...Object.values(secrets), ...minted].filter((secret) => text.includes(secret));
}

// ---------------------------------------------------------------------------------------------
// An upstream that echoes every header it received (credentials included) in its answers.

interface EchoUpstream {
  readonly url: string;
  readonly received: string[];
  readonly server: Server;
}

async function startEchoUpstream(): Promise<EchoUpstream> {
  const received: string[] = [];
  const server = createServer((request, response) => {
    const sent = JSON.stringify(request.headers);
    received.push(sent);
    request.resume();
    request.on('end', () => {
      const mode = /mode-([a-z]+)/.exec(request.url ?? '')?.[1] ?? 'unauthorized';
      const echo = {
        'content-type': 'application/json',
        'x-echo': sent.replace(/[^\x20-\x7e]/g, ''),
      };
      if (mode === 'server') {
        response.writeHead(500, echo);
        response.end(JSON.stringify({ error: { message: `internal: ${sent}`, code: sent } }));
      } else if (mode === 'limited') {
        response.writeHead(429, { ...echo, 'retry-after': '1' });
        response.end(JSON.stringify({ error: { message: `slow down ${sent}`, type: sent } }));
      } else if (mode === 'broken') {
        response.writeHead(200, echo);
        response.end(`{"not json ${sent}`);
      } else {
        response.writeHead(401, echo);
        response.end(JSON.stringify({ error: { message: `bad key ${sent}` } }));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, received, server };
}

// A minimal OTLP/HTTP collector keeping the raw export bodies and headers.
interface Collector {
  readonly url: string;
  readonly bodies: string[];
  readonly headers: IncomingHttpHeaders[];
  readonly server: Server;
}

async function startCollector(): Promise<Collector> {
  const bodies: string[] = [];
  const headers: IncomingHttpHeaders[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      bodies.push(Buffer.concat(chunks).toString('utf8'));
      headers.push(request.headers);
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/v1/traces`, bodies, headers, server };
}

// ---------------------------------------------------------------------------------------------

let mock: MockProviderServer;
let storedMock: MockProviderServer;
let echo: EchoUpstream;
let collector: Collector;
let harness: TestGateway;

/** Everything a client got back (status, headers, body), except the one-time key and session mints. */
const clientSaw: string[] = [];
const requestIds: string[] = [];
let metricsText = '';
let requestLogApi = '';
let auditText = '';
let consoleText = '';
let stateText = '';
let spansText = '';

function config(withStored: boolean): string {
  const stored = withStored
    ? `
  - id: stored
    type: openai-compatible
    base_url: "${storedMock.baseUrl}"
    api_key: \${credential:upstream-key}
    models: [echo]`
    : '';
  const failing = ['unauthorized', 'server', 'limited', 'broken']
    .map(
      (mode) => `
  - id: echo-${mode}
    type: openai-compatible
    base_url: ${echo.url}/mode-${mode}/v1
    api_key: \${env:PROVIDER_CANARY}
    headers: { X-Custom-Token: "\${env:HEADER_CANARY}" }
    models: [gpt]
  - id: anthropic-${mode}
    type: anthropic
    base_url: ${echo.url}/mode-${mode}/v1
    api_key: \${env:PROVIDER_CANARY}
    models: [claude]`,
    )
    .join('');
  return `
log: { level: trace, requests: true }
tracing:
  otlp_endpoint: ${collector.url}
  headers: { authorization: "\${env:OTEL_CANARY}" }
routing:
  retries: { max_retries: 0 }
providers:
  - id: good
    type: openai-compatible
    base_url: "${mock.baseUrl}"
    api_key: \${env:PROVIDER_CANARY}
    headers: { X-Custom-Token: "\${env:HEADER_CANARY}" }
    models: [echo, embed]${stored}${failing}
models:
  - alias: limited
    targets: [{ provider: good, model: echo }]
  - alias: everything-fails
    targets:
      - { provider: echo-server, model: gpt }
      - { provider: echo-unauthorized, model: gpt }
limits:
  - { scope: model, match: limited, rpm: 1 }
`;
}

async function call(
  method: string,
  path: string,
  options: { key?: string; body?: unknown; headers?: Record<string, string>; mint?: boolean } = {},
): Promise<{ status: number; text: string; headers: Headers }> {
  const response = await fetch(harness.url + path, {
    method,
    headers: {
      ...(options.key === undefined ? {} : { authorization: `Bearer ${options.key}` }),
      'content-type': 'application/json',
      ...options.headers,
    },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  const text = await response.text();
  const requestId = response.headers.get('x-signalbox-request-id');
  if (requestId !== null) requestIds.push(requestId);
  if (options.mint !== true) {
    clientSaw.push(`${response.status} ${JSON.stringify([...response.headers])} ${text}`);
  }
  return { status: response.status, text, headers: response.headers };
}

function filesUnder(directory: string): string[] {
  return readdirSync(directory).flatMap((name) => {
    const path = join(directory, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

const chatBody = (model: string, stream = false) => ({
  model,
  stream,
  messages: [{ role: 'user', content: 'hello' }],
  metadata: { nested: { authorization: secrets.bodyAuthorization } },
});

// The console is built here: the suite runs before `npm run build` in CI.
const consoleDirectory = joinPath(mkdtempSync(joinPath(tmpdir(), 'signalbox-console-')), 'ui');

beforeAll(async () => {
  await buildConsole(consoleDirectory);
  mock = await startMockProvider({ apiKey: secrets.providerKey });
  storedMock = await startMockProvider({ apiKey: secrets.storedCredential, name: 'stored' });
  echo = await startEchoUpstream();
  collector = await startCollector();
  harness = await startTestGateway({
    consoleDirectory,
    config: config(false),
    environment: {
      SIGNALBOX_ADMIN_KEY: secrets.adminKey,
      SIGNALBOX_ENCRYPTION_KEY: secrets.encryptionKey,
      PROVIDER_CANARY: secrets.providerKey,
      HEADER_CANARY: secrets.providerHeader,
      OTEL_CANARY: secrets.tracingHeader,
    },
  });
  const admin = secrets.adminKey;

  // A stored credential, then a provider that uses it (a reload resolves it).
  expect(
    (
      await call('POST', '/admin/credentials', {
        key: admin,
        body: { name: 'upstream-key', value: secrets.storedCredential },
      })
    ).status,
  ).toBe(201);
  writeFileSync(harness.configPath ?? '', config(true));
  expect(await harness.gateway.reload()).toMatchObject({ ok: true });

  // Virtual keys: created, read, updated, revoked. Only the creation answer shows the key.
  const keys: { id: string; key: string }[] = [];
  for (const name of ['app', 'doomed']) {
    const created = await call('POST', '/admin/keys', { key: admin, body: { name }, mint: true });
    expect(created.status).toBe(201);
    const view = JSON.parse(created.text) as { id: string; key: string };
    keys.push(view);
    minted.push(view.key, view.key.slice(18), createHash('sha256').update(view.key).digest('hex'));
  }
  const [app, doomed] = keys as [{ id: string; key: string }, { id: string; key: string }];
  await call('GET', `/admin/keys/${app.id}`, { key: admin });
  await call('PATCH', `/admin/keys/${doomed.id}`, { key: admin, body: { name: 'renamed' } });
  await call('DELETE', `/admin/keys/${doomed.id}`, { key: admin });
  await call('GET', '/admin/keys', { key: admin });

  // A console session: the cookie is shown once, then used.
  const session = await call('POST', '/admin/session', { body: { key: admin }, mint: true });
  expect(session.status).toBe(200);
  const cookie = /signalbox_session=([^;]+)/.exec(session.headers.get('set-cookie') ?? '')?.[1];
  if (cookie === undefined) throw new Error('no session cookie');
  minted.push(cookie);
  await call('GET', '/admin/session', { headers: { cookie: `signalbox_session=${cookie}` } });

  // Successful model requests, plain and streamed, with secrets in client headers and body.
  const clientHeaders = {
    cookie: `session=${secrets.clientHeader}`,
    'proxy-authorization': `Basic ${secrets.clientHeader}`,
    'x-custom-secret': secrets.clientHeader,
  };
  for (const model of ['good/echo', 'stored/echo']) {
    for (const stream of [false, true]) {
      const answer = await call('POST', '/v1/chat/completions', {
        key: app.key,
        body: chatBody(model, stream),
        headers: clientHeaders,
      });
      expect(answer.status, `${model} ${String(stream)}`).toBe(200);
    }
  }
  expect(
    (
      await call('POST', '/v1/embeddings', {
        key: app.key,
        body: { model: 'good/embed', input: 'x' },
      })
    ).status,
  ).toBe(200);

  // Failing model requests: upstream 401/500/429/broken JSON echoing the credentials back.
  for (const mode of ['unauthorized', 'server', 'limited', 'broken']) {
    for (const stream of [false, true]) {
      const failed = await call('POST', '/v1/chat/completions', {
        key: app.key,
        body: chatBody(`echo-${mode}/gpt`, stream),
      });
      expect(failed.status, mode).toBeGreaterThanOrEqual(400);
    }
    await call('POST', '/v1/messages', {
      key: app.key,
      headers: { 'anthropic-version': '2023-06-01' },
      body: {
        model: `anthropic-${mode}/claude`,
        max_tokens: 8,
        messages: [{ role: 'user', content: 'hi' }],
      },
    });
  }
  await call('POST', '/v1/chat/completions', { key: app.key, body: chatBody('everything-fails') });
  // The gateway's own refusals: rate limit (429), unknown model, invalid body, bad keys.
  await call('POST', '/v1/chat/completions', { key: app.key, body: chatBody('limited') });
  const limited = await call('POST', '/v1/chat/completions', {
    key: app.key,
    body: chatBody('limited'),
  });
  expect(limited.status).toBe(429);
  await call('POST', '/v1/chat/completions', { key: app.key, body: chatBody('no-such/model') });
  await call('POST', '/v1/chat/completions', { key: app.key, body: { model: 1 } });
  await call('POST', '/v1/chat/completions', { key: doomed.key, body: chatBody('good/echo') });
  await call('POST', '/v1/chat/completions', {
    key: secrets.wrongKey,
    body: chatBody('good/echo'),
  });
  await call('GET', '/v1/models', { key: secrets.malformedKey });
  await call('GET', '/admin/keys', { key: app.key });
  await call('GET', '/admin/deployments', { key: admin });
  await call('POST', '/v1/route', { key: app.key, body: chatBody('good/echo') });

  // The sinks that are read through the API.
  metricsText = (await call('GET', '/metrics', { key: admin })).text;
  for (let attempt = 0; attempt < 100; attempt += 1) {
    requestLogApi = (await call('GET', '/admin/requests?limit=200', { key: admin })).text;
    const listed = (JSON.parse(requestLogApi) as { data: unknown[] }).data.length;
    if (listed >= 30) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  for (const id of requestIds.slice(0, 60)) {
    requestLogApi += (await call('GET', `/admin/requests/${id}`, { key: admin })).text;
  }
  requestLogApi += (await call('GET', '/admin/requests/stats', { key: admin })).text;
  for (const route of await loadConsoleRoutes(consoleDirectory)) {
    consoleText += (await call('GET', route.path)).text;
  }

  await harness.gateway.close();
  const store = new SqliteAuditLogStore(openSqliteDatabase(harness.stateDir));
  auditText = JSON.stringify(await store.read(0, 10_000));
  stateText = filesUnder(harness.stateDir)
    .map((file) => readFileSync(file).toString('latin1'))
    .join('\n');
  spansText = collector.bodies.join('\n');
}, 60_000);

afterAll(async () => {
  await harness.close();
  await mock.close();
  await storedMock.close();
  await new Promise((resolve) => echo.server.close(resolve));
  await new Promise((resolve) => collector.server.close(resolve));
}, 120_000);

describe('canary secrets in every sink', () => {
  it('were really sent where they belong (so a leak was possible)', () => {
    const upstreamSaw = echo.received.join('\n');
    expect(upstreamSaw).toContain(secrets.providerKey);
    expect(upstreamSaw).toContain(secrets.providerHeader);
    expect(
      storedMock.requests.some(
        (request) => request.headers.authorization === `Bearer ${secrets.storedCredential}`,
      ),
    ).toBe(true);
    expect(
      collector.headers.some((headers) => headers.authorization === secrets.tracingHeader),
    ).toBe(true);
    expect(mock.requests.some((request) => request.body.includes(secrets.bodyAuthorization))).toBe(
      true,
    );
    expect(minted.length).toBe(7);
  });

  it('stay out of the process log at trace level, access lines included', () => {
    const log = harness.logLines.join('\n');
    // Run at `trace` (D2); Signalbox has no debug-only log statements, so this is the most it says.
    expect(
      harness.logLines.filter((line) => line.includes('/v1/chat/completions')).length,
    ).toBeGreaterThan(10);
    expect(leaks(log)).toEqual([]);
  });

  it('stay out of /metrics', () => {
    expect(metricsText).toContain('signalbox_');
    expect(leaks(metricsText)).toEqual([]);
  });

  it('stay out of the exported OTLP spans', () => {
    expect(spansText).toContain('/v1/chat/completions');
    expect(leaks(spansText)).toEqual([]);
  });

  it('stay out of the request log API', () => {
    expect(requestLogApi).toContain('SB_ERR_');
    expect(leaks(requestLogApi)).toEqual([]);
  });

  it('stay out of the audit records (key events reference key ids only)', () => {
    expect(auditText).toContain('admin.action');
    expect(auditText).toContain('auth.failures');
    expect(leaks(auditText)).toEqual([]);
  });

  it('stay out of the state directory, except as ciphertext or hashes', () => {
    expect(stateText.length).toBeGreaterThan(0);
    expect(leaks(stateText)).toEqual([]);
  });

  it('stay out of every response and error body a client got', () => {
    expect(clientSaw.length).toBeGreaterThan(40);
    expect(clientSaw.join('\n')).toContain('SB_ERR_RATE_LIMITED');
    expect(leaks(clientSaw.join('\n'))).toEqual([]);
  });

  it('stay out of the console static files', () => {
    expect(consoleText).toContain('<html');
    expect(leaks(consoleText)).toEqual([]);
  });
});
