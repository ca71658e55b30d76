import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  startMockProvider,
  type MockProviderServer,
} from '../../src/mock-provider/mock-provider-server.ts';
import {
  callIngress,
  expectSaneUsage,
  ingresses,
  onlyRecord,
  type Ingress,
} from '../helpers/fault-matrix-client.ts';
import { startFaultProxy, type FaultProxy } from '../helpers/fault-proxy.ts';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';

// The upstream fault matrix, part 2: network faults between the gateway and its provider,
// injected by a TCP fault proxy in front of the primary mock. See upstream-fault-matrix.test.ts.

let primary: MockProviderServer;
let backup: MockProviderServer;
let proxy: FaultProxy;
let harness: TestGateway;
let appKey: string;

beforeAll(async () => {
  primary = await startMockProvider({ name: 'primary' });
  backup = await startMockProvider({ name: 'backup' });
  const target = new URL(primary.baseUrl);
  proxy = await startFaultProxy({ host: target.hostname, port: Number(target.port) });
  harness = await startTestGateway({
    config: `
routing:
  retries: { max_retries: 0 }
  breaker: { min_requests: 100000 }
  cooldown_ms: 0
providers:
  - id: primary
    type: openai-compatible
    base_url: http://127.0.0.1:${proxy.port}/v1
    models: [echo]
    timeouts: { connect_ms: 300, first_byte_ms: 400, idle_ms: 300, total_ms: 4000 }
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

afterEach(async () => {
  proxy.clear();
  await proxy.up();
});

afterAll(async () => {
  await harness.close();
  await proxy.close();
  await primary.close();
  await backup.close();
});

const words = Array.from({ length: 40 }, (_, index) => `word${index}`).join(' ');

/** Every ingress × json/stream × solo/duo, or a subset to keep slow faults fast. */
function grid(filter: (ingress: Ingress, stream: boolean) => boolean = () => true) {
  return ingresses.flatMap((ingress) =>
    [false, true]
      .filter((stream) => filter(ingress, stream))
      .flatMap((stream) =>
        (['solo', 'duo'] as const).map(
          (model) =>
            [
              `${ingress.name} ${stream ? 'stream' : 'json'} ${model}`,
              ingress,
              stream,
              model,
            ] as const,
        ),
      ),
  );
}

/** Runs one request under the proxy's current faults and checks the pre-commit outcome. */
async function expectPreCommitFailure(
  ingress: Ingress,
  stream: boolean,
  model: 'solo' | 'duo',
  solo: { status: number; code: string },
): Promise<void> {
  const outcome = await callIngress(harness, appKey, ingress, { model, stream, content: words });
  const record = await onlyRecord(harness, outcome.requestId);
  expect(record.attempts[0]).toMatchObject({ provider: 'primary', errorCode: solo.code });
  if (model === 'duo') {
    expect(outcome.status).toBe(200);
    expect(outcome.headers.get('x-signalbox-provider')).toBe('backup');
    if (stream) expect(outcome.completed).toBe(true);
    expect(record).toMatchObject({ outcome: 'completed', provider: 'backup' });
    expectSaneUsage(record);
    return;
  }
  expect({ status: outcome.status, code: outcome.errorCode }).toEqual(solo);
  expect(record).toMatchObject({
    outcome: 'upstream-error',
    status: solo.status,
    errorCode: solo.code,
  });
  expect(record.attempts).toHaveLength(1);
}

describe('a refused connection (the provider is down)', () => {
  it.each(grid())('%s fails fast or falls back', async (_name, ingress, stream, model) => {
    await proxy.down('refuse');
    const started = performance.now();
    await expectPreCommitFailure(ingress, stream, model, {
      status: 502,
      code: 'SB_ERR_UPSTREAM_CONNECTION',
    });
    expect(performance.now() - started).toBeLessThan(300);
  });
});

describe('a connection reset as soon as it is accepted', () => {
  it.each(grid((ingress, stream) => !stream || ingress.name === 'chat'))(
    '%s fails fast or falls back',
    async (_name, ingress, stream, model) => {
      await proxy.down('reset');
      await expectPreCommitFailure(ingress, stream, model, {
        status: 502,
        code: 'SB_ERR_UPSTREAM_CONNECTION',
      });
    },
  );
});

describe('a blackhole (connected, never answered)', () => {
  // Each case waits first_byte_ms (400 ms): every dialect once, streaming once.
  it.each(grid((ingress, stream) => !stream || ingress.name === 'chat'))(
    '%s times out at first_byte_ms, then falls back or answers 504',
    async (_name, ingress, stream, model) => {
      proxy.set({ stall: true });
      const started = performance.now();
      await expectPreCommitFailure(ingress, stream, model, {
        status: 504,
        code: 'SB_ERR_UPSTREAM_TIMEOUT',
      });
      const elapsed = performance.now() - started;
      expect(elapsed).toBeGreaterThanOrEqual(380);
      expect(elapsed).toBeLessThan(1200);
    },
  );
});

describe('a slow network within the timeouts', () => {
  it.each([
    ['added latency', { latencyMs: 120 }],
    ['a slow drip (sliced, under idle_ms)', { slice: { bytes: 500, delayMs: 20 } }],
    ['limited bandwidth', { bytesPerSecond: 40_000 }],
  ] as const)('%s: the answer arrives whole from the primary', async (_name, faults) => {
    for (const ingress of ingresses) {
      proxy.set(faults);
      const outcome = await callIngress(harness, appKey, ingress, {
        model: 'duo',
        stream: true,
        content: words,
      });
      expect(outcome.status).toBe(200);
      expect(outcome.headers.get('x-signalbox-provider')).toBe('primary');
      expect(outcome.completed).toBe(true);
      const record = await onlyRecord(harness, outcome.requestId);
      expect(record).toMatchObject({ outcome: 'completed', provider: 'primary' });
      expectSaneUsage(record);
      // The whole answer: the echo of all 40 words.
      expect(record.usage?.outputTokens.total).toBeGreaterThanOrEqual(40);
    }
  });
});

describe('a connection cut after the stream started', () => {
  it.each(
    ingresses.flatMap((ingress) =>
      (['fin', 'rst'] as const).flatMap((closeWith) =>
        [1400, 2400].map(
          (bytes) =>
            [
              `${ingress.name}, ${closeWith} after ${bytes} bytes`,
              ingress,
              closeWith,
              bytes,
            ] as const,
        ),
      ),
    ),
  )('%s: an in-dialect error event, no fallback', async (_name, ingress, closeWith, bytes) => {
    // Sliced so the first events and the cut arrive in separate reads: the client has the
    // first content before the connection goes (a cut in the same read falls back instead).
    proxy.set({
      slice: { bytes: 150, delayMs: 15 },
      closeAfterBytes: { downstream: bytes },
      closeWith,
    });
    const outcome = await callIngress(harness, appKey, ingress, {
      model: 'duo',
      stream: true,
      content: words,
    });
    expect(outcome.status).toBe(200);
    expect(outcome.headers.get('x-signalbox-provider')).toBe('primary');
    expect(outcome.completed).toBe(false);
    expect(outcome.errorCode).toBe('SB_ERR_UPSTREAM_CONNECTION');
    const record = await onlyRecord(harness, outcome.requestId);
    expect(record).toMatchObject({
      outcome: 'upstream-error',
      errorCode: 'SB_ERR_UPSTREAM_CONNECTION',
      provider: 'primary',
    });
    expect(record.attempts).toHaveLength(1);
  });

  it('a non-streamed answer cut half-way falls back to the backup', async () => {
    proxy.set({ closeAfterBytes: { downstream: 300 }, closeWith: 'rst' });
    const outcome = await callIngress(harness, appKey, ingresses[0]!, {
      model: 'duo',
      stream: false,
      content: words,
    });
    expect(outcome.status).toBe(200);
    expect(outcome.headers.get('x-signalbox-provider')).toBe('backup');
    const record = await onlyRecord(harness, outcome.requestId);
    expect(record.attempts.map((attempt) => [attempt.provider, attempt.errorCode])).toEqual([
      ['primary', 'SB_ERR_UPSTREAM_CONNECTION'],
      ['backup', undefined],
    ]);
  });
});

describe('regression: idle_ms below a second fires on time', () => {
  // undici's bodyTimeout ticks once a second: with idle_ms 300, a 700 ms silence went through
  // unnoticed. The exchange now keeps its own idle timer (src/upstream/upstream-exchange.ts).
  it.each(ingresses.map((ingress) => [ingress.name, ingress] as const))(
    '%s: a 700 ms stall under idle_ms 300 ends the stream at about 300 ms',
    async (_name, ingress) => {
      const outcome = await callIngress(harness, appKey, ingress, {
        model: 'solo',
        stream: true,
        content: `!mock stall_after=2 stall_ms=700\n${words}`,
      });
      expect(outcome.errorCode).toBe('SB_ERR_UPSTREAM_TIMEOUT');
      expect(outcome.ms).toBeLessThan(650);
      const record = await onlyRecord(harness, outcome.requestId);
      expect(record).toMatchObject({
        outcome: 'upstream-error',
        errorCode: 'SB_ERR_UPSTREAM_TIMEOUT',
      });
    },
  );

  it('a network stall mid-stream (the fault proxy stops forwarding) ends it the same way', async () => {
    // Stall once the primary's first content is through: latency before every chunk would
    // also work, but a stall is the fault under test.
    proxy.set({ slice: { bytes: 150, delayMs: 10 }, closeAfterBytes: {} });
    const before = proxy.forwarded.downstream;
    const pending = callIngress(harness, appKey, ingresses[0]!, {
      model: 'solo',
      stream: true,
      content: words,
    });
    const deadline = performance.now() + 2000;
    while (proxy.forwarded.downstream - before < 1400 && performance.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    proxy.set({ stall: true });
    const outcome = await pending;
    expect(outcome.status).toBe(200);
    expect(outcome.errorCode).toBe('SB_ERR_UPSTREAM_TIMEOUT');
    expect(outcome.ms).toBeLessThan(1500);
    const record = await onlyRecord(harness, outcome.requestId);
    expect(record).toMatchObject({
      outcome: 'upstream-error',
      errorCode: 'SB_ERR_UPSTREAM_TIMEOUT',
    });
  });
});
