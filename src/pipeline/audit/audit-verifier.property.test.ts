import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fuzzParameters, readFuzzCorpus } from '../../../test/helpers/fuzz-settings.ts';
import { safeParseJson } from '../../lib/json.ts';
import type { AuditLogRecord } from '../../storage/ports.ts';
import { buildAuditRecords, computeAuditRecordHash } from './audit-record.ts';
import { verifyAuditLog } from './audit-verifier.ts';
import { ed25519PrivateKeyFromSeed, rawEd25519PublicKey, signCheckpoint } from './checkpoint.ts';
import { merkleLeafHash, merkleRoot } from './merkle-tree.ts';

// A valid chain always verifies; any tampering (a flipped field, a dropped, reordered or
// duplicated record, a cut-off tail, or a rewritten tail with recomputed hashes) is always found,
// given a signed checkpoint of the full log. Without a checkpoint everything but a change at the
// very end is still found (the verifier warns that tail truncation then goes unseen).

const origin = 'fuzz.example/audit';
const privateKey = ed25519PrivateKeyFromSeed(Buffer.alloc(32, 9));
const trustedKeys = [{ name: origin, publicKey: rawEd25519PublicKey(privateKey) }];

function checkpointAt(records: readonly AuditLogRecord[], size: number): string {
  const leaves = records
    .slice(0, size)
    .map((record) => merkleLeafHash(Buffer.from(record.hash, 'hex')));
  return signCheckpoint(
    { origin, treeSize: size, rootHash: merkleRoot(leaves) },
    { name: origin, privateKey },
  );
}

/** A store as a database reads it: rows in seq order from `from`. */
function store(rows: readonly AuditLogRecord[]) {
  const sorted = [...rows].sort((a, b) => a.seq - b.seq);
  return {
    read: (from: number, limit: number) =>
      Promise.resolve(sorted.filter((row) => row.seq >= from).slice(0, limit)),
  };
}

const verify = (rows: readonly AuditLogRecord[], checkpointText: string, pageSize: number) =>
  verifyAuditLog(store(rows), { origin, checkpointText, trustedKeys, pageSize });

const payload = fc.dictionary(
  fc.string({ maxLength: 6 }),
  fc.oneof(fc.string({ maxLength: 10 }), fc.integer(), fc.boolean(), fc.constant(null)),
  { maxKeys: 4 },
);
const event = fc.record({
  at: fc.integer({ min: 0, max: 2 ** 45 }),
  kind: fc.constantFrom('request.decision', 'key.create', 'policy.update', 'ü-kind'),
  payload,
});
const chain = (minLength: number) =>
  fc
    .array(event, { minLength, maxLength: 24 })
    .map((events) => buildAuditRecords(undefined, events));

type Field = 'payload' | 'kind' | 'at' | 'hash' | 'prevHash';
type Tampering =
  | { kind: 'flip' | 'rehash-from'; at: number; field: Field }
  | { kind: 'drop' | 'truncate'; at: number }
  | { kind: 'reorder' | 'duplicate'; at: number; other: number };

/** Changes one field so that it differs and stays well-formed (hex stays hex). */
function flipField(record: AuditLogRecord, field: Field): AuditLogRecord {
  const flipHex = (hex: string) => (hex.startsWith('0') ? '1' : '0') + hex.slice(1);
  switch (field) {
    case 'payload':
      return {
        ...record,
        payload: record.payload.endsWith('}')
          ? `${record.payload.slice(0, -1)} }`
          : `${record.payload}x`,
      };
    case 'kind':
      return { ...record, kind: `${record.kind}x` };
    case 'at':
      return { ...record, at: record.at + 1 };
    case 'hash':
      return { ...record, hash: flipHex(record.hash) };
    case 'prevHash':
      return { ...record, prevHash: flipHex(record.prevHash) };
  }
}

function tamper(rows: AuditLogRecord[], change: Tampering): AuditLogRecord[] {
  if (rows.length === 0) return rows;
  const at = change.at % rows.length;
  const row = rows[at];
  if (row === undefined) return rows;
  switch (change.kind) {
    case 'flip':
      return rows.map((entry, index) => (index === at ? flipField(entry, change.field) : entry));
    case 'rehash-from': {
      // The attacker changes a record and recomputes its hash and every later link and hash.
      const out = rows.slice(0, at);
      let previous = out[out.length - 1];
      for (const [index, entry] of rows.slice(at).entries()) {
        const changed =
          index === 0
            ? flipField(
                entry,
                change.field === 'hash' || change.field === 'prevHash' ? 'payload' : change.field,
              )
            : entry;
        const unsigned = { ...changed, prevHash: previous?.hash ?? changed.prevHash };
        const next = { ...unsigned, hash: computeAuditRecordHash(unsigned) };
        out.push(next);
        previous = next;
      }
      return out;
    }
    case 'drop':
      return rows.filter((_, index) => index !== at);
    case 'truncate':
      return rows.slice(0, at);
    case 'reorder': {
      const other = rows[change.other % rows.length];
      if (other === undefined) return rows;
      // Contents trade places; the seq column stays in order, as a rewritten table would have it.
      return rows.map((entry, index) =>
        index === at
          ? { ...other, seq: entry.seq }
          : entry === other
            ? { ...row, seq: other.seq }
            : entry,
      );
    }
    case 'duplicate': {
      // A replayed record: a copy of one record inserted at another place, later seqs moved up
      // by one (seq is the primary key, so the same seq twice cannot be stored).
      const copy = [...rows];
      copy.splice((change.other % rows.length) + 1, 0, row);
      return copy.map((entry, index) => (entry.seq === index ? entry : { ...entry, seq: index }));
    }
  }
}

const field = fc.constantFrom<Field>('payload', 'kind', 'at', 'hash', 'prevHash');
const tampering: fc.Arbitrary<Tampering> = fc.oneof(
  fc.record({
    kind: fc.constantFrom('flip' as const, 'rehash-from' as const),
    at: fc.nat(),
    field,
  }),
  fc.record({ kind: fc.constantFrom('drop' as const, 'truncate' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constantFrom('reorder' as const, 'duplicate' as const),
    at: fc.nat(),
    other: fc.nat(),
  }),
);

const sameRows = (a: readonly AuditLogRecord[], b: readonly AuditLogRecord[]): boolean =>
  JSON.stringify([...a].sort((x, y) => x.seq - y.seq)) ===
  JSON.stringify([...b].sort((x, y) => x.seq - y.seq));

async function expectTamperingDetected(
  records: AuditLogRecord[],
  changes: readonly Tampering[],
  pageSize: number,
) {
  const tampered = changes.reduce(tamper, [...records]);
  // Rows only added after the checkpointed ones, with valid hashes, are an ordinary append
  // (found when a replayed copy at the end is then rehashed): no checkpoint vouches for them yet.
  const ordered = [...tampered].sort((x, y) => x.seq - y.seq);
  const report = await verify(tampered, checkpointAt(records, records.length), pageSize);
  if (sameRows(ordered.slice(0, records.length), records)) {
    const validAppend = ordered.every(
      (row, index) =>
        row.seq === index &&
        row.prevHash === (ordered[index - 1]?.hash ?? row.prevHash) &&
        computeAuditRecordHash(row) === row.hash,
    );
    expect(report.intact).toBe(validAppend);
    return !validAppend;
  }
  expect(report.intact, JSON.stringify(changes)).toBe(false);
  expect(report.problems.length).toBeGreaterThan(0);
  return true;
}

describe('verifyAuditLog (properties)', () => {
  const corpus = readFuzzCorpus('audit').flatMap((entry) => {
    const parsed = safeParseJson(entry.text);
    const cases = parsed.ok
      ? (
          parsed.value as {
            cases?: { length: number; tamperings: Tampering[]; detected?: boolean }[];
          }
        ).cases
      : undefined;
    return cases ?? [];
  });

  it.each(corpus)(
    'corpus: length $length, $tamperings.0.kind is detected',
    async ({ length, tamperings, detected }) => {
      const records = buildAuditRecords(
        undefined,
        Array.from({ length }, (_, n) => ({
          at: 1_700_000_000_000 + n,
          kind: 'k',
          payload: { n },
        })),
      );
      expect(await expectTamperingDetected(records, tamperings, 3)).toBe(detected ?? true);
    },
  );

  it('verifies every valid chain, with checkpoints at any sizes and any page size', async () => {
    await fc.assert(
      fc.asyncProperty(
        chain(0),
        fc.array(fc.nat(), { maxLength: 3 }),
        fc.integer({ min: 1, max: 7 }),
        async (records, sizes, pageSize) => {
          const points = [...new Set(sizes.map((size) => size % (records.length + 1)))].sort(
            (a, b) => a - b,
          );
          const checkpoints = points.map((size) => checkpointAt(records, size)).join('\n');
          const report = await verify(records, checkpoints, pageSize);
          expect(report.problems).toEqual([]);
          expect(report.intact).toBe(true);
          expect(report.recordCount).toBe(records.length);
          expect(report.firstBadSeq).toBeNull();
          expect(report.checkpointsVerified).toBe(points.length);
        },
      ),
      fuzzParameters(200),
    );
  });

  it('detects any tampering of a checkpointed chain: flip, drop, reorder, duplicate, truncate, rewrite', async () => {
    await fc.assert(
      fc.asyncProperty(
        chain(1),
        fc.array(tampering, { minLength: 1, maxLength: 3 }),
        fc.integer({ min: 1, max: 7 }),
        async (records, changes, pageSize) => {
          await expectTamperingDetected(records, changes, pageSize);
        },
      ),
      fuzzParameters(300),
    );
  });

  it('without checkpoints, still detects every change that is not at the tail, and names the flipped seq', async () => {
    await fc.assert(
      fc.asyncProperty(
        chain(2),
        fc.nat(),
        field,
        fc.integer({ min: 1, max: 7 }),
        async (records, at, which, pageSize) => {
          const index = at % records.length;
          const tampered = tamper([...records], { kind: 'flip', at: index, field: which });
          const report = await verify(tampered, '', pageSize);
          expect(report.intact).toBe(false);
          expect(report.firstBadSeq).toBe(index);
          const dropped = tamper([...records], { kind: 'drop', at: at % (records.length - 1) });
          expect((await verify(dropped, '', pageSize)).intact).toBe(false);
          const swapped = tamper([...records], { kind: 'reorder', at: index, other: index + 1 });
          expect((await verify(swapped, '', pageSize)).intact).toBe(false);
        },
      ),
      fuzzParameters(200),
    );
  });
});
