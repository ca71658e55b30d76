import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.ts';
import { merkleLeafHash, verifyMerkleInclusion } from '../../src/pipeline/audit/merkle-tree.ts';
import type { AuditLogRecord } from '../../src/storage/ports.ts';
import { SqliteAuditLogStore } from '../../src/storage/sqlite/audit-log-store.ts';
import { openSqliteDatabase } from '../../src/storage/sqlite/open-sqlite-database.ts';
import { captureIo } from '../helpers/capture-io.ts';
import { startTestGateway, testAdminKey, type TestGateway } from '../helpers/test-gateway.ts';

let harness: TestGateway;

beforeAll(async () => {
  harness = await startTestGateway({ config: 'providers:\n  - { id: mock, type: mock }\n' });
});

afterAll(async () => {
  await harness.close();
});

async function storedRecords(): Promise<AuditLogRecord[]> {
  const store = new SqliteAuditLogStore(openSqliteDatabase(harness.stateDir));
  return store.read(0, 1000);
}

describe('the audit trail of a running gateway', () => {
  it('chains one event per request decision, admin write and window of auth failures, signs a checkpoint, and verifies', async () => {
    const secret = 'sk-proj-auditcanary0123456789abcdefghijkl';
    const served = await fetch(`${harness.baseUrl}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${testAdminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'mock/echo',
        user: 'customer-9',
        messages: [{ role: 'user', content: `the prompt text ${secret}` }],
      }),
    });
    expect(served.status).toBe(200);
    await served.text();
    const policy = await fetch(`${harness.url}/admin/policy`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${testAdminKey}`, 'content-type': 'application/yaml' },
      body: 'name: audited\nrules: []\n',
    });
    expect(policy.status).toBe(201);
    const refused = await fetch(`${harness.baseUrl}/models`, {
      headers: { authorization: 'Bearer sk-sb-not-a-real-key' },
    });
    expect(refused.status).toBe(401);
    await harness.gateway.close();

    const records = await storedRecords();
    expect(records.map((record) => record.kind)).toEqual([
      'request',
      'admin.action',
      'auth.failures',
    ]);
    const request = JSON.parse(records[0]?.payload ?? '{}') as Record<string, unknown>;
    expect(request).toMatchObject({
      route: '/v1/chat/completions',
      status: 200,
      requested_model: 'mock/echo',
      identity: { key_id: 'environment', end_user: { id: 'customer-9', verified: false } },
    });
    expect(JSON.parse(records[2]?.payload ?? '{}')).toMatchObject({
      total: 1,
      by_code: { SB_ERR_AUTH_INVALID_KEY: 1 },
    });
    // Prompts and keys never reach the chained record.
    const everything = records.map((record) => record.payload).join('\n');
    expect(everything).not.toContain('the prompt text');
    expect(everything).not.toContain(secret);
    expect(everything).not.toContain(testAdminKey);

    const { io, out } = captureIo();
    expect(await runCli(['audit', 'verify', '--state-dir', harness.stateDir, '--json'], io)).toBe(
      0,
    );
    expect(JSON.parse(out.join(''))).toMatchObject({ intact: true, recordCount: 3 });

    // A restarted gateway serves proofs that verify against the log's root.
    harness = await startTestGateway({
      config: 'providers:\n  - { id: mock, type: mock }\n',
      stateDir: harness.stateDir,
    });
    const response = await harness.admin('GET', '/admin/audit/proof?seq=1&size=3');
    expect(response.status).toBe(200);
    const proof = (await response.json()) as {
      recordHash: string;
      rootHash: string;
      path: string[];
    };
    expect(proof.recordHash).toBe(records[1]?.hash);
    expect(
      verifyMerkleInclusion(
        merkleLeafHash(Buffer.from(proof.recordHash, 'hex')),
        1,
        3,
        proof.path.map((hash) => Buffer.from(hash, 'hex')),
        Buffer.from(proof.rootHash, 'hex'),
      ),
    ).toBe(true);
    expect((await harness.admin('GET', '/admin/audit/proof?seq=9')).status).toBe(400);
  });
});
