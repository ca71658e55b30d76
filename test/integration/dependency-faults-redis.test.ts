import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFaultProxy, type FaultProxy } from '../helpers/fault-proxy.ts';
import { startTestGateway, testAdminKey, type TestGateway } from '../helpers/test-gateway.ts';
import { startThrowawayRedis, type ThrowawayRedis } from '../helpers/throwaway-redis.ts';

// The degraded modes of every Redis-backed feature against a real redis-server of this file's own
// (behind a fault proxy) that is killed (SIGKILL: its keys are lost), paused (SIGSTOP) and slowed:
// rate limits fall back to each process's local share, budgets fail closed with 503, the response
// cache is skipped, nothing else is refused, no spend row is lost or counted twice, and the Redis
// password never reaches a log line or an answer.
const canary = 'canary-redis-secret-5f1d2e';
const replicas = 2;
const limitedRpm = 6;
const localShare = Math.ceil(limitedRpm / replicas);
/** Rows that may wait for the ledger; larger than a group commit's worth of fast requests. */
const backlog = 50;

let redis: ThrowawayRedis;
let proxy: FaultProxy;
let harness: TestGateway;
/** Every answer body the tests read, searched for the password at the end. */
const bodies: string[] = [];
let sequence = 0;
/** Answers with 200 per model: each must have exactly one ledger row (cache hits included). */
const answered = new Map<string, number>();
const served = (model: string): number => answered.get(model) ?? 0;

beforeAll(async () => {
  redis = await startThrowawayRedis(canary);
  proxy = await startFaultProxy({ host: '127.0.0.1', port: redis.port });
  // Output at $1,000 per million tokens: a 20-token answer costs exactly its $0.02 hold.
  harness = await startTestGateway({
    config: `
server: { ledger_backlog: ${String(backlog)} }
storage:
  redis_url: \${env:REDIS_URL}
  redis_key_prefix: 'sbfault:'
  replicas: ${String(replicas)}
providers:
  - id: priced
    type: mock
    model_facts: { echo: { price: { input: 0, output: 1000 } } }
  - id: limited
    type: mock
  - id: free
    type: mock
limits:
  - { scope: model, match: limited/echo, rpm: ${String(limitedRpm)}, burst: ${String(limitedRpm)}, max_concurrent: 4 }
budgets:
  - { scope: model, match: priced/echo, usd: 1, period: month }
cache: { backend: redis }
`,
    environment: { REDIS_URL: `redis://:${canary}@127.0.0.1:${String(proxy.port)}` },
  });
}, 30_000);

afterAll(async () => {
  await harness.close();
  await proxy.close();
  await redis.stop();
});

interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: string;
  readonly ms: number;
}

/** One chat request to `model` (a unique prompt unless `prompt` is given). */
async function chat(model: string, prompt?: string): Promise<Answer> {
  sequence += 1;
  const started = performance.now();
  const response = await fetch(`${harness.baseUrl}/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${testAdminKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      model,
      max_tokens: 20,
      messages: [
        { role: 'user', content: `!mock tokens=20\n${prompt ?? `hello ${String(sequence)}`}` },
      ],
    }),
    signal: AbortSignal.timeout(20_000),
  });
  const body = await response.text();
  bodies.push(body);
  if (response.status === 200) answered.set(model, served(model) + 1);
  return {
    status: response.status,
    headers: response.headers,
    body,
    ms: performance.now() - started,
  };
}

function errorCode(answer: Answer): string | undefined {
  return (JSON.parse(answer.body) as { error?: { code?: string } }).error?.code;
}

/** The ledger's requests and cost for `model` (the spend report reads the SQLite ledger). */
async function spend(model: string): Promise<{ requests: number; costUsd: number }> {
  const response = await harness.admin('GET', `/admin/spend?model=${model}`);
  const report = (await response.json()) as { data: { requests: number; cost_usd: number }[] };
  const row = report.data[0];
  return { requests: row?.requests ?? 0, costUsd: row?.cost_usd ?? 0 };
}

/** The budget's counter (from Redis, rebuilt from the ledger when missing). */
async function budgetCounter(): Promise<{ spent_usd: number; reserved_usd: number } | undefined> {
  const response = await harness.admin('GET', '/admin/budgets');
  if (response.status !== 200) {
    bodies.push(await response.text());
    return undefined;
  }
  const report = (await response.json()) as {
    data: { lines: { spent_usd: number; reserved_usd: number }[] }[];
  };
  return report.data[0]?.lines[0];
}

async function budgetSpentUsd(): Promise<number | undefined> {
  return (await budgetCounter())?.spent_usd;
}

const lines = (text: string): number =>
  harness.logLines.filter((line) => line.includes(text)).length;

/** Waits (event-free, polled) until a budgeted request is admitted again, and returns it. */
async function waitUntilBudgetsAnswer(timeoutMs: number): Promise<number> {
  const started = performance.now();
  for (;;) {
    const answer = await chat('priced/echo');
    if (answer.status === 200) return performance.now() - started;
    expect(errorCode(answer)).toBe('SB_ERR_BUDGET_UNAVAILABLE');
    if (performance.now() - started > timeoutMs) throw new Error('budgets did not come back');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('Redis killed (SIGKILL, its keys lost) and started again', () => {
  it('serves with local limits, refuses budgeted requests with 503, skips the cache, and recovers', async () => {
    // Healthy: a budgeted request, a cached answer, a limited request.
    expect((await chat('priced/echo')).status).toBe(200);
    expect((await chat('free/echo', 'cache me')).headers.get('x-signalbox-cache')).toBe('miss');
    // The answer is stored behind the response: the next identical request finds it soon.
    await expect
      .poll(async () => (await chat('free/echo', 'cache me')).headers.get('x-signalbox-cache'), {
        timeout: 10_000,
      })
      .toBe('hit');
    expect((await chat('limited/echo')).status).toBe(200);

    await redis.kill();

    // Rate limits: this process enforces its share, limit / replicas, from a fresh local counter.
    const limited: Answer[] = [];
    for (let index = 0; index < localShare + 2; index += 1)
      limited.push(await chat('limited/echo'));
    expect(limited.map((answer) => answer.status)).toEqual([
      ...Array.from({ length: localShare }, () => 200),
      429,
      429,
    ]);
    expect(errorCode(limited[localShare]!)).toBe('SB_ERR_RATE_LIMITED');
    expect(lines('redis for rate limits failed')).toBe(1);
    expect(lines('redis for concurrency limits failed')).toBe(1);

    // Budgets fail closed: 503 with Retry-After: 5, never an unchecked admission.
    const budgeted = await chat('priced/echo');
    expect(budgeted.status).toBe(503);
    expect(errorCode(budgeted)).toBe('SB_ERR_BUDGET_UNAVAILABLE');
    expect(budgeted.headers.get('retry-after')).toBe('5');

    // The cache is skipped: the request is answered by the provider.
    const uncached = await chat('free/echo', 'cache me');
    expect(uncached.status).toBe(200);
    expect(uncached.headers.get('x-signalbox-cache')).not.toBe('hit');

    // Requests no budget applies to keep being served, past server.ledger_backlog: their ledger
    // rows do not wait for Redis (before the fix they all did, and the backlog filled).
    const free: number[] = [];
    for (let index = 0; index < backlog + 10; index += 1)
      free.push((await chat('free/echo')).status);
    expect(free).toEqual(Array.from({ length: backlog + 10 }, () => 200));
    await expect
      .poll(() => spend('free/echo'), { timeout: 10_000 })
      .toMatchObject({ requests: served('free/echo') });
    // Every request failed on the cache store; one warning says so (before the fix, two a request).
    expect(lines('the response cache store failed')).toBe(1);

    // Started again, empty: budgets answer within the client's reconnect backoff (at most 5 s).
    await redis.restart();
    expect(await waitUntilBudgetsAnswer(15_000)).toBeLessThan(15_000);
    // The counter Redis lost is rebuilt from the ledger: nothing refilled, nothing counted twice.
    await expect
      .poll(() => spend('priced/echo'), { timeout: 10_000 })
      .toMatchObject({ requests: served('priced/echo') });
    expect(served('priced/echo')).toBe(2);
    expect((await spend('priced/echo')).costUsd).toBeCloseTo(0.04, 9);
    // Settled just after its row is written: the counter follows within moments.
    await expect.poll(budgetSpentUsd, { timeout: 10_000 }).toBeCloseTo(0.04, 9);
  }, 40_000);
});

describe('Redis paused (SIGSTOP: connections open, nothing answers)', () => {
  it('answers every request within a bound instead of hanging, and recovers on SIGCONT', async () => {
    redis.pause();
    try {
      const [limited, budgeted, cached] = await Promise.all([
        chat('limited/echo'),
        chat('priced/echo'),
        chat('free/echo', 'cache me'),
      ]);
      for (const answer of [limited, budgeted, cached]) expect(answer.ms).toBeLessThan(5_000);
      expect([200, 429]).toContain(limited.status);
      expect(budgeted.status).toBe(503);
      expect(errorCode(budgeted)).toBe('SB_ERR_BUDGET_UNAVAILABLE');
      expect(cached.status).toBe(200);
    } finally {
      redis.resume();
    }
    expect(await waitUntilBudgetsAnswer(15_000)).toBeLessThan(15_000);
    await expect
      .poll(() => spend('priced/echo'), { timeout: 10_000 })
      .toMatchObject({ requests: served('priced/echo') });
    await expect
      .poll(budgetSpentUsd, { timeout: 10_000 })
      .toBeCloseTo((await spend('priced/echo')).costUsd, 9);
    // The refused request's hold, placed when Redis resumed, is released, not left to the reaper.
    await expect.poll(budgetCounter, { timeout: 10_000 }).toMatchObject({ reserved_usd: 0 });
  }, 40_000);
});

describe('Redis slowed (300 ms each way)', () => {
  it('serves everything; a slow cache lookup is a miss, counters stay equal to the ledger', async () => {
    proxy.set({ latencyMs: 300 });
    try {
      const budgeted = await chat('priced/echo');
      expect(budgeted.status).toBe(200);
      const cached = await chat('free/echo', 'cache me');
      expect(cached.status).toBe(200);
      expect(cached.headers.get('x-signalbox-cache')).not.toBe('hit');
    } finally {
      proxy.clear();
    }
    await expect
      .poll(() => spend('priced/echo'), { timeout: 10_000 })
      .toMatchObject({ requests: served('priced/echo') });
    await expect
      .poll(budgetSpentUsd, { timeout: 10_000 })
      .toBeCloseTo((await spend('priced/echo')).costUsd, 9);
    // Every answered request, of every model, has exactly one ledger row.
    for (const model of ['free/echo', 'limited/echo']) {
      await expect
        .poll(() => spend(model), { timeout: 10_000 })
        .toMatchObject({ requests: served(model) });
    }
  }, 30_000);
});

describe('secrets', () => {
  it('never writes the Redis password into a log line or an answer', () => {
    expect(harness.logLines.length).toBeGreaterThan(0);
    for (const text of [...harness.logLines, ...bodies]) expect(text).not.toContain(canary);
  });
});
