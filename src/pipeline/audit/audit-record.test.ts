import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  buildAuditRecord,
  buildAuditRecords,
  computeAuditRecordHash,
  genesisPrevHash,
} from './audit-record.ts';

describe('audit records', () => {
  it('hashes the documented domain-separated encoding', () => {
    const record = buildAuditRecord(undefined, {
      at: 1_700_000_000_000,
      kind: 'key.create',
      payload: { key_id: 'k1', by: 'admin' },
    });
    expect(record.seq).toBe(0);
    expect(record.prevHash).toBe(genesisPrevHash);
    expect(record.payload).toBe('{"by":"admin","key_id":"k1"}');
    const u64 = (value: number): Buffer => {
      const bytes = Buffer.alloc(8);
      bytes.writeBigUInt64BE(BigInt(value));
      return bytes;
    };
    const expected = createHash('sha256')
      .update('signalbox-audit-record-v1\n')
      .update(u64(0))
      .update(u64(1_700_000_000_000))
      .update(u64(10))
      .update('key.create')
      .update(u64(record.payload.length))
      .update(record.payload)
      .update(Buffer.alloc(32))
      .digest('hex');
    expect(record.hash).toBe(expected);
  });

  it('chains records: each prevHash is the hash before it', () => {
    const records = buildAuditRecords(
      undefined,
      [1, 2, 3].map((n) => ({ at: n, kind: 'k', payload: { n } })),
    );
    expect(records.map((record) => record.seq)).toEqual([0, 1, 2]);
    expect(records[1]!.prevHash).toBe(records[0]!.hash);
    expect(records[2]!.prevHash).toBe(records[1]!.hash);
    const more = buildAuditRecords(records[2], [{ at: 4, kind: 'k', payload: {} }]);
    expect(more[0]!.seq).toBe(3);
    expect(more[0]!.prevHash).toBe(records[2]!.hash);
  });

  it('changes the hash when any field changes', () => {
    const record = buildAuditRecord(undefined, { at: 5, kind: 'k', payload: { a: 1 } });
    const variants = [
      { ...record, seq: 1 },
      { ...record, at: 6 },
      { ...record, kind: 'K' },
      { ...record, payload: '{"a":2}' },
      { ...record, prevHash: '1'.padStart(64, '0') },
      // Moving bytes between kind and payload changes the hash: fields are length-prefixed.
      { ...record, kind: 'k{', payload: '"a":1}' },
    ];
    for (const variant of variants) {
      expect(computeAuditRecordHash(variant)).not.toBe(record.hash);
    }
  });

  it('refuses bad input', () => {
    expect(() => buildAuditRecord(undefined, { at: 1.5, kind: 'k', payload: {} })).toThrow(
      RangeError,
    );
    expect(() => buildAuditRecord(undefined, { at: 1, kind: '', payload: {} })).toThrow(RangeError);
    expect(() => buildAuditRecord(undefined, { at: 1, kind: 'a\nb', payload: {} })).toThrow(
      RangeError,
    );
    expect(() =>
      buildAuditRecord(undefined, {
        at: 1,
        kind: 'k',
        payload: [] as unknown as object as Record<string, unknown>,
      }),
    ).toThrow(TypeError);
    expect(() => buildAuditRecord(undefined, { at: 1, kind: 'k', payload: { x: NaN } })).toThrow(
      TypeError,
    );
  });
});
