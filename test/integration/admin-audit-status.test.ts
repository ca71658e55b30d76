import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteDatabase } from '../../src/storage/sqlite/open-sqlite-database.ts';
import { startTestGateway, testAdminKey, type TestGateway } from '../helpers/test-gateway.ts';

const config = 'providers:\n  - { id: mock, type: mock }\n';
const running: TestGateway[] = [];

afterEach(async () => {
  for (const harness of running.splice(0)) await harness.close();
});

async function start(stateDir?: string): Promise<TestGateway> {
  const harness = await startTestGateway({
    config,
    ...(stateDir === undefined ? {} : { stateDir }),
  });
  running.push(harness);
  return harness;
}

async function status(harness: TestGateway): Promise<Record<string, unknown>> {
  const response = await harness.admin('GET', '/admin/audit/status');
  expect(response.status).toBe(200);
  return (await response.json()) as Record<string, unknown>;
}

async function verify(harness: TestGateway): Promise<Record<string, unknown>> {
  const response = await harness.admin('POST', '/admin/audit/verify');
  expect(response.status).toBe(200);
  return (await response.json()) as Record<string, unknown>;
}

async function chat(harness: TestGateway, content: string): Promise<void> {
  const response = await fetch(`${harness.baseUrl}/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${testAdminKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'mock/echo', messages: [{ role: 'user', content }] }),
  });
  expect(response.status).toBe(200);
  await response.text();
}

async function waitForRecords(
  harness: TestGateway,
  count: number,
): Promise<Record<string, unknown>> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const current = await status(harness);
    if ((current.records as number) >= count) return current;
    if (Date.now() > deadline) throw new Error('audit records were not written in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('GET /admin/audit/status and POST /admin/audit/verify', () => {
  it('report an empty log on a fresh gateway, then its head after requests, and verify it', async () => {
    const harness = await start();
    expect(await status(harness)).toEqual({ records: 0, head: null, checkpoint: null });
    expect(await verify(harness)).toMatchObject({
      ok: true,
      complete: true,
      records_checked: 0,
      first_bad_seq: null,
    });

    // The verification itself is an audited admin action, then two model requests.
    await chat(harness, 'one');
    await chat(harness, 'two');
    const after = await waitForRecords(harness, 3);
    expect(after.records).toBe(3);
    expect(after.head).toMatchObject({ seq: 2 });
    expect((after.head as { hash: string }).hash).toMatch(/^[0-9a-f]{64}$/);
    const verified = await verify(harness);
    expect(verified).toMatchObject({ ok: true, records_checked: 3, first_bad_seq: null });
  });

  it('show the signed checkpoint and detect a tampered record', async () => {
    const first = await start();
    await chat(first, 'kept');
    await chat(first, 'also kept');
    await waitForRecords(first, 2);
    const stateDir = first.stateDir;
    // Closing signs a last checkpoint over every record.
    await first.close();
    running.splice(running.indexOf(first), 1);

    const intact = await start(stateDir);
    const current = await status(intact);
    expect(current.checkpoint).toMatchObject({ origin: 'signalbox-audit', tree_size: 2 });
    expect((current.checkpoint as { root_hash: string }).root_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(await verify(intact)).toMatchObject({ ok: true, checkpoints_verified: 1 });
    await intact.close();
    running.splice(running.indexOf(intact), 1);

    const database = openSqliteDatabase(stateDir);
    // Someone with access to the file is not bound by the triggers: they drop them.
    database.exec('DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;');
    database
      .prepare("UPDATE audit_log SET payload = replace(payload, '200', '500') WHERE seq = 1")
      .run();
    database.close();

    const tampered = await start(stateDir);
    const report = await verify(tampered);
    expect(report).toMatchObject({ ok: false, complete: true, first_bad_seq: 1 });
    expect(report.detail).toContain('record 1');
  });

  it('are for platform readers only', async () => {
    const harness = await start();
    const created = (await (
      await harness.admin('POST', '/admin/keys', { name: 'member', role: 'member' })
    ).json()) as { key: string };
    for (const [method, path] of [
      ['GET', '/admin/audit/status'],
      ['POST', '/admin/audit/verify'],
    ] as const) {
      const response = await fetch(harness.url + path, {
        method,
        headers: { authorization: `Bearer ${created.key}` },
      });
      expect(response.status).toBe(403);
    }
  });
});
