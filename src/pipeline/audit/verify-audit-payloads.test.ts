import { describe, expect, it } from 'vitest';
import type { AuditLogRecord, AuditPayloadRow } from '../../storage/ports.ts';
import { sealedPayloadDigest } from './audit-payload-sealing.ts';
import { buildAuditRecords } from './audit-record.ts';
import { verifyAuditPayloads } from './verify-audit-payloads.ts';

const sealed = (text: string): Buffer => Buffer.from(text);

/** Records 0..4; records 1 and 3 name the digests of sealed payloads "one" and "three". */
function fixture(): { records: AuditLogRecord[]; rows: AuditPayloadRow[] } {
  const records = buildAuditRecords(
    undefined,
    [0, 1, 2, 3, 4].map((n) => ({
      at: n,
      kind: 'request',
      payload:
        n === 1 || n === 3
          ? {
              n,
              retained_payload: { sha256: sealedPayloadDigest(sealed(n === 1 ? 'one' : 'three')) },
            }
          : { n },
    })),
  );
  const row = (seq: number, text: string): AuditPayloadRow => ({
    seq,
    requestId: `r${String(seq)}`,
    org: 'acme',
    keyId: 'k',
    sealed: sealed(text),
  });
  return { records, rows: [row(1, 'one'), row(3, 'three')] };
}

function check(records: readonly AuditLogRecord[], rows: readonly AuditPayloadRow[], pageSize = 1) {
  return verifyAuditPayloads(
    {
      read: (from, limit) => Promise.resolve(records.filter((r) => r.seq >= from).slice(0, limit)),
    },
    { list: (from, limit) => Promise.resolve(rows.filter((r) => r.seq >= from).slice(0, limit)) },
    pageSize,
  );
}

describe('verifyAuditPayloads', () => {
  it('accepts payloads that match their records, and purged ones (absent) are no problem', async () => {
    const { records, rows } = fixture();
    expect(await check(records, rows)).toEqual({ checked: 2, problems: [] });
    expect(await check(records, rows.slice(1))).toEqual({ checked: 1, problems: [] });
  });

  it('catches a swapped, altered, planted or orphaned payload', async () => {
    const { records, rows } = fixture();
    const [one, three] = rows as [AuditPayloadRow, AuditPayloadRow];
    const altered = Buffer.from(one.sealed);
    altered[0]! ^= 1;
    expect((await check(records, [{ ...one, sealed: altered }, three])).problems).toEqual([
      { kind: 'payload-digest-mismatch', seq: 1 },
    ]);
    expect(
      (
        await check(records, [
          { ...one, sealed: three.sealed },
          { ...three, sealed: one.sealed },
        ])
      ).problems,
    ).toEqual([
      { kind: 'payload-digest-mismatch', seq: 1 },
      { kind: 'payload-digest-mismatch', seq: 3 },
    ]);
    expect(
      (
        await check(
          records,
          [...rows, { ...one, seq: 2 }].sort((a, b) => a.seq - b.seq),
        )
      ).problems,
    ).toEqual([{ kind: 'payload-digest-mismatch', seq: 2 }]);
    expect((await check(records, [...rows, { ...one, seq: 9 }], 1000)).problems).toEqual([
      { kind: 'payload-without-record', seq: 9 },
    ]);
  });
});
