import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, testAdminKey, type TestGateway } from '../helpers/test-gateway.ts';

const promtool = '/usr/bin/promtool';
const requireTools = process.env.SIGNALBOX_REQUIRE_TOOLS === '1';

const config = `
providers:
  - id: mock
    type: mock
    model_facts: { echo: { price: { input: 1, output: 2 } } }
  - id: flaky
    type: mock
    model_facts: { echo: { price: { input: 1, output: 2 } } }
models:
  - alias: assistant
    targets: [{ provider: mock, model: echo }]
  - alias: resilient
    targets:
      - { provider: flaky, model: echo }
      - { provider: mock, model: echo }
  - alias: limited
    targets: [{ provider: mock, model: echo }]
routing:
  retries: { max_retries: 0 }
limits:
  - { scope: model, match: limited, rpm: 1 }
budgets:
  - { scope: model, match: assistant, usd: 100, period: day }
cache:
  backend: memory
`;

let harness: TestGateway;

beforeAll(async () => {
  harness = await startTestGateway({ config });
});

afterAll(async () => {
  await harness.close();
});

function chat(body: Record<string, unknown>): Promise<Response> {
  return fetch(`${harness.baseUrl}/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${testAdminKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ messages: [{ role: 'user', content: 'Hello there' }], ...body }),
  });
}

async function scrape(): Promise<string> {
  const response = await harness.admin('GET', '/metrics');
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return response.text();
}

/** The sum of every sample of `name` whose labels contain all of `labels`. */
function sampleSum(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (!Object.entries(labels).every(([key, value]) => line.includes(`${key}="${value}"`))) {
      continue;
    }
    sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

function seriesCount(text: string, name: string): number {
  return text.split('\n').filter((line) => line.startsWith(`${name}{`)).length;
}

/** Runs `promtool check metrics` on the text; resolves its exit code and output. */
function promtoolCheck(text: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(promtool, ['check', 'metrics'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, output }));
    child.stdin.end(text);
  });
}

describe('GET /metrics', () => {
  it('refuses a scrape without a key, and a key without platform rights', async () => {
    const anonymous = await fetch(`${harness.url}/metrics`);
    expect(anonymous.status).toBe(401);
    const memberKey = await harness.createKey({ name: 'member' });
    const member = await fetch(`${harness.url}/metrics`, {
      headers: { authorization: `Bearer ${memberKey}` },
    });
    expect(member.status).toBe(403);
  });

  it('serves an organisation-wide viewer key of default, as docs/observability.md suggests', async () => {
    const created = await harness.admin('POST', '/admin/keys', {
      name: 'prometheus',
      role: 'viewer',
    });
    expect(created.status, await created.clone().text()).toBe(201);
    const { key } = (await created.json()) as { key: string };
    const response = await fetch(`${harness.url}/metrics`, {
      headers: { authorization: `Bearer ${key}` },
    });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('# TYPE signalbox_requests_total counter');
  });

  it('counts requests, tokens, cost, overhead, caching, fallbacks and errors', async () => {
    const before = await scrape();
    const ok = await chat({ model: 'assistant' });
    expect(ok.status).toBe(200);
    await ok.text();
    const streamed = await chat({ model: 'assistant', stream: true });
    expect(streamed.status).toBe(200);
    await streamed.text();
    const unknown = await chat({ model: 'no-such-model' });
    expect(unknown.status).toBeGreaterThanOrEqual(400);
    await unknown.text();
    const failed = await chat({
      model: 'assistant',
      messages: [{ role: 'user', content: '!mock status=500\nfail please' }],
    });
    expect(failed.status).toBeGreaterThanOrEqual(500);
    await failed.text();
    const rerouted = await chat({
      model: 'resilient',
      messages: [{ role: 'user', content: '!mock:flaky status=503\nfall back please' }],
    });
    expect(rerouted.status).toBe(200);
    await rerouted.text();
    const limitedStatuses: number[] = [];
    for (let index = 0; index < 2; index += 1) {
      const limited = await chat({ model: 'limited' });
      limitedStatuses.push(limited.status);
      await limited.text();
    }
    expect(limitedStatuses).toEqual([200, 429]);
    // Cached answers are stored behind the response: ask until one is served from the cache.
    let cacheHeader: string | null = null;
    for (let attempt = 0; attempt < 100 && cacheHeader !== 'hit'; attempt += 1) {
      const cached = await chat({
        model: 'assistant',
        messages: [{ role: 'user', content: 'hi' }],
      });
      cacheHeader = cached.headers.get('x-signalbox-cache');
      await cached.text();
    }
    expect(cacheHeader).toBe('hit');
    await harness.waitForRecord((record) => record.cache?.status === 'hit');

    const after = await scrape();
    const moved = (name: string, labels: Record<string, string> = {}): number =>
      sampleSum(after, name, labels) - sampleSum(before, name, labels);
    const chatRoute = { route: '/v1/chat/completions' };
    expect(moved('signalbox_requests_total', chatRoute)).toBeGreaterThanOrEqual(9);
    expect(
      moved('signalbox_requests_total', {
        ...chatRoute,
        status_class: '2xx',
        outcome: 'completed',
      }),
    ).toBeGreaterThanOrEqual(5);
    expect(moved('signalbox_errors_total', { error_code: 'SB_ERR_RATE_LIMITED' })).toBe(1);
    expect(moved('signalbox_rate_limit_rejections_total', { scope: 'gateway' })).toBe(1);
    expect(moved('signalbox_errors_total')).toBeGreaterThanOrEqual(3);
    expect(moved('signalbox_tokens_total', { model: 'assistant', type: 'input' })).toBeGreaterThan(
      0,
    );
    expect(moved('signalbox_tokens_total', { model: 'assistant', type: 'output' })).toBeGreaterThan(
      0,
    );
    expect(
      moved('signalbox_cost_usd_total', { provider: 'mock', model: 'assistant' }),
    ).toBeGreaterThan(0);
    expect(moved('signalbox_gateway_overhead_seconds_count', chatRoute)).toBeGreaterThanOrEqual(5);
    expect(moved('signalbox_request_duration_seconds_count', chatRoute)).toBeGreaterThanOrEqual(9);
    expect(moved('gen_ai_server_time_to_first_token_seconds_count')).toBe(1);
    expect(
      moved('gen_ai_client_token_usage_count', {
        gen_ai_request_model: 'assistant',
        gen_ai_token_type: 'output',
      }),
    ).toBeGreaterThan(0);
    expect(
      moved('gen_ai_client_operation_duration_seconds_count', {
        gen_ai_request_model: 'other',
        error_type: 'SB_ERR_MODEL_NOT_FOUND',
      }),
    ).toBe(1);
    expect(moved('signalbox_cache_lookups_total', { result: 'exact_hit' })).toBeGreaterThanOrEqual(
      1,
    );
    expect(moved('signalbox_cache_lookups_total', { result: 'miss' })).toBeGreaterThanOrEqual(1);
    expect(moved('signalbox_reroutes_total', { kind: 'fallback' })).toBe(1);
    expect(
      moved('signalbox_upstream_attempts_total', { provider: 'flaky', outcome: 'failure' }),
    ).toBe(1);
    // Nothing the client typed became a label.
    expect(after).not.toContain('no-such-model');
    // Live state: every deployment's breaker, and the named budget with its spend.
    expect(after).toMatch(
      /signalbox_deployment_circuit_state\{deployment="[^"]+",provider="flaky"\} 0/,
    );
    expect(after).toMatch(
      /signalbox_budget_utilisation_ratio\{scope="model",match="assistant",period="day"\} \d/,
    );
    expect(after).toMatch(/^process_cpu_user_seconds_total /m);
  });

  it('passes promtool check metrics without lint problems', async (context) => {
    if (!existsSync(promtool)) {
      if (requireTools) throw new Error(`${promtool} is required (SIGNALBOX_REQUIRE_TOOLS=1)`);
      context.skip(`${promtool} is not installed; set SIGNALBOX_REQUIRE_TOOLS=1 to require it`);
    }
    const text = await scrape();
    const result = await promtoolCheck(text);
    expect(result.output).toBe('');
    expect(result.code).toBe(0);
  });

  it('keeps model labels bounded whatever model names clients send', async () => {
    const names = Array.from({ length: 60 }, (_, index) => `client-typed-model-${index}`);
    const count = (text: string): number =>
      seriesCount(text, 'gen_ai_client_operation_duration_seconds_count') +
      seriesCount(text, 'signalbox_requests_total') +
      seriesCount(text, 'signalbox_errors_total');
    await Promise.all(names.slice(0, 5).map(async (model) => (await chat({ model })).text()));
    await scrape(); // the scrape's own series appears from the next scrape on
    const settled = count(await scrape());
    await Promise.all(names.slice(5).map(async (model) => (await chat({ model })).text()));
    const text = await scrape();
    expect(count(text)).toBe(settled);
    expect(text).not.toContain('client-typed-model');
  });

  // Last: the policy applies to every request after it.
  it('counts policy decisions: permit, redact and deny', async () => {
    const policy = await fetch(`${harness.url}/admin/policy`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${testAdminKey}`, 'content-type': 'application/yaml' },
      body: `
name: metrics
detectors: { time_budget_ms: 2000 }
rules:
  - name: no-secrets
    when: { data_classes: [secret] }
    action: deny
    reason: Requests must not contain credentials.
  - name: mask-cards
    when: { data_classes: [payment_card] }
    action: redact
    redact: { classes: [payment_card] }
`,
    });
    expect(policy.status, await policy.clone().text()).toBeLessThan(300);
    const before = await scrape();
    const contents = [
      'the garden birds',
      'charge 4111 1111 1111 1111 today',
      'my key is sk-proj-abcdefghijklmnopqrstuvwxyz0123456789ABCD',
    ];
    const statuses: number[] = [];
    for (const content of contents) {
      const response = await chat({ model: 'assistant', messages: [{ role: 'user', content }] });
      statuses.push(response.status);
      await response.text();
    }
    expect(statuses).toEqual([200, 200, 403]);
    const after = await scrape();
    for (const decision of ['permit', 'redact', 'deny']) {
      const moved =
        sampleSum(after, 'signalbox_policy_decisions_total', { decision }) -
        sampleSum(before, 'signalbox_policy_decisions_total', { decision });
      expect(moved, decision).toBe(1);
    }
  });
});
