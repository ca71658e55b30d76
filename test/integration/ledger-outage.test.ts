import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createPostgresPool,
  openPostgresDatabase,
} from '../../src/storage/postgres/open-postgres-database.ts';
import { PostgresSqlDatabase } from '../../src/storage/postgres/postgres-sql-database.ts';
import { startCuttableTcpProxy, type CuttableTcpProxy } from '../helpers/cuttable-tcp-proxy.ts';
import { startTestGateway, testAdminKey, type TestGateway } from '../helpers/test-gateway.ts';

// The degraded mode of the spend ledger against a real PostgreSQL whose network link is cut:
// requests are still served (rows are written behind them), rows wait in memory up to
// `server.ledger_backlog` and then new requests are refused, and once the link is back every
// admitted request has exactly one row.
const url = process.env.SIGNALBOX_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = `sbtest_${randomBytes(5).toString('hex')}_outage`;
const backlog = 10;
const target = {
  host: new URL(url).hostname,
  port: new URL(url).port === '' ? 5432 : Number(new URL(url).port),
};
// Reaches the database directly, never through the proxy: it sets up and inspects.
const direct = createPostgresPool({ url, maxConnections: 2, connectionTimeoutMs: 5_000 });

/** `url` with its host and port replaced by the proxy's. */
function throughProxy(link: CuttableTcpProxy): string {
  const proxied = new URL(url);
  proxied.hostname = '127.0.0.1';
  proxied.port = String(link.port);
  return proxied.toString();
}

let proxy: CuttableTcpProxy;
let harness: TestGateway;
/** Request ids of every request the gateway admitted (answered 200), in order. */
const admitted: string[] = [];

beforeAll(async () => {
  proxy = await startCuttableTcpProxy(target);
  await direct.query(`CREATE SCHEMA ${schema}`);
  // No budgets: admission never needs the database, only the ledger does.
  harness = await startTestGateway({
    config: `
server: { ledger_backlog: ${String(backlog)} }
storage:
  backend: postgres
  postgres_url: \${env:DATABASE_URL}
  postgres_schema: ${schema}
providers:
  - id: priced
    type: mock
    model_facts: { echo: { price: { input: 0, output: 1000 } } }
`,
    environment: { DATABASE_URL: throughProxy(proxy) },
  });
});

afterAll(async () => {
  proxy.restore();
  await harness.close();
  await proxy.close();
  await direct.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await direct.end();
});

/** One chat request; a 200 is remembered as admitted. Returns the response, body read. */
async function chat(): Promise<{ status: number; headers: Headers; body: string }> {
  const response = await fetch(`${harness.baseUrl}/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${testAdminKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      model: 'priced/echo',
      max_tokens: 5,
      messages: [{ role: 'user', content: '!mock tokens=5\nhello' }],
    }),
  });
  const body = await response.text();
  if (response.status === 200) {
    admitted.push(response.headers.get('x-signalbox-request-id') ?? 'missing request id');
  }
  return { status: response.status, headers: response.headers, body };
}

/** Requests the spend report (through the gateway, so it needs the database) counts, or undefined. */
async function reportedRequests(): Promise<number | undefined> {
  const response = await harness.admin('GET', '/admin/spend?group_by=model&model=priced/echo');
  if (response.status !== 200) {
    await response.text();
    return undefined;
  }
  const report = (await response.json()) as {
    data: { requests: number; estimated_requests: number }[];
  };
  const row = report.data[0];
  expect(row?.estimated_requests ?? 0).toBe(0);
  return row?.requests ?? 0;
}

/** The request ids the ledger holds, read directly from PostgreSQL, duplicates kept. */
async function ledgerRequestIds(): Promise<string[]> {
  const result = await direct.query<{ request_id: string }>(
    `SELECT request_id FROM ${schema}.spend_ledger ORDER BY seq`,
  );
  return result.rows.map((row) => row.request_id);
}

/** Waits until the report (through the gateway) counts every admitted request, then checks rows. */
async function expectEveryAdmittedRequestOnce(): Promise<void> {
  await expect.poll(reportedRequests, { timeout: 20_000, interval: 100 }).toBe(admitted.length);
  const ids = await ledgerRequestIds();
  // Exactly one row per admitted request: none lost, none duplicated, none for anything else.
  expect([...ids].sort()).toEqual([...admitted].sort());
  expect(new Set(ids).size).toBe(ids.length);
}

// A ledger row waits for its request's audit record, also in PostgreSQL: either write fails first.
const writeFailures = (): number =>
  harness.logLines.filter(
    (line) =>
      line.includes('the spend ledger could not be written') ||
      line.includes('the audit log could not be written'),
  ).length;

describe('the spend ledger while PostgreSQL is unreachable', () => {
  it('keeps serving, and writes every row once the database is back', async () => {
    for (let index = 0; index < 3; index += 1) {
      expect((await chat()).status).toBe(200);
    }
    await expectEveryAdmittedRequestOnce();

    proxy.cut();
    const before = writeFailures();
    const outage = backlog - 2;
    for (let index = 0; index < outage; index += 1) {
      const response = await chat();
      // Rows are written behind the request: the answer does not wait for the database.
      expect(response.status, response.body).toBe(200);
    }
    await expect.poll(writeFailures, { timeout: 5_000 }).toBeGreaterThan(before);
    // While the link is down the report cannot be read, and no row reached the database.
    expect(await reportedRequests()).toBeUndefined();
    expect(await ledgerRequestIds()).toHaveLength(3);

    proxy.restore();
    await expectEveryAdmittedRequestOnce();
    expect(admitted).toHaveLength(3 + outage);
  });

  it('buffers at most server.ledger_backlog rows, then refuses new requests with 503', async () => {
    // The previous test left nothing waiting: every admitted request has its row.
    await expectEveryAdmittedRequestOnce();
    const writtenBefore = admitted.length;

    proxy.cut();
    // Sent one at a time, so no request is in flight when the backlog fills: a 200's row is
    // queued before its answer is written (settle runs as the body is ended) and admission
    // checks the backlog before anything else. With nothing waiting at the cut, exactly
    // `backlog` requests are admitted and the next one is refused.
    const statuses: number[] = [];
    let refused: { status: number; headers: Headers; body: string } | undefined;
    for (let index = 0; index < backlog * 3 && refused === undefined; index += 1) {
      const response = await chat();
      statuses.push(response.status);
      if (response.status !== 200) {
        refused = response;
      }
    }
    expect(statuses).toEqual([...Array.from({ length: backlog }, () => 200), 503]);
    expect(refused?.headers.get('retry-after')).toBe('5');
    expect((JSON.parse(refused?.body ?? '{}') as { error?: { code?: string } }).error?.code).toBe(
      'SB_ERR_LEDGER_BACKLOG',
    );
    // It stays full (memory stays bounded) for as long as the database is away.
    for (let index = 0; index < 3; index += 1) {
      expect((await chat()).status).toBe(503);
    }
    expect(admitted).toHaveLength(writtenBefore + backlog);
    expect(await ledgerRequestIds()).toHaveLength(writtenBefore);

    proxy.restore();
    await expectEveryAdmittedRequestOnce();
    // The backlog is written: requests are admitted again.
    expect((await chat()).status).toBe(200);
    await expectEveryAdmittedRequestOnce();
  });
});

describe('the PostgreSQL pool across a cut link', () => {
  it('rejects a transaction whose connection is cut, without crashing, and reconnects', async () => {
    const link = await startCuttableTcpProxy(target);
    const pool = await openPostgresDatabase({ url: throughProxy(link), schema });
    try {
      const database = new PostgresSqlDatabase(pool);
      // A connection checked out of the pool (in a transaction) when the link goes: before the
      // fix its 'error' event had no listener and crashed the process.
      const running = database.transaction((session) => session.rows('SELECT pg_sleep(2)', []));
      await expect.poll(() => pool.totalCount - pool.idleCount).toBe(1);
      link.cut();
      await expect(running).rejects.toThrow();
      await expect(database.rows('SELECT 1 AS one', [])).rejects.toThrow();
      link.restore();
      expect(await database.rows('SELECT 1 AS one', [])).toEqual([{ one: 1 }]);
      expect(await database.transaction((session) => session.rows('SELECT 2 AS two', []))).toEqual([
        { two: 2 },
      ]);
    } finally {
      await pool.end();
      await link.close();
    }
  });
});
