import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresPool } from '../../src/storage/postgres/open-postgres-database.ts';
import { testPostgresUrl } from '../helpers/postgres-test-schemas.ts';
import { spawnServe } from '../helpers/serve-process.ts';

// Three real gateway processes on one PostgreSQL schema and one Redis, as replicas run.
const redisUrl = process.env.SIGNALBOX_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const adminKey = 'scale-out-admin-key-0123456789abcdef';
const schema = `sbtest_${randomBytes(5).toString('hex')}_scale`;
const prefix = `signalbox-test:${randomBytes(6).toString('hex')}:`;
const admin = createPostgresPool({ url: testPostgresUrl, maxConnections: 2 });
const redis = createClient({ url: redisUrl, socket: { reconnectStrategy: false } });
const children: ChildProcess[] = [];
let urls: string[] = [];

// Output at $1,000 per million tokens (input free): a 20-token answer costs exactly its $0.02 hold.
// The replicas share a fresh state directory beside the configuration file, as replicas started
// together on one host do: each run they race to create the audit signing key there.
const config = `
state_dir: state
storage:
  backend: postgres
  postgres_url: \${env:DATABASE_URL}
  postgres_schema: ${schema}
  redis_url: \${env:REDIS_URL}
  redis_key_prefix: "${prefix}"
providers:
  - id: priced
    type: mock
    model_facts: { echo: { price: { input: 0, output: 1000 } } }
budgets:
  - { scope: model, match: priced/echo, usd: 0.2, period: month }
`;

function serve(configPath: string): Promise<string> {
  const server = spawnServe(['--config', configPath, '--port', '0'], {
    SIGNALBOX_ADMIN_KEY: adminKey,
    DATABASE_URL: testPostgresUrl,
    REDIS_URL: redisUrl,
  });
  children.push(server.child);
  return server.url;
}

beforeAll(async () => {
  await admin.query(`CREATE SCHEMA ${schema}`);
  await redis.connect();
  const configPath = join(mkdtempSync(join(tmpdir(), 'signalbox-scale-')), 'signalbox.yaml');
  writeFileSync(configPath, config);
  urls = await Promise.all([serve(configPath), serve(configPath), serve(configPath)]);
}, 60_000);

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(keys);
  await redis.close();
  await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await admin.end();
});

function chat(url: string): Promise<Response> {
  return fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      model: 'priced/echo',
      max_tokens: 20,
      messages: [{ role: 'user', content: '!mock tokens=20\nhello' }],
    }),
  });
}

async function spentUsd(url: string): Promise<{ requests: number; cost_usd: number }> {
  const response = await fetch(`${url}/admin/spend?model=priced/echo`, {
    headers: { authorization: `Bearer ${adminKey}` },
  });
  const report = (await response.json()) as { data: { requests: number; cost_usd: number }[] };
  return report.data[0] ?? { requests: 0, cost_usd: 0 };
}

describe('budgets across three processes sharing PostgreSQL and Redis', () => {
  it('admits exactly what the budget affords out of 100 concurrent requests spread over the replicas', async () => {
    const responses = await Promise.all(
      Array.from({ length: 100 }, (_, index) => chat(urls[index % urls.length] ?? '')),
    );
    const statuses = responses.map((response) => response.status);
    await Promise.all(responses.map((response) => response.text()));
    expect(statuses.filter((status) => status === 200)).toHaveLength(10);
    expect(statuses.filter((status) => status === 402)).toHaveLength(90);
    // Every replica reads the same ledger: ten rows, exactly the budget.
    for (const url of urls) {
      await expect.poll(() => spentUsd(url)).toMatchObject({ requests: 10 });
      expect((await spentUsd(url)).cost_usd).toBeCloseTo(0.2, 12);
    }
  }, 30_000);

  it('rebuilds counters Redis no longer has from the ledger, so the budget stays spent', async () => {
    const counters = await redis.keys(`${prefix}budget:counter:*`);
    expect(counters.length).toBeGreaterThan(0);
    await redis.del(counters);
    const responses = await Promise.all(urls.map((url) => chat(url)));
    expect(responses.map((response) => response.status)).toEqual([402, 402, 402]);
    await Promise.all(responses.map((response) => response.text()));
    const [rebuilt] = await redis.keys(`${prefix}budget:counter:*`);
    expect(await redis.hGet(rebuilt ?? '', 'spent')).toBe(String(200_000_000));
  });
});
