import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startMockProvider,
  type MockProviderServer,
  type RecordedRequest,
} from '../../src/mock-provider/mock-provider-server.ts';
import type { RequestRecord } from '../../src/observability/request-record.ts';
import { startTestGateway, testAdminKey, type TestGateway } from '../helpers/test-gateway.ts';

// ---------------------------------------------------------------------------------------------
// A minimal OTLP/HTTP collector: accepts POST /v1/traces with JSON bodies and keeps the spans.

interface OtlpValue {
  readonly stringValue?: string;
  readonly intValue?: string | number;
  readonly doubleValue?: number;
  readonly boolValue?: boolean;
  readonly arrayValue?: { readonly values?: readonly OtlpValue[] };
}

interface OtlpSpan {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId?: string;
  readonly traceState?: string;
  readonly name: string;
  readonly kind: number;
  readonly attributes?: readonly { readonly key: string; readonly value: OtlpValue }[];
  readonly status?: { readonly code?: number };
}

interface OtlpExport {
  readonly resourceSpans: readonly {
    readonly resource?: { readonly attributes?: OtlpSpan['attributes'] };
    readonly scopeSpans: readonly { readonly spans: readonly OtlpSpan[] }[];
  }[];
}

interface Collector {
  readonly url: string;
  readonly exports: { headers: IncomingHttpHeaders; body: OtlpExport }[];
  readonly paths: string[];
  close(): Promise<void>;
}

async function startCollector(): Promise<Collector> {
  const exports: Collector['exports'] = [];
  const paths: string[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      paths.push(`${request.method ?? ''} ${request.url ?? ''}`);
      if (request.method === 'POST' && request.url === '/v1/traces') {
        exports.push({
          headers: request.headers,
          body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as OtlpExport,
        });
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end('{}');
      } else {
        response.writeHead(404);
        response.end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1/traces`,
    exports,
    paths,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function allSpans(collector: Collector): OtlpSpan[] {
  return collector.exports.flatMap((entry) =>
    entry.body.resourceSpans.flatMap((resource) =>
      resource.scopeSpans.flatMap((scope) => scope.spans),
    ),
  );
}

function plain(value: OtlpValue): unknown {
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.intValue !== undefined) return Number(value.intValue);
  if (value.doubleValue !== undefined) return value.doubleValue;
  if (value.boolValue !== undefined) return value.boolValue;
  if (value.arrayValue !== undefined) return (value.arrayValue.values ?? []).map(plain);
  return undefined;
}

function attributes(span: OtlpSpan): Record<string, unknown> {
  return Object.fromEntries(
    (span.attributes ?? []).map((entry) => [entry.key, plain(entry.value)]),
  );
}

/** OTLP span kinds (opentelemetry-proto trace.proto). */
const serverKind = 2;
const clientKind = 3;
const errorStatus = 2;

// ---------------------------------------------------------------------------------------------

const clientTraceId = '4bf92f3577b34da6a3ce929d0e0e4736';
const clientSpanId = '00f067aa0ba902b7';
const otelToken = 'Bearer canary-otel-token-7f3a';

let collector: Collector;
let primary: MockProviderServer;
let secondary: MockProviderServer;
let harness: TestGateway;
let spans: OtlpSpan[];

interface Sent {
  requestId: string;
  record: RequestRecord;
  usage: { prompt_tokens: number; completion_tokens: number };
  /** What each mock received for this request, in order. */
  upstream: RecordedRequest[];
}
const sent: Record<'plain' | 'stream' | 'fallback', Sent | undefined> = {
  plain: undefined,
  stream: undefined,
  fallback: undefined,
};

function chatRequests(mock: MockProviderServer): RecordedRequest[] {
  return mock.requests.filter((request) => request.path === '/v1/chat/completions');
}

async function send(
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<{ requestId: string; text: string; status: number }> {
  const key = await appKey;
  const response = await fetch(`${harness.baseUrl}/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return {
    requestId: response.headers.get('x-signalbox-request-id') ?? '',
    text: await response.text(),
    status: response.status,
  };
}

let appKey: Promise<string>;

/** Runs one request and collects what the mocks received for it. */
async function run(
  name: keyof typeof sent,
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<void> {
  const before = [chatRequests(primary).length, chatRequests(secondary).length] as const;
  const result = await send(body, headers);
  expect(result.status).toBe(200);
  const record = await harness.waitForRecord((entry) => entry.requestId === result.requestId);
  let usage: Sent['usage'];
  if (body.stream === true) {
    const events = result.text
      .split('\n\n')
      .filter((block) => block.startsWith('data: ') && block !== 'data: [DONE]')
      .map((block) => JSON.parse(block.slice(6)) as { usage?: Sent['usage'] | null });
    const last = events.findLast((event) => event.usage !== undefined && event.usage !== null);
    if (last?.usage === undefined || last.usage === null) throw new Error('no usage in the stream');
    usage = last.usage;
  } else {
    usage = (JSON.parse(result.text) as { usage: Sent['usage'] }).usage;
  }
  sent[name] = {
    requestId: result.requestId,
    record,
    usage,
    upstream: [
      ...chatRequests(primary).slice(before[0]),
      ...chatRequests(secondary).slice(before[1]),
    ],
  };
}

beforeAll(async () => {
  collector = await startCollector();
  primary = await startMockProvider({ name: 'primary' });
  secondary = await startMockProvider({ name: 'secondary' });
  harness = await startTestGateway({
    environment: { OTEL_TEST_TOKEN: otelToken },
    config: `
tracing:
  otlp_endpoint: ${collector.url}
  headers: { authorization: "\${env:OTEL_TEST_TOKEN}", x-scope-orgid: tenant-1 }
  service_name: signalbox-test
routing:
  retries: { max_retries: 0 }
  breaker: { min_requests: 100000 }
  cooldown_ms: 0
providers:
  - { id: primary, type: openai-compatible, base_url: "${primary.baseUrl}", models: [echo] }
  - { id: secondary, type: openai-compatible, base_url: "${secondary.baseUrl}", models: [fast] }
models:
  - alias: resilient
    targets:
      - { provider: primary, model: echo }
      - { provider: secondary, model: fast }
`,
  });
  appKey = harness.createKey();
  await run(
    'plain',
    {
      model: 'resilient',
      max_tokens: 50,
      temperature: 0.25,
      messages: [{ role: 'user', content: 'a secret prompt that must not be traced' }],
    },
    {
      traceparent: `00-${clientTraceId}-${clientSpanId}-01`,
      tracestate: 'vendor=opaque',
    },
  );
  await run('stream', {
    model: 'resilient',
    stream: true,
    stream_options: { include_usage: true },
    messages: [{ role: 'user', content: 'stream a few words please' }],
  });
  await run('fallback', {
    model: 'resilient',
    messages: [{ role: 'user', content: '!mock:primary status=500\nfall back please' }],
  });
  // Closing flushes the batch processor: every span has reached the collector afterwards.
  await harness.close();
  spans = allSpans(collector);
});

afterAll(async () => {
  await primary.close();
  await secondary.close();
  await collector.close();
});

function requestSpan(name: keyof typeof sent): OtlpSpan {
  const requestId = sent[name]?.requestId;
  const found = spans.find(
    (span) => span.kind === serverKind && attributes(span)['signalbox.request_id'] === requestId,
  );
  if (found === undefined) throw new Error(`no request span for ${name}`);
  return found;
}

function attemptSpans(parent: OtlpSpan): OtlpSpan[] {
  return spans
    .filter((span) => span.kind === clientKind && span.parentSpanId === parent.spanId)
    .sort(
      (first, second) =>
        Number(attributes(first)['signalbox.attempt']) -
        Number(attributes(second)['signalbox.attempt']),
    );
}

describe('tracing over OTLP/HTTP', () => {
  it('exports JSON to the configured endpoint with the configured headers and service name', () => {
    expect(collector.exports.length).toBeGreaterThan(0);
    expect(collector.paths.every((path) => path === 'POST /v1/traces')).toBe(true);
    const first = collector.exports[0];
    expect(first?.headers['content-type']).toContain('application/json');
    expect(first?.headers.authorization).toBe(otelToken);
    expect(first?.headers['x-scope-orgid']).toBe('tenant-1');
    const resource = first?.body.resourceSpans[0]?.resource;
    expect(attributes({ attributes: resource?.attributes } as OtlpSpan)['service.name']).toBe(
      'signalbox-test',
    );
  });

  it("continues the client's trace: same trace id, the client's span as parent", () => {
    const span = requestSpan('plain');
    expect(span.traceId).toBe(clientTraceId);
    expect(span.parentSpanId).toBe(clientSpanId);
    expect(span.traceState).toBe('vendor=opaque');
  });

  it('names the request span after the operation and model, with the GenAI attributes', () => {
    const plain = sent.plain;
    const span = requestSpan('plain');
    expect(span.name).toBe('chat resilient');
    expect(attributes(span)).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.request.model': 'resilient',
      'gen_ai.request.max_tokens': 50,
      'gen_ai.request.temperature': 0.25,
      'gen_ai.response.model': 'echo',
      'gen_ai.usage.input_tokens': plain?.usage.prompt_tokens,
      'gen_ai.usage.output_tokens': plain?.usage.completion_tokens,
      'http.request.method': 'POST',
      'http.route': '/v1/chat/completions',
      'http.response.status_code': 200,
      'signalbox.request_id': plain?.requestId,
      'signalbox.deployment': plain?.record.deployment,
      'signalbox.route_reason': plain?.record.routeReason,
    });
    expect(attributes(span)['error.type']).toBeUndefined();
    if (plain?.record.costUsd !== undefined) {
      expect(attributes(span)['signalbox.cost_usd']).toBe(plain.record.costUsd);
    }
  });

  it('makes one client span per attempt and sends its context upstream as traceparent', () => {
    const span = requestSpan('plain');
    const [attempt, ...others] = attemptSpans(span);
    expect(others).toEqual([]);
    expect(attempt?.traceId).toBe(clientTraceId);
    expect(attempt?.name).toBe('chat echo');
    expect(attributes(attempt ?? span)).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai-compatible',
      'gen_ai.request.model': 'echo',
      'gen_ai.response.model': 'echo',
      'gen_ai.usage.input_tokens': sent.plain?.usage.prompt_tokens,
      'gen_ai.usage.output_tokens': sent.plain?.usage.completion_tokens,
      'server.address': '127.0.0.1',
      'server.port': primary.port,
      'signalbox.deployment': sent.plain?.record.deployment,
      'signalbox.attempt': 1,
    });
    const upstream = sent.plain?.upstream ?? [];
    expect(upstream).toHaveLength(1);
    // The gateway's own context, never the client's header forwarded as it came.
    expect(upstream[0]?.headers.traceparent).toBe(`00-${clientTraceId}-${attempt?.spanId}-01`);
    expect(upstream[0]?.headers.tracestate).toBeUndefined();
  });

  it('traces a stream to its end, with the usage of the whole stream', () => {
    const span = requestSpan('stream');
    // No client traceparent: a new trace, with the request span as its root.
    expect(span.traceId).not.toBe(clientTraceId);
    expect(span.parentSpanId ?? '').toBe('');
    expect(sent.stream?.record.finishReasons).toEqual(['stop']);
    expect(attributes(span)).toMatchObject({
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': sent.stream?.usage.prompt_tokens,
      'gen_ai.usage.output_tokens': sent.stream?.usage.completion_tokens,
      'http.response.status_code': 200,
    });
    const attempts = attemptSpans(span);
    expect(attempts).toHaveLength(1);
    expect(attributes(attempts[0] ?? span)['gen_ai.usage.output_tokens']).toBe(
      sent.stream?.usage.completion_tokens,
    );
    expect(sent.stream?.upstream[0]?.headers.traceparent).toBe(
      `00-${span.traceId}-${attempts[0]?.spanId}-01`,
    );
  });

  it('marks the failed attempt with its error type and the fallback as served', () => {
    const fallback = sent.fallback;
    const span = requestSpan('fallback');
    const attempts = attemptSpans(span);
    expect(attempts).toHaveLength(2);
    const [failed, served] = attempts;
    const failedCode = fallback?.record.attempts[0]?.errorCode;
    expect(failedCode).toMatch(/^SB_ERR_UPSTREAM_/);
    expect(attributes(failed ?? span)).toMatchObject({
      'gen_ai.request.model': 'echo',
      'error.type': failedCode,
      'http.response.status_code': 500,
      'signalbox.attempt': 1,
    });
    expect(failed?.status?.code).toBe(errorStatus);
    expect(attributes(served ?? span)).toMatchObject({
      'gen_ai.request.model': 'fast',
      'gen_ai.response.model': 'fast',
      'server.port': secondary.port,
      'signalbox.attempt': 2,
    });
    expect(attributes(served ?? span)['error.type']).toBeUndefined();
    expect(attributes(span)['gen_ai.response.model']).toBe('fast');
    expect(attributes(span)['error.type']).toBeUndefined();
    // Each mock saw the traceparent of its own attempt.
    expect(fallback?.upstream.map((request) => request.headers.traceparent)).toEqual([
      `00-${span.traceId}-${failed?.spanId}-01`,
      `00-${span.traceId}-${served?.spanId}-01`,
    ]);
  });

  it('puts no prompt, answer or key on any span', async () => {
    const text = JSON.stringify(collector.exports.map((entry) => entry.body));
    expect(text).toContain('signalbox.request_id');
    expect(text).not.toContain('a secret prompt');
    expect(text).not.toContain('Hello from Signalbox');
    expect(text).not.toContain('canary-otel-token');
    expect(text).not.toContain(await appKey);
    expect(text).not.toContain(testAdminKey);
  });

  it('adds the trace id to the access log line', () => {
    const line = harness.logLines.find((entry) => entry.includes(sent.plain?.requestId ?? '-'));
    expect(line).toContain(`"traceId":"${clientTraceId}"`);
    expect(sent.plain?.record.traceId).toBe(clientTraceId);
  });
});

describe('without tracing configured', () => {
  it('makes no span, adds no traceparent upstream and forwards none from the client', async () => {
    const mock = await startMockProvider({ name: 'untraced' });
    const untraced = await startTestGateway({
      config: `
providers:
  - { id: untraced, type: openai-compatible, base_url: "${mock.baseUrl}", models: [echo] }
`,
    });
    try {
      const key = await untraced.createKey();
      const response = await fetch(`${untraced.baseUrl}/chat/completions`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${key}`,
          'content-type': 'application/json',
          traceparent: `00-${clientTraceId}-${clientSpanId}-01`,
        },
        body: JSON.stringify({
          model: 'untraced/echo',
          messages: [{ role: 'user', content: 'hi' }],
        }),
      });
      expect(response.status).toBe(200);
      const requestId = response.headers.get('x-signalbox-request-id') ?? '';
      const record = await untraced.waitForRecord((entry) => entry.requestId === requestId);
      expect(record.traceId).toBeUndefined();
      const upstream = chatRequests(mock);
      expect(upstream).toHaveLength(1);
      expect(upstream[0]?.headers.traceparent).toBeUndefined();
      const line = untraced.logLines.find((entry) => entry.includes(requestId));
      expect(line).toBeDefined();
      expect(line).not.toContain('traceId');
    } finally {
      await untraced.close();
      await mock.close();
    }
  });
});

describe('sampling', () => {
  it("records no new trace at sample_ratio 0 but follows a client's sampled traceparent", async () => {
    const sampledCollector = await startCollector();
    const mock = await startMockProvider({ name: 'sampled' });
    const gateway = await startTestGateway({
      config: `
tracing: { otlp_endpoint: "${sampledCollector.url}", sample_ratio: 0 }
providers:
  - { id: sampled, type: openai-compatible, base_url: "${mock.baseUrl}", models: [echo] }
`,
    });
    try {
      const key = await gateway.createKey();
      const ask = async (headers: Record<string, string>): Promise<string> => {
        const response = await fetch(`${gateway.baseUrl}/chat/completions`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${key}`,
            'content-type': 'application/json',
            ...headers,
          },
          body: JSON.stringify({
            model: 'sampled/echo',
            messages: [{ role: 'user', content: 'hi' }],
          }),
        });
        expect(response.status).toBe(200);
        await response.text();
        return response.headers.get('x-signalbox-request-id') ?? '';
      };
      const unsampled = await ask({});
      const followed = await ask({ traceparent: `00-${clientTraceId}-${clientSpanId}-01` });
      const records = await Promise.all(
        [unsampled, followed].map((id) => gateway.waitForRecord((entry) => entry.requestId === id)),
      );
      expect(records.map((record) => record.traceId)).toEqual([undefined, clientTraceId]);
      const [first, second] = chatRequests(mock);
      // The unsampled trace still travels upstream, marked as not sampled.
      expect(first?.headers.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-00$/);
      expect(second?.headers.traceparent).toMatch(
        new RegExp(`^00-${clientTraceId}-[0-9a-f]{16}-01$`),
      );
      await gateway.close();
      const exported = allSpans(sampledCollector);
      expect(exported.length).toBe(2);
      expect(exported.every((span) => span.traceId === clientTraceId)).toBe(true);
    } finally {
      await gateway.close();
      await mock.close();
      await sampledCollector.close();
    }
  });
});
