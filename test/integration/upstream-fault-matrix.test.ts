import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startMockProvider,
  type MockProviderServer,
} from '../../src/mock-provider/mock-provider-server.ts';
import {
  callIngress,
  expectSaneUsage,
  ingresses,
  onlyRecord,
  type Outcome,
} from '../helpers/fault-matrix-client.ts';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';

// The upstream fault matrix, part 1: faults the mock provider scripts (`!mock` directives), for
// the three ingress dialects, streamed and not, with a lone deployment (`solo`) and with a
// fallback (`duo`: primary, then backup). Network faults: upstream-network-faults.test.ts;
// malformed bytes and absurd usage: upstream-malformed-responses.test.ts; 429 and Retry-After:
// upstream-rate-limits.test.ts.

let primary: MockProviderServer;
let backup: MockProviderServer;
let harness: TestGateway;
let appKey: string;
// Counts requests that reach it: a redirect target that must never be called.
let canary: Server;
let canaryHits = 0;

beforeAll(async () => {
  primary = await startMockProvider({ name: 'primary' });
  backup = await startMockProvider({ name: 'backup' });
  canary = createServer((_request, response) => {
    canaryHits += 1;
    response.end('{}');
  });
  await new Promise<void>((resolve) => canary.listen(0, '127.0.0.1', resolve));
  harness = await startTestGateway({
    // Faults under test, not routing policy: no retries, no breaker, no cooldown (429 has its own file).
    config: `
routing:
  retries: { max_retries: 0 }
  breaker: { min_requests: 100000 }
  cooldown_ms: 0
providers:
  - id: primary
    type: openai-compatible
    base_url: ${primary.baseUrl}
    models: [echo]
    timeouts: { connect_ms: 300, first_byte_ms: 1500, idle_ms: 1000, total_ms: 6000 }
  - { id: backup, type: openai-compatible, base_url: "${backup.baseUrl}", models: [fast] }
models:
  - alias: solo
    targets: [{ provider: primary, model: echo }]
  - alias: duo
    targets:
      - { provider: primary, model: echo }
      - { provider: backup, model: fast }
`,
  });
  appKey = await harness.createKey();
});

afterAll(async () => {
  await harness.close();
  await primary.close();
  await backup.close();
  await new Promise((resolve) => canary.close(resolve));
});

interface Failure {
  readonly status: number;
  readonly code: string;
}

/** A fault before anything reached the client: the answer for `solo`, and for `duo` a fallback or not. */
interface PreCommitRow {
  readonly fault: string;
  readonly directive: string;
  readonly modes: readonly ('json' | 'stream')[];
  readonly solo: Failure;
  /** `fallback`: duo answers 200 from backup; otherwise duo fails like solo. */
  readonly duo: 'fallback' | 'same';
}

const both = ['json', 'stream'] as const;
const preCommitRows: readonly PreCommitRow[] = [
  {
    fault: 'HTTP 500',
    directive: 'status=500',
    modes: both,
    solo: { status: 502, code: 'SB_ERR_UPSTREAM_ERROR' },
    duo: 'fallback',
  },
  {
    fault: 'HTTP 502',
    directive: 'status=502',
    modes: both,
    solo: { status: 502, code: 'SB_ERR_UPSTREAM_ERROR' },
    duo: 'fallback',
  },
  {
    fault: 'HTTP 503',
    directive: 'status=503',
    modes: both,
    solo: { status: 503, code: 'SB_ERR_UPSTREAM_OVERLOADED' },
    duo: 'fallback',
  },
  {
    fault: 'HTTP 529 (overloaded)',
    directive: 'status=529',
    modes: both,
    solo: { status: 503, code: 'SB_ERR_UPSTREAM_OVERLOADED' },
    duo: 'fallback',
  },
  {
    fault: 'a first byte later than first_byte_ms',
    directive: 'delay_ms=2500',
    modes: both,
    solo: { status: 504, code: 'SB_ERR_UPSTREAM_TIMEOUT' },
    duo: 'fallback',
  },
  {
    fault: 'a context-length 400',
    directive: 'refuse=context-length',
    modes: both,
    solo: { status: 400, code: 'SB_ERR_UPSTREAM_CONTEXT_LENGTH' },
    duo: 'fallback',
  },
  {
    fault: 'a content-policy 400',
    directive: 'refuse=content-policy',
    modes: both,
    solo: { status: 400, code: 'SB_ERR_UPSTREAM_CONTENT_POLICY' },
    duo: 'same',
  },
  {
    fault: 'a plain 400',
    directive: 'status=400',
    modes: both,
    solo: { status: 400, code: 'SB_ERR_UPSTREAM_REJECTED_REQUEST' },
    duo: 'same',
  },
  {
    fault: 'a text/html 200 body',
    directive: 'malformed=html',
    modes: ['json'],
    solo: { status: 502, code: 'SB_ERR_UPSTREAM_INVALID_RESPONSE' },
    duo: 'fallback',
  },
  {
    fault: 'JSON where SSE was asked',
    directive: 'malformed=json-for-stream',
    modes: ['stream'],
    solo: { status: 502, code: 'SB_ERR_UPSTREAM_INVALID_RESPONSE' },
    duo: 'fallback',
  },
  {
    fault: 'a disconnect right after the headers',
    directive: 'disconnect_after=0',
    modes: ['stream'],
    solo: { status: 502, code: 'SB_ERR_UPSTREAM_CONNECTION' },
    duo: 'fallback',
  },
  {
    // The first chunk carries only the role: nothing the client could use had been sent yet.
    fault: 'a disconnect after the role chunk, before any content',
    directive: 'disconnect_after=1',
    modes: ['stream'],
    solo: { status: 502, code: 'SB_ERR_UPSTREAM_CONNECTION' },
    duo: 'fallback',
  },
  {
    fault: 'a disconnect half-way through a JSON body',
    directive: 'disconnect_after=3',
    modes: ['json'],
    solo: { status: 502, code: 'SB_ERR_UPSTREAM_CONNECTION' },
    duo: 'fallback',
  },
];

const cases = preCommitRows.flatMap((row) =>
  ingresses.flatMap((ingress) =>
    row.modes.flatMap((mode) =>
      (['solo', 'duo'] as const).map((model) => ({ row, ingress, mode, model })),
    ),
  ),
);

describe('faults before the first byte', () => {
  it.each(
    cases.map((entry) => [
      `${entry.row.fault} → ${entry.ingress.name} ${entry.mode} ${entry.model}`,
      entry,
    ]),
  )('%s', async (_name, { row, ingress, mode, model }) => {
    const outcome = await callIngress(harness, appKey, ingress, {
      model,
      stream: mode === 'stream',
      content: `!mock:primary ${row.directive}\nfault matrix words`,
    });
    const record = await onlyRecord(harness, outcome.requestId);
    if (model === 'duo' && row.duo === 'fallback') {
      expect(outcome.status).toBe(200);
      expect(outcome.headers.get('x-signalbox-provider')).toBe('backup');
      expect(outcome.text).toContain('Hello from Signalbox.'.split(' ')[0]);
      if (mode === 'stream') expect(outcome.completed).toBe(true);
      expect(record).toMatchObject({ outcome: 'completed', provider: 'backup', status: 200 });
      expect(record.attempts.map((attempt) => attempt.provider)).toEqual(['primary', 'backup']);
      expect(record.attempts[0]?.errorCode).toBe(row.solo.code);
      expectSaneUsage(record);
      return;
    }
    expect({ status: outcome.status, code: outcome.errorCode }).toEqual(row.solo);
    expect(outcome.text).not.toContain('Upstream secret detail');
    expect(record).toMatchObject({
      outcome: 'upstream-error',
      status: row.solo.status,
      errorCode: row.solo.code,
    });
    // Not retried on the same deployment, and no fallback when the class forbids it.
    expect(record.attempts).toHaveLength(1);
  });
});

describe('slow first byte within the timeout', () => {
  it.each(
    ingresses.flatMap((ingress) => both.map((mode) => [ingress.name, mode, ingress] as const)),
  )('%s %s waits for it and answers from the primary', async (_name, mode, ingress) => {
    const outcome = await callIngress(harness, appKey, ingress, {
      model: 'duo',
      stream: mode === 'stream',
      content: '!mock:primary delay_ms=150\nslow but fine',
    });
    expect(outcome.status).toBe(200);
    expect(outcome.headers.get('x-signalbox-provider')).toBe('primary');
    expect(outcome.ms).toBeGreaterThanOrEqual(140);
    const record = await onlyRecord(harness, outcome.requestId);
    expect(record).toMatchObject({ outcome: 'completed', provider: 'primary' });
    expectSaneUsage(record);
  });
});

describe('redirects', () => {
  it.each(
    ingresses.flatMap((ingress) => both.map((mode) => [ingress.name, mode, ingress] as const)),
  )('%s %s: a 302 to an internal address is not followed', async (_name, mode, ingress) => {
    const port = (canary.address() as AddressInfo).port;
    const before = canaryHits;
    for (const target of [
      `http://127.0.0.1:${port}/v1/chat/completions`,
      'http://169.254.169.254/',
    ]) {
      const outcome = await callIngress(harness, appKey, ingress, {
        model: 'solo',
        stream: mode === 'stream',
        content: `!mock redirect=${target}\nhello`,
      });
      expect(outcome.status).toBeGreaterThanOrEqual(500);
      expect(outcome.errorCode).toMatch(/^SB_ERR_UPSTREAM_/);
      expect(outcome.text).not.toContain('169.254');
      expect(outcome.ms).toBeLessThan(1000);
      const record = await onlyRecord(harness, outcome.requestId);
      expect(record.outcome).toBe('upstream-error');
    }
    expect(canaryHits).toBe(before);
  });
});

/** A stream fault after the first event reached the client: no fallback possible. */
const midStreamRows = [
  [
    'a disconnect after the first content chunk',
    'disconnect_after=2',
    'SB_ERR_UPSTREAM_CONNECTION',
  ],
  ['a disconnect after 5 chunks', 'disconnect_after=5', 'SB_ERR_UPSTREAM_CONNECTION'],
  ['a stall past idle_ms', 'stall_after=2 stall_ms=2000', 'SB_ERR_UPSTREAM_TIMEOUT'],
  [
    'a chunk that is not JSON',
    'stall_after=2 stall_ms=30 malformed=bad-json',
    'SB_ERR_UPSTREAM_INVALID_RESPONSE',
  ],
  ['an error chunk', 'stall_after=2 stall_ms=30 malformed=error-chunk', 'SB_ERR_UPSTREAM_ERROR'],
  ['a stream cut before its finish chunk', 'malformed=truncated', 'SB_ERR_UPSTREAM_ERROR'],
] as const;

describe('faults after the first byte', () => {
  it.each(
    midStreamRows.flatMap(([fault, directive, code]) =>
      ingresses.flatMap((ingress) =>
        (['solo', 'duo'] as const).map(
          (model) =>
            [`${fault} → ${ingress.name} ${model}`, directive, code, ingress, model] as const,
        ),
      ),
    ),
  )(
    '%s ends the stream with an in-dialect error event',
    async (_name, directive, code, ingress, model) => {
      const outcome: Outcome = await callIngress(harness, appKey, ingress, {
        model,
        stream: true,
        content: `!mock:primary ${directive}\none two three four five six seven eight`,
      });
      expect(outcome.status).toBe(200);
      expect(outcome.headers.get('x-signalbox-provider')).toBe('primary');
      expect(outcome.completed).toBe(false);
      expect(outcome.errorCode).toBe(code);
      expect(outcome.text).not.toContain('[DONE]');
      const record = await onlyRecord(harness, outcome.requestId);
      expect(record).toMatchObject({
        outcome: 'upstream-error',
        errorCode: code,
        provider: 'primary',
      });
      expect(record.attempts).toHaveLength(1);
    },
  );
});

describe('a runaway model that ignores max_tokens', () => {
  it.each(
    ingresses.flatMap((ingress) => both.map((mode) => [ingress.name, mode, ingress] as const)),
  )('%s %s: what it produced is what is recorded and charged', async (_name, mode, ingress) => {
    const outcome = await callIngress(harness, appKey, ingress, {
      model: 'solo',
      stream: mode === 'stream',
      maxTokens: 5,
      content: '!mock tokens=300\nrunaway',
    });
    const record = await onlyRecord(harness, outcome.requestId);
    // The gateway does not cut the stream at max_tokens (it relays what the provider sends);
    // it records and charges every token the provider reported, not the 5 asked for.
    expect(outcome.status).toBe(200);
    if (mode === 'stream') expect(outcome.completed).toBe(true);
    expect(record.outcome).toBe('completed');
    expect(record.usage?.outputTokens.total).toBe(300);
    expectSaneUsage(record);
  });
});
