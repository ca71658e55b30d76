import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.ts';
import type { AuditLogRecord } from '../../src/storage/ports.ts';
import { SqlAuditLogStore } from '../../src/storage/sql/sql-audit-log-store.ts';
import { SqlAuditPayloadStore } from '../../src/storage/sql/sql-audit-payload-store.ts';
import { openSqliteDatabase } from '../../src/storage/sqlite/open-sqlite-database.ts';
import { SqliteSqlDatabase } from '../../src/storage/sqlite/sqlite-sql-database.ts';
import { captureIo } from '../helpers/capture-io.ts';
import { startTestGateway, testAdminKey, type TestGateway } from '../helpers/test-gateway.ts';

const encryptionKey = Buffer.alloc(32, 7).toString('base64');
const retainingConfig = `providers:
  - { id: mock, type: mock }
audit:
  checkpoint_every_records: 2
  payloads: { retention_days: 30, max_bytes: 4096 }
`;

let harness: TestGateway | undefined;

afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

function stores(stateDir: string) {
  const sql = new SqliteSqlDatabase(openSqliteDatabase(stateDir));
  return { log: new SqlAuditLogStore(sql), payloads: new SqlAuditPayloadStore(sql) };
}

/** The log's records once `count` of kind `kind` are there (they are written behind answers). */
async function recordsWhen(
  stateDir: string,
  kind: string,
  count: number,
): Promise<AuditLogRecord[]> {
  const { log } = stores(stateDir);
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const records = await log.read(0, 1000);
    if (records.filter((record) => record.kind === kind).length >= count) return records;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`fewer than ${String(count)} ${kind} records were written`);
}

function chat(gateway: TestGateway, content: string, stream: boolean): Promise<Response> {
  return fetch(`${gateway.baseUrl}/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${testAdminKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      model: 'mock/echo',
      stream,
      messages: [{ role: 'user', content }],
    }),
  });
}

describe('audit payload retention', () => {
  it('keeps the redacted request and the delivered answer, sealed per organisation, until the key is erased', async () => {
    const gateway = await startTestGateway({
      config: retainingConfig,
      environment: { SIGNALBOX_ENCRYPTION_KEY: encryptionKey },
    });
    harness = gateway;
    const policy = await fetch(`${gateway.url}/admin/policy`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${testAdminKey}`, 'content-type': 'application/yaml' },
      body: [
        'name: mask-email',
        'rules:',
        '  - name: mask',
        '    when: { data_classes: [email] }',
        '    action: redact',
        '    redact: { classes: [email] }',
        '',
      ].join('\n'),
    });
    expect(policy.status).toBe(201);
    const plain = await chat(gateway, 'write to jane.doe@example.com about the invoice', false);
    expect(plain.status).toBe(200);
    const answer = await plain.text();
    const streamed = await chat(gateway, 'stream me an answer', true);
    const streamedText = await streamed.text();
    expect(streamedText).toContain('data: [DONE]');

    const records = await recordsWhen(gateway.stateDir, 'request', 2);
    const requests = records.filter((record) => record.kind === 'request');
    const { payloads } = stores(gateway.stateDir);
    for (const record of requests) {
      const retained = (JSON.parse(record.payload) as { retained_payload: { sha256: string } })
        .retained_payload;
      const row = await payloads.read(record.seq);
      expect(createHash('sha256').update(row!.sealed).digest('hex')).toBe(retained.sha256);
    }
    // Neither prompts nor answers are in the chain itself.
    const chain = records.map((record) => record.payload).join('\n');
    expect(chain).not.toContain('jane.doe');
    expect(chain).not.toContain('invoice');

    const first = await gateway.admin('GET', `/admin/audit/payloads/${String(requests[0]!.seq)}`);
    expect(first.status).toBe(200);
    const kept = (await first.json()) as Record<string, unknown>;
    expect(kept).toMatchObject({
      seq: requests[0]!.seq,
      org: 'default',
      request_truncated: false,
      response_truncated: false,
      response: answer,
    });
    expect(kept.request).toContain('about the invoice');
    expect(kept.request).not.toContain('jane.doe@example.com');
    const second = await gateway.admin('GET', `/admin/audit/payloads/${String(requests[1]!.seq)}`);
    expect(((await second.json()) as { response: string }).response).toBe(streamedText);
    expect((await gateway.admin('GET', '/admin/audit/payloads/999999')).status).toBe(404);
    expect((await gateway.admin('GET', '/admin/audit/payloads/not-a-seq')).status).toBe(404);

    const erased = await gateway.admin('DELETE', '/admin/audit/payload-keys/default');
    expect(erased.status).toBe(200);
    expect(((await erased.json()) as { erased_key_ids: string[] }).erased_key_ids).toHaveLength(1);
    const gone = await gateway.admin('GET', `/admin/audit/payloads/${String(requests[0]!.seq)}`);
    expect(gone.status).toBe(410);
    expect(((await gone.json()) as { error: { code: string } }).error.code).toBe(
      'SB_ERR_AUDIT_PAYLOAD_ERASED',
    );

    await gateway.gateway.close();
    const final = await stores(gateway.stateDir).log.read(0, 1000);
    const kinds = final.map((record) => record.kind);
    expect(kinds.filter((kind) => kind === 'audit.payload_read')).toHaveLength(4);
    expect(kinds).toContain('audit.tenant_key_erased');
    // The chain and the checkpoints still verify after the erasure.
    const { io, out } = captureIo();
    expect(await runCli(['audit', 'verify', '--state-dir', gateway.stateDir, '--json'], io)).toBe(
      0,
    );
    expect(JSON.parse(out.join(''))).toMatchObject({ intact: true, recordCount: final.length });

    // Deleting a payload row and planting another's sealed bytes under it is caught.
    const database = openSqliteDatabase(gateway.stateDir);
    const [a, b] = requests.map((record) => record.seq) as [number, number];
    database.exec(`DELETE FROM audit_payloads WHERE seq = ${String(a)}`);
    database.exec(
      `INSERT INTO audit_payloads (seq, request_id, org, key_id, sealed)
       SELECT ${String(a)}, request_id, org, key_id, sealed FROM audit_payloads WHERE seq = ${String(b)}`,
    );
    database.close();
    const tampered = captureIo();
    expect(
      await runCli(['audit', 'verify', '--state-dir', gateway.stateDir, '--json'], tampered.io),
    ).toBe(1);
    expect(JSON.parse(tampered.out.join(''))).toMatchObject({
      intact: false,
      firstBadSeq: a,
      problems: [{ kind: 'payload-digest-mismatch', seq: a }],
    });
  });

  it('cuts payloads at max_bytes and says so', async () => {
    harness = await startTestGateway({
      config: retainingConfig,
      environment: { SIGNALBOX_ENCRYPTION_KEY: encryptionKey },
    });
    const served = await chat(harness, `long ${'é'.repeat(5000)}`, false);
    expect(served.status).toBe(200);
    await served.text();
    const [record] = (await recordsWhen(harness.stateDir, 'request', 1)).filter(
      (entry) => entry.kind === 'request',
    );
    const kept = (await (
      await harness.admin('GET', `/admin/audit/payloads/${String(record!.seq)}`)
    ).json()) as { request: string; request_truncated: boolean; response_truncated: boolean };
    expect(kept.request_truncated).toBe(true);
    expect(kept.response_truncated).toBe(true);
    expect(Buffer.byteLength(kept.request)).toBeLessThanOrEqual(4096 + 2);
  });

  it('refuses to start without an encryption key, and keeps nothing when retention is off', async () => {
    await expect(startTestGateway({ config: retainingConfig })).rejects.toThrow(
      /audit\.payloads[\s\S]*SIGNALBOX_ENCRYPTION_KEY/,
    );
    harness = await startTestGateway({ config: 'providers:\n  - { id: mock, type: mock }\n' });
    await (await chat(harness, 'nothing kept', false)).text();
    const [record] = (await recordsWhen(harness.stateDir, 'request', 1)).filter(
      (entry) => entry.kind === 'request',
    );
    expect(JSON.parse(record!.payload)).not.toHaveProperty('retained_payload');
    expect(
      (await harness.admin('GET', `/admin/audit/payloads/${String(record!.seq)}`)).status,
    ).toBe(404);
  });

  it('records nothing with audit.enabled: false', async () => {
    harness = await startTestGateway({
      config: 'providers:\n  - { id: mock, type: mock }\naudit: { enabled: false }\n',
    });
    await (await chat(harness, 'unrecorded', false)).text();
    await harness.gateway.close();
    expect(await stores(harness.stateDir).log.count()).toBe(0);
  });
});
