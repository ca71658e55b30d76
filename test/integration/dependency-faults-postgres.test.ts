import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresPool } from '../../src/storage/postgres/open-postgres-database.ts';
import { startFaultProxy, type FaultProxy } from '../helpers/fault-proxy.ts';
import { testPostgresUrl } from '../helpers/postgres-test-schemas.ts';
import { startTestGateway, testAdminKey, type TestGateway } from '../helpers/test-gateway.ts';

// The degraded modes of the PostgreSQL-backed writers (spend ledger, audit log, request log)
// against the test server behind a fault proxy: the database refusing writes (a trigger raises on
// INSERT), a commit whose reply is lost (connections reset while COMMIT runs), and connections
// reset in the middle of a burst of group commits. Requests are served while rows wait in memory,
// then refused with 503 SB_ERR_LEDGER_BACKLOG; once the fault is gone every request has exactly
// one ledger row, one audit record and one request log row, and the audit chain verifies.
const schema = `sbtest_${randomBytes(5).toString('hex')}_pgfaults`;
const backlog = 20;
// Trust authentication ignores the password, so a canary in the URL is harmless and checkable.
const canary = 'canary-postgres-secret-9c4b';
const target = new URL(testPostgresUrl);
// Sets faults up and reads the truth directly, never through the proxy.
const direct = createPostgresPool({ url: testPostgresUrl, maxConnections: 3 });
direct.on('error', () => undefined);

let proxy: FaultProxy;
let harness: TestGateway;
/** Request ids the gateway answered 200, and those it refused (non-200), in order. */
const admitted: string[] = [];
const refused: string[] = [];
const bodies: string[] = [];

beforeAll(async () => {
  await direct.query(`CREATE SCHEMA ${schema}`);
  proxy = await startFaultProxy({
    host: target.hostname,
    port: target.port === '' ? 5432 : Number(target.port),
  });
  const proxied = new URL(testPostgresUrl);
  proxied.hostname = '127.0.0.1';
  proxied.port = String(proxy.port);
  proxied.password = canary;
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
    environment: { DATABASE_URL: proxied.toString() },
  });
}, 30_000);

afterAll(async () => {
  proxy.clear();
  await proxy.up().catch(() => undefined);
  await harness.close();
  await proxy.close();
  await direct.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await direct.end();
}, 30_000);

/** One chat request; remembers its request id as admitted (200) or refused. */
async function chat(): Promise<{ status: number; headers: Headers; body: string }> {
  const response = await fetch(`${harness.baseUrl}/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${testAdminKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      model: 'priced/echo',
      max_tokens: 5,
      messages: [{ role: 'user', content: '!mock tokens=5\nhello' }],
    }),
    signal: AbortSignal.timeout(20_000),
  });
  const body = await response.text();
  bodies.push(body);
  const id = response.headers.get('x-signalbox-request-id') ?? 'missing request id';
  (response.status === 200 ? admitted : refused).push(id);
  return { status: response.status, headers: response.headers, body };
}

async function column(sql: string): Promise<string[]> {
  const result = await direct.query<{ value: string }>(sql);
  return result.rows.map((row) => row.value);
}

const ledgerIds = (): Promise<string[]> =>
  column(`SELECT request_id AS value FROM ${schema}.spend_ledger`);
const auditedIds = (): Promise<string[]> =>
  column(
    `SELECT payload::json->>'request_id' AS value FROM ${schema}.audit_log WHERE kind = 'request'`,
  );
const loggedIds = (): Promise<string[]> =>
  column(`SELECT request_id AS value FROM ${schema}.request_log WHERE route LIKE '/v1/%'`);

function errorCode(body: string): string | undefined {
  return (JSON.parse(body) as { error?: { code?: string } }).error?.code;
}

const sorted = (values: readonly string[]): string[] => [...values].sort();

/**
 * Waits until every admitted request has exactly one ledger row (refused ones none), and every
 * request, admitted or refused, exactly one audit record and one request log row; then checks
 * the audit chain through the gateway.
 */
async function expectEveryRecordOnce(): Promise<void> {
  const answered = sorted([...admitted, ...refused]);
  await expect
    .poll(async () => sorted(await ledgerIds()), { timeout: 15_000 })
    .toEqual(sorted(admitted));
  await expect.poll(async () => sorted(await auditedIds()), { timeout: 15_000 }).toEqual(answered);
  await expect.poll(async () => sorted(await loggedIds()), { timeout: 15_000 }).toEqual(answered);
  const verified = await harness.admin('POST', '/admin/audit/verify');
  const report = (await verified.json()) as { ok: boolean; complete: boolean; problems: unknown };
  expect(report, JSON.stringify(report.problems)).toMatchObject({ ok: true, complete: true });
}

const logged = (text: string): number =>
  harness.logLines.filter((line) => line.includes(text)).length;

describe('PostgreSQL refusing writes (a trigger raises on every INSERT)', () => {
  it('serves while rows wait in memory, then 503s, and writes every row once writes are allowed', async () => {
    for (let index = 0; index < 3; index += 1) expect((await chat()).status).toBe(200);
    await expectEveryRecordOnce();

    await direct.query(`
      CREATE FUNCTION ${schema}.refuse_writes() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'writes refused (test fault)' USING ERRCODE = 'read_only_sql_transaction'; END $$;
      CREATE TRIGGER refuse_ledger BEFORE INSERT ON ${schema}.spend_ledger
        FOR EACH STATEMENT EXECUTE FUNCTION ${schema}.refuse_writes();
      CREATE TRIGGER refuse_audit BEFORE INSERT ON ${schema}.audit_log
        FOR EACH STATEMENT EXECUTE FUNCTION ${schema}.refuse_writes();
      CREATE TRIGGER refuse_request_log BEFORE INSERT ON ${schema}.request_log
        FOR EACH STATEMENT EXECUTE FUNCTION ${schema}.refuse_writes();`);
    try {
      await refuseWritesUntilBacklogIsFull();
    } finally {
      await direct.query(`DROP FUNCTION IF EXISTS ${schema}.refuse_writes() CASCADE`);
    }
    const restored = performance.now();
    await expectEveryRecordOnce();
    // Within the writers' retry backoff (at most 5 s) plus the test's polling.
    expect(performance.now() - restored).toBeLessThan(15_000);
    expect((await chat()).status).toBe(200);
    await expectEveryRecordOnce();
  }, 40_000);
});

/** Sends requests while writes are refused: `backlog` are served, then 503. */
async function refuseWritesUntilBacklogIsFull(): Promise<void> {
  const writtenBefore = admitted.length;
  // Sequential, nothing waiting at the fault: exactly `backlog` more are admitted, then 503.
  const statuses: number[] = [];
  let last: { status: number; headers: Headers; body: string } | undefined;
  for (let index = 0; index < backlog * 2 && last?.status !== 503; index += 1) {
    last = await chat();
    statuses.push(last.status);
  }
  expect(statuses).toEqual([...Array.from({ length: backlog }, () => 200), 503]);
  expect(last?.headers.get('retry-after')).toBe('5');
  expect((JSON.parse(last?.body ?? '{}') as { error?: { code?: string } }).error?.code).toBe(
    'SB_ERR_LEDGER_BACKLOG',
  );
  expect(await ledgerIds()).toHaveLength(writtenBefore);
  // (Ledger rows may wait for their audit record first, so the audit writer reports it.)
  expect(logged('could not be written')).toBeGreaterThan(0);
  // Reads still work: the spend report answers while writes are refused.
  expect((await harness.admin('GET', '/admin/spend')).status).toBe(200);
}

describe('PostgreSQL stopped mid-write', () => {
  it('writes nothing twice when a commit succeeded but its reply was lost', async () => {
    // A deferred trigger holds the next audit COMMIT for 1.5 s: the connection is reset while
    // the server completes it, so the writer sees a failure for a batch that was written.
    await direct.query(`
      CREATE TABLE ${schema}.fault_armed (armed boolean NOT NULL);
      INSERT INTO ${schema}.fault_armed VALUES (true);
      CREATE FUNCTION ${schema}.slow_commit() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF (SELECT armed FROM ${schema}.fault_armed) THEN
          UPDATE ${schema}.fault_armed SET armed = false;
          PERFORM pg_sleep(1.5);
        END IF;
        RETURN NULL;
      END $$;
      CREATE CONSTRAINT TRIGGER slow_commit AFTER INSERT ON ${schema}.audit_log
        DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ${schema}.slow_commit();`);
    try {
      expect((await chat()).status).toBe(200);
      await expect
        .poll(
          async () =>
            (
              await direct.query<{ n: number }>(
                `SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event = 'PgSleep'
                   AND query ILIKE 'commit%'`,
              )
            ).rows[0]?.n,
          { timeout: 10_000, interval: 20 },
        )
        .toBe(1);
      proxy.reset();
      await expectEveryRecordOnce();
    } finally {
      await direct.query(`DROP FUNCTION ${schema}.slow_commit() CASCADE`);
    }
  }, 40_000);

  it('loses and duplicates nothing when every connection is reset during a burst', async () => {
    const burst = Promise.all(Array.from({ length: 15 }, () => chat()));
    await new Promise((resolve) => setTimeout(resolve, 30));
    await proxy.down('reset');
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await proxy.up();
    const statuses = (await burst).map((answer) => answer.status);
    // Rows are written behind the answers: the reset costs no request.
    expect(statuses.every((status) => status === 200)).toBe(true);
    await expectEveryRecordOnce();
    expect((await chat()).status).toBe(200);
    await expectEveryRecordOnce();
  }, 40_000);

  it('serves while PostgreSQL is slow (300 ms each way), and writes every row', async () => {
    proxy.set({ latencyMs: 300 });
    try {
      const answers = await Promise.all(Array.from({ length: 5 }, () => chat()));
      expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200]);
    } finally {
      proxy.clear();
    }
    await expectEveryRecordOnce();
  }, 40_000);
});

describe('PostgreSQL unreachable (connections refused)', () => {
  it('authenticates keys it has seen, refuses others with a 503, and recovers', async () => {
    const seen = await harness.createKey({ name: 'seen' });
    const unseen = await harness.createKey({ name: 'unseen' });
    const call = async (key: string): Promise<{ status: number; body: string }> => {
      const response = await fetch(`${harness.baseUrl}/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'priced/echo', messages: [{ role: 'user', content: 'hi' }] }),
        signal: AbortSignal.timeout(20_000),
      });
      const body = await response.text();
      bodies.push(body);
      const id = response.headers.get('x-signalbox-request-id') ?? 'missing request id';
      (response.status === 200 ? admitted : refused).push(id);
      return { status: response.status, body };
    };
    expect((await call(seen)).status).toBe(200);
    await proxy.down('refuse');
    try {
      const cached = await call(seen);
      const uncached = await call(unseen);
      const write = await harness.admin('POST', '/admin/keys', { name: 'during outage' });
      const writeBody = await write.text();
      bodies.push(writeBody);
      // A key seen before is checked from memory: served, its rows wait for the database.
      expect(cached.status).toBe(200);
      // A key never seen needs the database: a retryable 503 (before the fix, a 500).
      expect(uncached.status).toBe(503);
      expect(errorCode(uncached.body)).toBe('SB_ERR_STORAGE_UNAVAILABLE');
      expect(write.status).toBe(503);
      expect(write.headers.get('retry-after')).toBe('5');
      expect(errorCode(writeBody)).toBe('SB_ERR_STORAGE_UNAVAILABLE');
    } finally {
      await proxy.up();
    }
    await expectEveryRecordOnce();
    expect((await call(unseen)).status).toBe(200);
    await expectEveryRecordOnce();
  }, 40_000);
});

describe('secrets', () => {
  it('never writes the database password into a log line or an answer', () => {
    expect(harness.logLines.length).toBeGreaterThan(0);
    for (const text of [...harness.logLines, ...bodies]) expect(text).not.toContain(canary);
  });
});
