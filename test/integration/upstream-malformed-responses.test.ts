import type { ServerResponse } from 'node:http';
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
} from '../helpers/fault-matrix-client.ts';
import {
  chunk,
  completion,
  startScriptedUpstream,
  usageChunk,
  type Script,
  type ScriptedUpstream,
} from '../helpers/scripted-upstream.ts';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';

// The upstream fault matrix, part 3: malformed bytes and absurd numbers from a scripted raw
// upstream (node:http), for the three ingress dialects. See upstream-fault-matrix.test.ts.

let raw: ScriptedUpstream;
let backup: MockProviderServer;
let harness: TestGateway;
let appKey: string;

const goodUsage = '{"prompt_tokens":7,"completion_tokens":3,"total_tokens":10}';

function sse(response: ServerResponse): void {
  response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
}

/** A valid stream's events (without the `data: ` framing): role, two words, finish, usage. */
function validEvents(usageJson = goodUsage): string[] {
  return [
    chunk({ role: 'assistant', content: '' }),
    chunk({ content: 'Hello' }),
    chunk({ content: ' there' }),
    chunk({}, 'stop'),
    usageChunk(usageJson),
  ];
}

/** Writes `parts` one per 3 ms (separate reads for the gateway), then runs `end`. */
function drip(response: ServerResponse, parts: readonly string[], end: () => void): void {
  let index = 0;
  const next = (): void => {
    if (response.destroyed) return;
    const part = parts[index];
    index += 1;
    if (part === undefined) {
      end();
      return;
    }
    response.write(part);
    setTimeout(next, 3);
  };
  next();
}

const framed = (events: readonly string[], eol = '\n'): string[] =>
  events.map((event) => `data: ${event}${eol}${eol}`);

const scripts: Record<string, Script> = {
  'no-data-prefix': (response) => {
    sse(response);
    response.end(
      validEvents()
        .map((event) => `${event}\n\n`)
        .join(''),
    );
  },
  'first-event-bad-json': (response) => {
    sse(response);
    response.end('data: {"id": "raw-1", "choices": [\n\n');
  },
  'truncated-event': (response) => {
    sse(response);
    drip(response, [...framed(validEvents().slice(0, 3)), 'data: {"id":"raw-1","obj'], () =>
      response.destroy(),
    );
  },
  'no-done': (response) => {
    sse(response);
    drip(response, framed(validEvents()), () => response.end());
  },
  crlf: (response) => {
    sse(response);
    drip(response, [...framed(validEvents(), '\r\n'), 'data: [DONE]\r\n\r\n'], () =>
      response.end(),
    );
  },
  'cr-only': (response) => {
    sse(response);
    drip(response, [...framed(validEvents(), '\r'), 'data: [DONE]\r\r'], () => response.end());
  },
  'giant-line': (response) => {
    sse(response);
    // One 9 MiB line, over the 8 MiB event limit.
    response.write('data: {"x":"');
    response.end(`${'a'.repeat(9 * 1024 * 1024)}"}\n\n`);
  },
  'usage-then-reset': (response) => {
    sse(response);
    drip(response, framed(validEvents()), () => response.destroy());
  },
  'html-200': (response) => {
    response.writeHead(200, { 'content-type': 'text/html' });
    response.end('<html><body>Upstream secret detail: gateway login</body></html>');
  },
  'html-502': (response) => {
    response.writeHead(502, { 'content-type': 'text/html' });
    response.end('<html><body>Bad gateway. Upstream secret detail</body></html>');
  },
  'redirect-307': (response) => {
    response.writeHead(307, { location: 'http://169.254.169.254/latest/meta-data/' });
    response.end();
  },
  'short-body': (response) => {
    const body = completion('Hello there', goodUsage);
    response.writeHead(200, {
      'content-type': 'application/json',
      'content-length': String(body.length + 500),
    });
    response.write(body);
    setTimeout(() => response.destroy(), 10);
  },
};

/** Absurd usage numbers, as raw JSON text (1e400 parses to Infinity). */
const absurdUsages: readonly (readonly [string, string])[] = [
  ['negative tokens', '{"prompt_tokens":-50,"completion_tokens":-3,"total_tokens":-53}'],
  ['1e30 tokens', '{"prompt_tokens":1e30,"completion_tokens":1e30,"total_tokens":2e30}'],
  ['Infinity (1e400)', '{"prompt_tokens":1e400,"completion_tokens":1e400,"total_tokens":1e400}'],
  ['NaN as a string', '{"prompt_tokens":"NaN","completion_tokens":"NaN","total_tokens":"NaN"}'],
  ['fractions', '{"prompt_tokens":0.5,"completion_tokens":2.7,"total_tokens":3.2}'],
  ['null', 'null'],
];
absurdUsages.forEach(([, usage], index) => {
  scripts[`absurd-json-${index}`] = (response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(completion('Hello there', usage));
  };
  scripts[`absurd-stream-${index}`] = (response) => {
    sse(response);
    drip(response, [...framed(validEvents(usage)), 'data: [DONE]\n\n'], () => response.end());
  };
});

beforeAll(async () => {
  raw = await startScriptedUpstream(scripts);
  backup = await startMockProvider({ name: 'backup' });
  harness = await startTestGateway({
    config: `
routing:
  retries: { max_retries: 0 }
  breaker: { min_requests: 100000 }
  cooldown_ms: 0
providers:
  - id: raw
    type: openai-compatible
    base_url: ${raw.baseUrl}
    models: [echo]
    timeouts: { connect_ms: 300, first_byte_ms: 400, idle_ms: 300, total_ms: 4000 }
    model_facts:
      echo: { price: { input: 1, output: 2 } }
  - { id: backup, type: openai-compatible, base_url: "${backup.baseUrl}", models: [fast] }
models:
  - alias: solo
    targets: [{ provider: raw, model: echo }]
  - alias: duo
    targets:
      - { provider: raw, model: echo }
      - { provider: backup, model: fast }
`,
  });
  appKey = await harness.createKey();
});

afterAll(async () => {
  await harness.close();
  await raw.close();
  await backup.close();
});

/** Faults found before anything reached the client: 502 for `solo`, the backup for `duo`. */
const preCommit: readonly (readonly [string, 'json' | 'stream' | 'both', string, string])[] = [
  // [script, modes, code when streamed, code when not]
  ['no-data-prefix', 'both', 'SB_ERR_UPSTREAM_ERROR', 'SB_ERR_UPSTREAM_INVALID_RESPONSE'],
  ['first-event-bad-json', 'stream', 'SB_ERR_UPSTREAM_INVALID_RESPONSE', ''],
  ['giant-line', 'stream', 'SB_ERR_UPSTREAM_INVALID_RESPONSE', ''],
  ['html-200', 'both', 'SB_ERR_UPSTREAM_INVALID_RESPONSE', 'SB_ERR_UPSTREAM_INVALID_RESPONSE'],
  ['html-502', 'both', 'SB_ERR_UPSTREAM_ERROR', 'SB_ERR_UPSTREAM_ERROR'],
  ['redirect-307', 'both', 'SB_ERR_UPSTREAM_REDIRECT', 'SB_ERR_UPSTREAM_REDIRECT'],
  // A content-length promising more than is sent; streamed, it is also JSON where SSE was asked.
  ['short-body', 'both', 'SB_ERR_UPSTREAM_INVALID_RESPONSE', 'SB_ERR_UPSTREAM_CONNECTION'],
];

describe('malformed answers before the first byte', () => {
  it.each(
    preCommit.flatMap(([script, modes, streamCode, jsonCode]) =>
      ingresses.flatMap((ingress) =>
        [false, true]
          .filter((stream) => modes === 'both' || (modes === 'stream') === stream)
          .flatMap((stream) =>
            (['solo', 'duo'] as const).map(
              (model) =>
                [
                  `${script} → ${ingress.name} ${stream ? 'stream' : 'json'} ${model}`,
                  { script, ingress, stream, model, code: stream ? streamCode : jsonCode },
                ] as const,
            ),
          ),
      ),
    ),
  )('%s', async (_name, { script, ingress, stream, model, code }) => {
    const outcome = await callIngress(harness, appKey, ingress, {
      model,
      stream,
      content: `script=${script}`,
    });
    const record = await onlyRecord(harness, outcome.requestId);
    expect(record.attempts[0]).toMatchObject({ provider: 'raw', errorCode: code });
    expect(outcome.text).not.toContain('Upstream secret detail');
    expect(outcome.text).not.toContain('169.254');
    if (model === 'duo') {
      expect(outcome.status).toBe(200);
      expect(outcome.headers.get('x-signalbox-provider')).toBe('backup');
      if (stream) expect(outcome.completed).toBe(true);
      expect(record).toMatchObject({ outcome: 'completed', provider: 'backup' });
      expectSaneUsage(record);
      return;
    }
    expect({ status: outcome.status, code: outcome.errorCode }).toEqual({ status: 502, code });
    expect(record).toMatchObject({ outcome: 'upstream-error', status: 502, errorCode: code });
    expect(record.attempts).toHaveLength(1);
  });
});

/** The raw upstream's usage (7 in, 3 out) at 1 $/M in and 2 $/M out. */
const rawCost = (7 * 1 + 3 * 2) / 1_000_000;

describe('valid but unusual streams', () => {
  it.each(
    ['no-done', 'crlf', 'cr-only'].flatMap((script) =>
      ingresses.map((ingress) => [`${script} → ${ingress.name}`, script, ingress] as const),
    ),
  )('%s: relayed whole, usage and cost recorded', async (_name, script, ingress) => {
    const outcome = await callIngress(harness, appKey, ingress, {
      model: 'duo',
      stream: true,
      content: `script=${script}`,
    });
    expect(outcome.status).toBe(200);
    expect(outcome.headers.get('x-signalbox-provider')).toBe('raw');
    expect(outcome.errorCode).toBeUndefined();
    expect(outcome.text).toContain('Hello');
    expect(outcome.text).toContain(' there');
    // Chat streams are relayed as they came: no [DONE] is invented for a stream that sent none.
    expect(outcome.completed).toBe(!(script === 'no-done' && ingress.name === 'chat'));
    const record = await onlyRecord(harness, outcome.requestId);
    expect(record).toMatchObject({
      outcome: 'completed',
      usage: { inputTokens: { total: 7 }, outputTokens: { total: 3 } },
    });
    expect(record.costUsd).toBeCloseTo(rawCost, 12);
  });
});

describe('malformed after the first byte', () => {
  it.each(
    (['truncated-event', 'usage-then-reset'] as const).flatMap((script) =>
      ingresses.map((ingress) => [`${script} → ${ingress.name}`, script, ingress] as const),
    ),
  )(
    '%s: an in-dialect error event, no fallback, usage kept when reported',
    async (_name, script, ingress) => {
      const outcome = await callIngress(harness, appKey, ingress, {
        model: 'duo',
        stream: true,
        content: `script=${script}`,
      });
      expect(outcome.status).toBe(200);
      expect(outcome.headers.get('x-signalbox-provider')).toBe('raw');
      expect(outcome.completed).toBe(false);
      expect(outcome.errorCode).toBe('SB_ERR_UPSTREAM_CONNECTION');
      const record = await onlyRecord(harness, outcome.requestId);
      expect(record).toMatchObject({
        outcome: 'upstream-error',
        errorCode: 'SB_ERR_UPSTREAM_CONNECTION',
      });
      expect(record.attempts).toHaveLength(1);
      if (script === 'usage-then-reset') {
        // The provider reported its usage before the connection went: it is not lost.
        expect(record.usage).toMatchObject({
          inputTokens: { total: 7 },
          outputTokens: { total: 3 },
        });
        expect(record.costUsd).toBeCloseTo(rawCost, 12);
      } else {
        expect(record.usage).toBeUndefined();
      }
    },
  );
});

describe('absurd usage numbers', () => {
  it.each(
    absurdUsages.flatMap(([kind], index) =>
      ingresses.flatMap((ingress) =>
        [false, true].map(
          (stream) =>
            [
              `${kind} → ${ingress.name} ${stream ? 'stream' : 'json'}`,
              index,
              kind,
              ingress,
              stream,
            ] as const,
        ),
      ),
    ),
  )(
    '%s: never a negative, infinite or ruinous cost',
    async (_name, index, kind, ingress, stream) => {
      const outcome = await callIngress(harness, appKey, ingress, {
        model: 'solo',
        stream,
        content: `script=absurd-${stream ? 'stream' : 'json'}-${index}`,
      });
      expect(outcome.status).toBe(200);
      const record = await onlyRecord(harness, outcome.requestId);
      expect(record.outcome).toBe('completed');
      for (const count of [record.usage?.inputTokens.total, record.usage?.outputTokens.total]) {
        if (count !== undefined) {
          expect(Number.isFinite(count)).toBe(true);
          expect(count).toBeGreaterThanOrEqual(0);
          expect(count).toBeLessThanOrEqual(1e9);
        }
      }
      if (kind === 'fractions') {
        expect(record.costUsd).toBeCloseTo((0.5 * 1 + 2.7 * 2) / 1e6, 12);
      } else {
        // Not a plausible count: treated as not reported (the ledger charges the reserved bound).
        expect(record.usage?.inputTokens.total).toBeUndefined();
        expect(record.costUsd).toBeUndefined();
      }
      const header = outcome.headers.get('x-signalbox-cost-usd');
      if (header !== null) {
        expect(Number.isFinite(Number(header))).toBe(true);
        expect(Number(header)).toBeGreaterThanOrEqual(0);
      }
    },
  );

  it('regression: 1e30 reported tokens are not reported usage (no 3e24 USD cost, nothing the ledger cannot store)', async () => {
    const outcome = await callIngress(harness, appKey, ingresses[0]!, {
      model: 'solo',
      stream: false,
      content: 'script=absurd-json-1',
    });
    const record = await onlyRecord(harness, outcome.requestId);
    expect(record.usage?.inputTokens.total).toBeUndefined();
    expect(record.usage?.outputTokens.total).toBeUndefined();
    expect(record.costUsd).toBeUndefined();
  });

  it('leaves a spend ledger whose every amount is finite and not negative', async () => {
    let rows: Record<string, unknown>[] = [];
    for (let tries = 0; tries < 50 && rows.length === 0; tries += 1) {
      const response = await harness.admin('GET', '/admin/spend?group_by=model');
      expect(response.status).toBe(200);
      rows = ((await response.json()) as { data: Record<string, unknown>[] }).data;
      if (rows.length === 0) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      for (const value of Object.values(row)) {
        if (typeof value === 'number') {
          expect(Number.isFinite(value)).toBe(true);
          expect(value).toBeGreaterThanOrEqual(0);
        }
      }
    }
  });
});
