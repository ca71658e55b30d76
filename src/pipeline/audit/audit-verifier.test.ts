import { describe, expect, it } from 'vitest';
import type { AuditLogRecord } from '../../storage/ports.ts';
import { buildAuditRecords } from './audit-record.ts';
import { auditConsistencyProof, auditInclusionProof } from './audit-proofs.ts';
import { auditExitCode, verifyAuditLog, type AuditProblem } from './audit-verifier.ts';
import { ed25519PrivateKeyFromSeed, rawEd25519PublicKey, signCheckpoint } from './checkpoint.ts';
import {
  merkleLeafHash,
  merkleRoot,
  verifyMerkleConsistency,
  verifyMerkleInclusion,
} from './merkle-tree.ts';

const origin = 'test.example/audit';
const privateKey = ed25519PrivateKeyFromSeed(Buffer.alloc(32, 3));
const signer = { name: origin, privateKey };
const trustedKeys = [{ name: origin, publicKey: rawEd25519PublicKey(privateKey) }];

/** A store over an array the test may tamper with (rows in seq order, as a database reads). */
function arrayStore(rows: AuditLogRecord[]): {
  read(from: number, limit: number): Promise<AuditLogRecord[]>;
  count(): Promise<number>;
} {
  return {
    read: (from, limit) =>
      Promise.resolve(
        [...rows]
          .sort((a, b) => a.seq - b.seq)
          .filter((row) => row.seq >= from)
          .slice(0, limit),
      ),
    count: () => Promise.resolve(rows.length),
  };
}

function makeLog(count: number): AuditLogRecord[] {
  return buildAuditRecords(
    undefined,
    Array.from({ length: count }, (_, n) => ({
      at: 1_700_000_000_000 + n,
      kind: n % 2 === 0 ? 'request.decision' : 'key.create',
      payload: { n, key_id: `k${String(n)}`, outcome: 'ok' },
    })),
  );
}

function checkpointFor(
  records: readonly AuditLogRecord[],
  size: number,
  logOrigin = origin,
): string {
  const leaves = records.slice(0, size).map((r) => merkleLeafHash(Buffer.from(r.hash, 'hex')));
  return signCheckpoint(
    { origin: logOrigin, treeSize: size, rootHash: merkleRoot(leaves) },
    {
      ...signer,
      name: logOrigin,
    },
  );
}

async function verify(rows: AuditLogRecord[], checkpointText: string, pageSize = 4) {
  return verifyAuditLog(arrayStore(rows), { origin, checkpointText, trustedKeys, pageSize });
}

const kinds = (problems: readonly AuditProblem[]): string[] => problems.map((p) => p.kind);

describe('verifyAuditLog', () => {
  const log = makeLog(20);
  const checkpoints = `${checkpointFor(log, 8)}\n${checkpointFor(log, 20)}\n`;

  it('reports an intact log with its checkpoints', async () => {
    const report = await verify([...log], checkpoints);
    expect(report).toEqual({
      intact: true,
      recordCount: 20,
      firstBadSeq: null,
      checkpointsVerified: 2,
      latestCheckpointSize: 20,
      problems: [],
      warnings: [],
    });
    expect(auditExitCode(report)).toBe(0);
  });

  it('warns but passes without checkpoints, and for an empty log', async () => {
    const report = await verify([...log], '');
    expect(report.intact).toBe(true);
    expect(report.warnings[0]).toMatch(/truncation/);
    expect((await verify([], '')).intact).toBe(true);
  });

  it('catches a flipped byte in a payload at that seq', async () => {
    const rows = [...log];
    const target = rows[7]!;
    rows[7] = { ...target, payload: target.payload.replace('"ok"', '"oK"') };
    const report = await verify(rows, checkpoints);
    expect(report.intact).toBe(false);
    expect(report.firstBadSeq).toBe(7);
    expect(report.problems).toContainEqual({ kind: 'record-hash-mismatch', seq: 7 });
    expect(report.problems).toContainEqual({
      kind: 'checkpoint-root-mismatch',
      checkpoint: 0,
      treeSize: 8,
    });
    expect(auditExitCode(report)).toBe(1);
  });

  it('catches a record whose hash was recomputed after tampering (broken link)', async () => {
    const rows = [...log];
    const [rewritten] = buildAuditRecords(rows[4], [{ at: 1, kind: 'forged', payload: {} }]);
    rows[5] = rewritten!;
    const report = await verify(rows, checkpoints);
    expect(report.firstBadSeq).toBe(6);
    expect(report.problems).toContainEqual({ kind: 'prev-hash-mismatch', seq: 6 });
    expect(kinds(report.problems)).toContain('checkpoint-root-mismatch');
  });

  it('catches a deleted middle record as a gap', async () => {
    const rows = log.filter((record) => record.seq !== 10);
    const report = await verify(rows, checkpoints);
    expect(report.intact).toBe(false);
    expect(report.problems).toContainEqual({ kind: 'seq-gap', seq: 11, missingFrom: 10 });
    expect(report.firstBadSeq).toBe(11);
    expect(kinds(report.problems)).toContain('checkpoint-truncated');
  });

  it('catches two swapped records as a reordering', async () => {
    const rows = [...log];
    // The attacker moves the contents of rows 12 and 13, keeping the seq column.
    rows[12] = { ...log[13]!, seq: 12 };
    rows[13] = { ...log[12]!, seq: 13 };
    const report = await verify(rows, checkpoints);
    expect(report.intact).toBe(false);
    expect(report.firstBadSeq).toBe(12);
    expect(report.problems).toContainEqual({ kind: 'reordered', seq: 13, linksTo: 11 });
    expect(report.problems).toContainEqual({ kind: 'reordered', seq: 12, linksTo: 13 });
    expect(kinds(report.problems)).toContain('checkpoint-root-mismatch');
  });

  it('catches swapped seqs read out of order', async () => {
    const rows = [...log];
    const store = {
      read: async (from: number, limit: number) => {
        const page = await arrayStore(rows).read(from, limit);
        return from === 0 ? [page[1]!, page[0]!, ...page.slice(2)] : page;
      },
    };
    const report = await verifyAuditLog(store, { origin, checkpointText: '', trustedKeys });
    expect(kinds(report.problems)).toContain('seq-gap');
    expect(kinds(report.problems)).toContain('seq-out-of-order');
  });

  it('catches a truncated tail against the last checkpoint', async () => {
    const report = await verify(log.slice(0, 15), checkpoints);
    expect(report.intact).toBe(false);
    expect(report.problems).toEqual([
      { kind: 'checkpoint-truncated', checkpoint: 1, treeSize: 20, recordCount: 15 },
    ]);
    expect(report.checkpointsVerified).toBe(1);
  });

  it('catches a tail truncated and rebuilt to the same length', async () => {
    const rebuilt = [
      ...log.slice(0, 15),
      ...buildAuditRecords(
        log[14],
        Array.from({ length: 5 }, () => ({ at: 1, kind: 'x', payload: {} })),
      ),
    ];
    const report = await verify(rebuilt, checkpoints);
    expect(report.problems).toEqual([
      { kind: 'checkpoint-root-mismatch', checkpoint: 1, treeSize: 20 },
    ]);
  });

  it('rejects a checkpoint replayed from another log', async () => {
    const other = makeLog(20);
    const replayed = `${checkpointFor(other, 20, 'other.example/audit')}\n`;
    const report = await verify([...log], replayed);
    expect(report.intact).toBe(false);
    expect(kinds(report.problems)).toContain('checkpoint-origin-mismatch');
  });

  it('rejects checkpoints by an unknown key or with a bad signature', async () => {
    const stranger = ed25519PrivateKeyFromSeed(Buffer.alloc(32, 9));
    const leaves = log.map((r) => merkleLeafHash(Buffer.from(r.hash, 'hex')));
    const foreign = signCheckpoint(
      { origin, treeSize: 20, rootHash: merkleRoot(leaves) },
      { name: origin, privateKey: stranger },
    );
    const unknown = await verify([...log], `${foreign}\n`);
    expect(unknown.problems).toEqual([
      { kind: 'checkpoint-unknown-key', checkpoint: 0, keys: [origin] },
    ]);
    const forged = checkpointFor(log, 20).replace('\n20\n', '\n19\n');
    const bad = await verify([...log], `${forged}\n`);
    expect(bad.problems).toEqual([
      { kind: 'checkpoint-bad-signature', checkpoint: 0, keys: [origin] },
    ]);
    const garbage = await verify([...log], 'not a checkpoint\n\nnope\n\n');
    expect(kinds(garbage.problems)).toEqual(['checkpoint-unparseable']);
  });

  it('reports a checkpoint file whose sizes go backwards', async () => {
    const text = `${checkpointFor(log, 20)}\n${checkpointFor(log, 8)}\n`;
    const report = await verify([...log], text);
    expect(report.problems).toEqual([
      { kind: 'checkpoint-size-decreased', checkpoint: 1, treeSize: 8, previousSize: 20 },
    ]);
  });
});

describe('audit proofs from the store', () => {
  const log = makeLog(13);
  const store = arrayStore(log);

  it('produces inclusion proofs that verify for every record', async () => {
    for (const record of log) {
      const proof = await auditInclusionProof(store, record.seq);
      expect(proof.treeSize).toBe(13);
      const ok = verifyMerkleInclusion(
        merkleLeafHash(Buffer.from(proof.recordHash, 'hex')),
        proof.seq,
        proof.treeSize,
        proof.path.map((hash) => Buffer.from(hash, 'hex')),
        Buffer.from(proof.rootHash, 'hex'),
      );
      expect(ok).toBe(true);
    }
    await expect(auditInclusionProof(store, 13)).rejects.toThrow(RangeError);
    await expect(auditInclusionProof(store, 5, 14)).rejects.toThrow(RangeError);
  });

  it('produces consistency proofs that verify', async () => {
    for (let m = 1; m <= 13; m += 1) {
      const proof = await auditConsistencyProof(store, m, 13);
      expect(
        verifyMerkleConsistency(
          m,
          13,
          Buffer.from(proof.oldRootHash, 'hex'),
          Buffer.from(proof.newRootHash, 'hex'),
          proof.path.map((hash) => Buffer.from(hash, 'hex')),
        ),
      ).toBe(true);
    }
    await expect(auditConsistencyProof(store, 0)).rejects.toThrow(RangeError);
  });
});
