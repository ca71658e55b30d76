import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresPool } from '../../src/storage/postgres/open-postgres-database.ts';
import { postgresMigrations } from '../../src/storage/postgres/postgres-migrations.ts';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';

// Two gateways on one PostgreSQL schema, as replicas behind a load balancer would run.
const url = process.env.SIGNALBOX_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = `sbtest_${randomBytes(5).toString('hex')}_gw`;
const admin = createPostgresPool({ url, maxConnections: 2, connectionTimeoutMs: 5_000 });

const config = `
storage:
  backend: postgres
  postgres_url: \${env:DATABASE_URL}
  postgres_schema: ${schema}
providers:
  - { id: mock, type: mock }
`;

let first: TestGateway;
let second: TestGateway;

beforeAll(async () => {
  await admin.query(`CREATE SCHEMA ${schema}`);
  // Both start at once: the migration runs exactly once, under the advisory lock.
  [first, second] = await Promise.all([
    startTestGateway({ config, environment: { DATABASE_URL: url } }),
    startTestGateway({ config, environment: { DATABASE_URL: url } }),
  ]);
});

afterAll(async () => {
  await Promise.all([first.close(), second.close()]);
  await admin.query(`DROP SCHEMA ${schema} CASCADE`);
  await admin.end();
});

function chat(harness: TestGateway, key: string): Promise<Response> {
  return fetch(`${harness.baseUrl}/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'mock/echo', messages: [{ role: 'user', content: 'hi' }] }),
  });
}

/** Polls until `check` holds (replicas refresh their key caches about once a second). */
async function eventually(check: () => Promise<boolean>, timeoutMs = 5_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) {
      return true;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}

describe('PostgreSQL storage shared by two gateways', () => {
  it('keeps keys in the configured schema, migrated once', async () => {
    const versions = await admin.query<{ version: number | string }>(
      `SELECT version FROM ${schema}.signalbox_schema_migrations ORDER BY version`,
    );
    expect(versions.rows.map((row) => Number(row.version))).toEqual(
      postgresMigrations.map((_, index) => index + 1),
    );
  });

  it('serves a key created on one replica from the other, and refuses it there once revoked', async () => {
    const key = await first.createKey({ name: 'shared' });
    const id = key.split('_')[1] ?? '';
    const stored = await admin.query(`SELECT id FROM ${schema}.virtual_keys WHERE name = $1`, [
      'shared',
    ]);
    expect(stored.rows).toHaveLength(1);

    expect(await eventually(async () => (await chat(second, key)).status === 200)).toBe(true);

    const listed = (await (await first.admin('GET', '/admin/keys')).json()) as {
      data: { id: string; name: string }[];
    };
    const keyId = listed.data.find((entry) => entry.name === 'shared')?.id ?? id;
    expect((await first.admin('DELETE', `/admin/keys/${keyId}`)).status).toBe(200);
    expect(await eventually(async () => (await chat(second, key)).status === 401)).toBe(true);
  });
});
