import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, testAdminKey, type TestGateway } from '../helpers/test-gateway.ts';

// Output at $1,000 per million tokens: one token costs $0.001, and input is free, so a request
// for exactly 20 output tokens costs exactly what its hold bounds: $0.02.
const config = `
providers:
  - id: priced
    type: mock
    model_facts: { echo: { price: { input: 0, output: 1000 } } }
  - id: capped
    type: mock
    model_facts: { echo: { price: { input: 0, output: 1000 } } }
  - id: soft
    type: mock
    model_facts: { echo: { price: { input: 0, output: 1000 } } }
  - id: drained
    type: mock
    model_facts: { echo: { price: { input: 0, output: 1000 } } }
  - id: unpriced
    type: mock
models:
  - alias: mystery
    targets: [{ provider: unpriced, model: no-price-known }]
budgets:
  - { scope: model, match: priced/echo, usd: 0.2, period: day }
  - { scope: model, match: capped/echo, usd: 0.02, period: total }
  - { scope: model, match: soft/echo, usd: 0.001, period: month, mode: soft }
  - { scope: model, match: mystery, usd: 1, period: day }
`;

let harness: TestGateway;

beforeAll(async () => {
  harness = await startTestGateway({ config });
});

afterAll(async () => {
  await harness.close();
});

function chat(
  target: TestGateway,
  model: string,
  content: string,
  extra: Record<string, unknown> = {},
): Promise<Response> {
  return fetch(`${target.baseUrl}/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${testAdminKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model, messages: [{ role: 'user', content }], ...extra }),
  });
}

interface SpendRow {
  model?: string;
  requests: number;
  cost_usd: number;
  output_tokens: number;
  estimated_requests: number;
}

async function spend(target: TestGateway, model: string): Promise<SpendRow | undefined> {
  const response = await target.admin('GET', `/admin/spend?group_by=model&model=${model}`);
  expect(response.status).toBe(200);
  const report = (await response.json()) as { data: SpendRow[] };
  return report.data[0];
}

describe('budgets under concurrency', () => {
  it('admits exactly what a budget affords out of 100 concurrent requests, and never overspends', async () => {
    const responses = await Promise.all(
      Array.from({ length: 100 }, () =>
        chat(harness, 'priced/echo', '!mock tokens=20\nhello', { max_tokens: 20 }),
      ),
    );
    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(10);
    expect(statuses.filter((status) => status === 402)).toHaveLength(90);
    const refused = responses.find((response) => response.status === 402);
    const body = (await refused?.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('SB_ERR_BUDGET_EXCEEDED');
    expect(body.error.message).toContain('model budget');
    // Retry when the day's budget starts again (UTC midnight).
    expect(Number(refused?.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(refused?.headers.get('retry-after'))).toBeLessThanOrEqual(86_400);
    await Promise.all(
      responses.filter((response) => !response.bodyUsed).map((response) => response.text()),
    );
    await harness.gateway.close();
    // One ledger row per admitted request, and the spend is the budget, never more.
    const restarted = await startTestGateway({ config, stateDir: harness.stateDir });
    try {
      const row = await spend(restarted, 'priced/echo');
      expect(row).toMatchObject({ requests: 10, estimated_requests: 0, output_tokens: 200 });
      expect(row?.cost_usd).toBeCloseTo(0.2, 12);
      // A restart does not refill the budget.
      const after = await chat(restarted, 'priced/echo', '!mock tokens=20\nhello', {
        max_tokens: 20,
      });
      expect(after.status).toBe(402);
    } finally {
      await restarted.close();
      harness = await startTestGateway({ config, stateDir: harness.stateDir });
    }
  });
});

describe('reserve then settle', () => {
  it('caps the output to what is left, then refuses', async () => {
    const long = Array.from({ length: 200 }, (_, index) => `word${String(index)}`).join(' ');
    const first = await chat(harness, 'capped/echo', long, { max_tokens: 100 });
    expect(first.status).toBe(200);
    expect(first.headers.get('x-signalbox-budget-remaining-usd')).toBe('0');
    const body = (await first.json()) as {
      usage: { completion_tokens: number };
      choices: { finish_reason: string }[];
    };
    expect(body.usage.completion_tokens).toBe(20);
    expect(body.choices[0]?.finish_reason).toBe('length');
    const second = await chat(harness, 'capped/echo', 'more', { max_tokens: 100 });
    expect(second.status).toBe(402);
    // A total budget never starts again: no Retry-After.
    expect(second.headers.get('retry-after')).toBeNull();
  });

  it('lets a soft budget overrun and says so in the log once', async () => {
    for (let index = 0; index < 3; index += 1) {
      const response = await chat(harness, 'soft/echo', '!mock tokens=5\nhi', { max_tokens: 5 });
      expect(response.status).toBe(200);
      await response.text();
    }
    await expect
      .poll(
        () => harness.logLines.filter((line) => line.includes('a soft budget was exceeded')).length,
      )
      .toBe(1);
  });

  it('refuses a hard budget on a model without a price', async () => {
    const response = await chat(harness, 'mystery', 'hi');
    expect(response.status).toBe(403);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe(
      'SB_ERR_BUDGET_UNPRICED_MODEL',
    );
  });
});

describe('client disconnects mid-stream', () => {
  async function abortMidStream(target: TestGateway): Promise<void> {
    const controller = new AbortController();
    const response = await fetch(`${target.baseUrl}/chat/completions`, {
      method: 'POST',
      signal: controller.signal,
      headers: { authorization: `Bearer ${testAdminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'drained/echo',
        stream: true,
        max_tokens: 60,
        messages: [{ role: 'user', content: '!mock tokens=60 tps=200\nhi' }],
      }),
    });
    const reader = response.body?.getReader();
    await reader?.read();
    controller.abort();
    await reader?.cancel().catch(() => undefined);
  }

  it('reads on to the usage the provider bills and writes exactly one ledger row', async () => {
    await abortMidStream(harness);
    await expect
      .poll(() => spend(harness, 'drained/echo'), { timeout: 5000 })
      .toMatchObject({
        requests: 1,
        output_tokens: 60,
        estimated_requests: 0,
      });
  });

  it('records a conservative estimate, marked as such, when told not to read on', async () => {
    const cut = await startTestGateway({ config: `${config}\nserver: { stream_drain_ms: 0 }\n` });
    try {
      await abortMidStream(cut);
      await expect
        .poll(() => spend(cut, 'drained/echo'), { timeout: 5000 })
        .toMatchObject({
          requests: 1,
          estimated_requests: 1,
        });
      // The estimate is the request's bound: 60 output tokens at $0.001.
      expect((await spend(cut, 'drained/echo'))?.cost_usd).toBeCloseTo(0.06, 12);
    } finally {
      await cut.close();
    }
  });
});

describe('degraded storage', () => {
  it('refuses budgeted requests with 503 and Retry-After while Redis is unreachable, and serves the rest', async () => {
    const degraded = await startTestGateway({
      config: `${config}\nstorage: { redis_url: "\${env:DEAD_REDIS}" }\n`,
      environment: { DEAD_REDIS: 'redis://127.0.0.1:1' },
    });
    try {
      const budgeted = await chat(degraded, 'priced/echo', 'hi', { max_tokens: 5 });
      expect(budgeted.status).toBe(503);
      expect(budgeted.headers.get('retry-after')).toBe('5');
      expect(((await budgeted.json()) as { error: { code: string } }).error.code).toBe(
        'SB_ERR_BUDGET_UNAVAILABLE',
      );
      const unbudgeted = await chat(degraded, 'drained/echo', 'hi', { max_tokens: 5 });
      expect(unbudgeted.status).toBe(200);
      await unbudgeted.text();
      // Its ledger row still lands in the database.
      await expect.poll(() => spend(degraded, 'drained/echo')).toMatchObject({ requests: 1 });
      expect(degraded.logLines.join('')).not.toContain('redis://127.0.0.1:1');
    } finally {
      await degraded.close();
    }
  });
});
