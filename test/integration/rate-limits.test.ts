import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  startMockProvider,
  type MockProviderServer,
} from '../../src/mock-provider/mock-provider-server.ts';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';

// Configured RPM/TPM limits (`limits:`) on a real gateway: per key, per model, not on
// POST /v1/route, and one global limit across two gateways sharing Redis.

const redisUrl = process.env.SIGNALBOX_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

let mock: MockProviderServer;
const harnesses: TestGateway[] = [];

beforeAll(async () => {
  mock = await startMockProvider({ name: 'limits' });
});

afterEach(async () => {
  await Promise.all(harnesses.splice(0).map((harness) => harness.close()));
});

afterAll(async () => {
  await mock.close();
});

async function start(limits: string, storage = ''): Promise<TestGateway> {
  const harness = await startTestGateway({
    environment: { SIGNALBOX_TEST_REDIS_URL_FOR_GATEWAY: redisUrl },
    config: `
${storage}
providers:
  - { id: mock, type: openai-compatible, base_url: "${mock.baseUrl}", models: [echo] }
models:
  - alias: chat
    targets: [{ provider: mock, model: echo }]
  - alias: other
    targets: [{ provider: mock, model: echo }]
limits:
${limits}
`,
  });
  harnesses.push(harness);
  return harness;
}

function post(harness: TestGateway, key: string, path: string, model = 'chat') {
  return fetch(harness.url + path, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }], max_tokens: 16 }),
  });
}

const chat = (harness: TestGateway, key: string, model = 'chat') =>
  post(harness, key, '/v1/chat/completions', model);

describe('rate limits', () => {
  it('gives a key its rpm, then 429 with Retry-After; another key is unaffected', async () => {
    const harness = await start('  - { scope: key, rpm: 3, tpm: 100000 }');
    const [limited, other] = await Promise.all([harness.createKey(), harness.createKey()]);
    const remaining: string[] = [];
    for (let index = 0; index < 3; index++) {
      const response = await chat(harness, limited);
      expect(response.status).toBe(200);
      await response.text();
      expect(response.headers.get('x-ratelimit-limit-requests')).toBe('3');
      expect(response.headers.get('x-ratelimit-reset-requests')).toMatch(/s$/);
      expect(response.headers.get('x-ratelimit-limit-tokens')).toBe('100000');
      expect(Number(response.headers.get('x-ratelimit-remaining-tokens'))).toBeLessThan(100000);
      remaining.push(response.headers.get('x-ratelimit-remaining-requests') ?? '');
    }
    expect(remaining).toEqual(['2', '1', '0']);
    const refused = await chat(harness, limited);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const body = (await refused.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('SB_ERR_RATE_LIMITED');
    expect(body.error.message).toContain('key rpm');

    const unaffected = await chat(harness, other);
    expect(unaffected.status).toBe(200);
    expect(unaffected.headers.get('x-ratelimit-remaining-requests')).toBe('2');
  });

  it('applies a model limit across keys, only to the matched model', async () => {
    const harness = await start('  - { scope: model, match: chat, rpm: 2 }');
    const [first, second] = await Promise.all([harness.createKey(), harness.createKey()]);
    expect((await chat(harness, first)).status).toBe(200);
    expect((await chat(harness, second)).status).toBe(200);
    const refused = await chat(harness, first);
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe(
      'SB_ERR_RATE_LIMITED',
    );
    const unmatched = await chat(harness, second, 'other');
    expect(unmatched.status).toBe(200);
    expect(unmatched.headers.get('x-ratelimit-limit-requests')).toBeNull();
  });

  it('skips a deployment at its own limit for the next one, then answers 429', async () => {
    const harness = await startTestGateway({
      config: `
providers:
  - { id: first, type: openai-compatible, base_url: "${mock.baseUrl}", models: [echo] }
  - { id: second, type: openai-compatible, base_url: "${mock.baseUrl}", models: [echo] }
models:
  - alias: pair
    targets: [{ provider: first, model: echo }, { provider: second, model: echo }]
limits:
  - { scope: deployment, rpm: 1 }
`,
    });
    harnesses.push(harness);
    const key = await harness.createKey();
    const served: (string | null)[] = [];
    for (let index = 0; index < 2; index += 1) {
      const response = await chat(harness, key, 'pair');
      expect(response.status).toBe(200);
      served.push(response.headers.get('x-signalbox-provider'));
      await response.text();
    }
    // The first deployment took its one request a minute; the second took the next.
    expect(served).toEqual(['first', 'second']);
    const refused = await chat(harness, key, 'pair');
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    const body = (await refused.json()) as { error: { code: string } };
    expect(body.error.code).toBe('SB_ERR_RATE_LIMITED');
    // The gateway's own limit is not the deployment's failure: its circuit stays closed.
    const deployments = await harness.admin('GET', '/admin/deployments');
    const listed = (await deployments.json()) as { data: { id: string; circuit: string }[] };
    expect(listed.data.map((deployment) => deployment.circuit)).toEqual(['closed', 'closed']);
  });

  it('holds a key to its concurrency limit while requests are in flight, then frees the slots', async () => {
    const harness = await start('  - { scope: key, max_concurrent: 2 }');
    const key = await harness.createKey();
    const slow = () =>
      fetch(harness.url + '/v1/chat/completions', {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          model: 'chat',
          max_tokens: 16,
          messages: [{ role: 'user', content: '!mock delay_ms=400\nhi' }],
        }),
      });
    const responses = await Promise.all([slow(), slow(), slow()]);
    const statuses = responses.map((response) => response.status).sort();
    expect(statuses).toEqual([200, 200, 429]);
    const refused = responses.find((response) => response.status === 429);
    expect(refused?.headers.get('retry-after')).toBe('1');
    expect(((await refused?.json()) as { error: { message: string } }).error.message).toContain(
      'key concurrency',
    );
    await Promise.all(
      responses.filter((response) => !response.bodyUsed).map((response) => response.text()),
    );
    // Both slots are free again once the answers are over.
    const again = await Promise.all([slow(), slow()]);
    expect(again.map((response) => response.status)).toEqual([200, 200]);
    await Promise.all(again.map((response) => response.text()));
  });

  it('skips a deployment whose concurrency is taken for the next one', async () => {
    const harness = await startTestGateway({
      config: `
providers:
  - { id: first, type: openai-compatible, base_url: "${mock.baseUrl}", models: [echo] }
  - { id: second, type: openai-compatible, base_url: "${mock.baseUrl}", models: [echo] }
models:
  - alias: pair
    targets: [{ provider: first, model: echo }, { provider: second, model: echo }]
limits:
  - { scope: deployment, max_concurrent: 1 }
`,
    });
    harnesses.push(harness);
    const key = await harness.createKey();
    const slow = () =>
      fetch(harness.url + '/v1/chat/completions', {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          model: 'pair',
          messages: [{ role: 'user', content: '!mock delay_ms=300\nhi' }],
        }),
      });
    const responses = await Promise.all([slow(), slow(), slow()]);
    const byProvider = responses.map((response) =>
      response.status === 200 ? response.headers.get('x-signalbox-provider') : response.status,
    );
    expect(byProvider.sort()).toEqual([429, 'first', 'second']);
    await Promise.all(responses.map((response) => response.text()));
  });

  it('does not count POST /v1/route', async () => {
    const harness = await start('  - { scope: key, rpm: 1 }');
    const key = await harness.createKey();
    for (let index = 0; index < 3; index++) {
      const routed = await post(harness, key, '/v1/route');
      expect(routed.status).toBe(200);
      await routed.text();
    }
    const served = await chat(harness, key);
    expect(served.status).toBe(200);
    expect(served.headers.get('x-ratelimit-remaining-requests')).toBe('0');
    expect((await chat(harness, key)).status).toBe(429);
  });

  it('applies limits added by a reload', async () => {
    const harness = await start('  - { scope: model, match: other, rpm: 100 }');
    const key = await harness.createKey();
    expect((await chat(harness, key)).headers.get('x-ratelimit-limit-requests')).toBeNull();
    const path = harness.configPath ?? '';
    writeFileSync(path, readFileSync(path, 'utf8').replace('match: other, rpm: 100', 'rpm: 1'));
    expect((await harness.gateway.reload()).ok).toBe(true);
    expect((await chat(harness, key)).headers.get('x-ratelimit-limit-requests')).toBe('1');
    expect((await chat(harness, key)).status).toBe(429);
  });

  it('enforces one global limit across two gateways sharing Redis', async () => {
    const storage = `
storage:
  redis_url: "\${env:SIGNALBOX_TEST_REDIS_URL_FOR_GATEWAY}"
  redis_key_prefix: "signalbox-test:${randomUUID()}:"
`;
    const limits = '  - { scope: model, rpm: 4 }';
    const [one, two] = [await start(limits, storage), await start(limits, storage)];
    const [keyOne, keyTwo] = [await one.createKey(), await two.createKey()];
    const statuses: number[] = [];
    for (let index = 0; index < 4; index++) {
      const [a, b] = await Promise.all([chat(one, keyOne), chat(two, keyTwo)]);
      statuses.push(a.status, b.status);
      await Promise.all([a.text(), b.text()]);
    }
    expect(statuses.filter((status) => status === 200)).toHaveLength(4);
    expect(statuses.filter((status) => status === 429)).toHaveLength(4);
    const warned = [...one.logLines, ...two.logLines].some((line) => line.includes('local share'));
    expect(warned).toBe(false);
  });
});
