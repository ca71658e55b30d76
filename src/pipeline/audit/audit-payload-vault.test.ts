import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../test/helpers/manual-clock.ts';
import { CredentialDecryptionError } from '../../lib/credential-envelope.ts';
import { EncryptionKeyRing, parseEncryptionKey } from '../../lib/encryption-key-ring.ts';
import { SqlAuditLogStore } from '../../storage/sql/sql-audit-log-store.ts';
import { SqlAuditPayloadStore } from '../../storage/sql/sql-audit-payload-store.ts';
import { openSqliteDatabase } from '../../storage/sqlite/open-sqlite-database.ts';
import { SqliteSqlDatabase } from '../../storage/sqlite/sqlite-sql-database.ts';
import { AuditPayloadVault } from './audit-payload-vault.ts';
import { buildAuditRecords } from './audit-record.ts';
import { sealedPayloadDigest } from './audit-payload-sealing.ts';

const ring = new EncryptionKeyRing(parseEncryptionKey('11'.repeat(32), 'test key'));
const otherRing = new EncryptionKeyRing(parseEncryptionKey('22'.repeat(32), 'other key'));

function stores() {
  const database = openSqliteDatabase(join(mkdtempSync(join(tmpdir(), 'sb-vault-')), 'state'));
  const sql = new SqliteSqlDatabase(database);
  return { log: new SqlAuditLogStore(sql), payloads: new SqlAuditPayloadStore(sql) };
}

/** Seals `text` for `org` and stores it with a record at the log's end; resolves its seq. */
async function keep(
  vault: AuditPayloadVault,
  { log }: ReturnType<typeof stores>,
  org: string,
  requestId: string,
  text: string,
): Promise<{ seq: number; digest: string }> {
  const sealed = await vault.seal({ org, requestId, text });
  const [record] = buildAuditRecords(await log.last(), [
    { at: 1, kind: 'request', payload: { retained_payload: { sha256: sealed.digest } } },
  ]);
  await log.append([record!], [{ ...sealed, seq: record!.seq }]);
  return { seq: record!.seq, digest: sealed.digest };
}

describe('AuditPayloadVault', () => {
  it('seals per organisation and opens what it sealed; the digest covers the stored bytes', async () => {
    const backing = stores();
    const vault = new AuditPayloadVault(backing.payloads, ring, new ManualClock());
    const a = await keep(vault, backing, 'acme', 'req-1', '{"request":"hello acme"}');
    const b = await keep(vault, backing, 'globex', 'req-2', '{"request":"hello globex"}');
    const c = await keep(vault, backing, 'acme', 'req-3', '{"request":"again"}');
    expect(await vault.open(a.seq)).toEqual({
      status: 'ok',
      org: 'acme',
      requestId: 'req-1',
      text: '{"request":"hello acme"}',
    });
    const rowA = await backing.payloads.read(a.seq);
    const rowB = await backing.payloads.read(b.seq);
    const rowC = await backing.payloads.read(c.seq);
    expect(rowA?.keyId).toBe(rowC?.keyId);
    expect(rowA?.keyId).not.toBe(rowB?.keyId);
    expect(sealedPayloadDigest(rowA!.sealed)).toBe(a.digest);
    // Neither the plaintext nor the data key is stored in the clear.
    expect(rowA!.sealed.toString('latin1')).not.toContain('hello acme');
    expect(await vault.open(99)).toEqual({ status: 'absent' });
  });

  it('erasing an organisation makes its payloads unreadable and leaves the others', async () => {
    const backing = stores();
    const clock = new ManualClock();
    const vault = new AuditPayloadVault(backing.payloads, ring, clock);
    const a = await keep(vault, backing, 'acme', 'req-1', 'secret of acme');
    const b = await keep(vault, backing, 'globex', 'req-2', 'secret of globex');
    expect(await vault.erase('acme')).toHaveLength(1);
    expect(await vault.open(a.seq)).toEqual({ status: 'erased', org: 'acme', requestId: 'req-1' });
    expect((await vault.open(b.seq)).status).toBe('ok');
    // Later payloads of the organisation get a new key and are readable.
    const later = await keep(vault, backing, 'acme', 'req-3', 'after erasure');
    expect(await vault.open(later.seq)).toMatchObject({ status: 'ok', text: 'after erasure' });
    expect((await backing.payloads.read(later.seq))?.keyId).not.toBe(
      (await backing.payloads.read(a.seq))?.keyId,
    );
  });

  it('another process erasing a key is seen once the cache expires', async () => {
    const backing = stores();
    const clock = new ManualClock();
    const first = new AuditPayloadVault(backing.payloads, ring, clock, 5000);
    const second = new AuditPayloadVault(backing.payloads, ring, clock, 5000);
    const before = await keep(first, backing, 'acme', 'req-1', 'one');
    await second.erase('acme');
    clock.advance(5001);
    const after = await keep(first, backing, 'acme', 'req-2', 'two');
    expect((await first.open(before.seq)).status).toBe('erased');
    expect((await first.open(after.seq)).status).toBe('ok');
  });

  it('refuses altered bytes, a payload moved to another request, and a wrong encryption key', async () => {
    const backing = stores();
    const vault = new AuditPayloadVault(backing.payloads, ring, new ManualClock());
    const kept = await keep(vault, backing, 'acme', 'req-1', 'payload');
    const row = (await backing.payloads.read(kept.seq))!;
    const flipped = Buffer.from(row.sealed);
    flipped[flipped.length - 1]! ^= 1;
    await expect(vault.openRow({ ...row, sealed: flipped })).rejects.toThrow(
      CredentialDecryptionError,
    );
    await expect(vault.openRow({ ...row, requestId: 'req-2' })).rejects.toThrow(
      CredentialDecryptionError,
    );
    const stranger = new AuditPayloadVault(backing.payloads, otherRing, new ManualClock());
    await expect(stranger.open(kept.seq)).rejects.toThrow(CredentialDecryptionError);
    await expect(stranger.seal({ org: 'acme', requestId: 'r', text: 't' })).rejects.toThrow(
      CredentialDecryptionError,
    );
  });
});
