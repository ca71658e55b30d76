import { cpSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DatabaseSync } from 'node:sqlite';
import { beforeAll, describe, expect, it } from 'vitest';
import { captureIo } from '../../test/helpers/capture-io.ts';
import { ManualClock } from '../../test/helpers/manual-clock.ts';
import { FileCheckpointSink } from '../app/audit-checkpoint-file.ts';
import {
  auditCheckpointFileName,
  auditSigningKeyFileName,
  defaultAuditOrigin,
  loadAuditSigningKey,
} from '../app/audit-signing-key.ts';
import { buildAuditRecords } from '../pipeline/audit/audit-record.ts';
import type { AuditVerificationReport } from '../pipeline/audit/audit-verifier.ts';
import { ed25519PrivateKeyFromSeed, signCheckpoint } from '../pipeline/audit/checkpoint.ts';
import { CheckpointScheduler } from '../pipeline/audit/checkpoint-scheduler.ts';
import { merkleLeafHash, merkleRoot } from '../pipeline/audit/merkle-tree.ts';
import { SqliteAuditLogStore } from '../storage/sqlite/audit-log-store.ts';
import { databaseFileName, openSqliteDatabase } from '../storage/sqlite/open-sqlite-database.ts';
import { runCli } from './main.ts';

let pristine: string;

/** A state directory with 12 audit records and checkpoints at 5 and 10 (and 12 after a poll). */
beforeAll(async () => {
  pristine = join(mkdtempSync(join(tmpdir(), 'signalbox-audit-cli-')), 'state');
  const database = openSqliteDatabase(pristine);
  const store = new SqliteAuditLogStore(database);
  const key = loadAuditSigningKey({ environment: {}, stateDir: pristine, create: true });
  if (key === undefined) throw new Error('no key');
  const clock = new ManualClock();
  const scheduler = new CheckpointScheduler({
    origin: defaultAuditOrigin,
    signer: key.signer,
    sink: new FileCheckpointSink(join(pristine, auditCheckpointFileName)),
    clock,
    everyRecords: 5,
    everyMs: 60_000,
  });
  let last;
  for (let n = 0; n < 12; n += 1) {
    const records = buildAuditRecords(last, [
      { at: 1_700_000_000_000 + n, kind: 'admin.key_create', payload: { key_id: `k${String(n)}` } },
    ]);
    await store.append(records);
    await scheduler.recordsAppended(records);
    last = records[0];
  }
  database.close();
});

/** A copy of the pristine state directory, and the database opened as an attacker would. */
function copyState(): {
  stateDir: string;
  attack: (work: (database: DatabaseSync) => void) => void;
} {
  const stateDir = join(mkdtempSync(join(tmpdir(), 'signalbox-audit-cli-')), 'state');
  cpSync(pristine, stateDir, { recursive: true });
  return {
    stateDir,
    attack: (work) => {
      const database = openSqliteDatabase(stateDir);
      // Someone with access to the file is not bound by the triggers: they drop them.
      database.exec('DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;');
      work(database);
      database.close();
    },
  };
}

async function verify(
  stateDir: string,
  extra: string[] = [],
): Promise<{ status: number; report: AuditVerificationReport; error: string[] }> {
  const { io, out, error } = captureIo();
  const status = await runCli(['audit', 'verify', '--state-dir', stateDir, '--json', ...extra], io);
  return { status, report: JSON.parse(out.join('')) as AuditVerificationReport, error };
}

describe('signalbox audit verify', () => {
  it('generated the signing key with mode 0600', () => {
    expect(statSync(join(pristine, auditSigningKeyFileName)).mode & 0o777).toBe(0o600);
    expect(statSync(join(pristine, auditCheckpointFileName)).mode & 0o777).toBe(0o600);
  });

  it('exits 0 on an intact log and prints a human report', async () => {
    const { stateDir } = copyState();
    const { status, report } = await verify(stateDir);
    expect(status).toBe(0);
    expect(report).toMatchObject({ intact: true, recordCount: 12, checkpointsVerified: 2 });
    expect(report.latestCheckpointSize).toBe(10);
    const { io, out } = captureIo();
    expect(await runCli(['audit', 'verify', '--state-dir', stateDir], io)).toBe(0);
    expect(out.join('\n')).toMatch(/^Audit log intact\./);
  });

  it('takes the trusted key as a file or base64', async () => {
    const { stateDir } = copyState();
    const key = loadAuditSigningKey({ environment: {}, stateDir, create: false })!;
    const base64 = Buffer.from(key.verifier.publicKey).toString('base64');
    expect((await verify(stateDir, ['--public-key-base64', base64])).status).toBe(0);
    const file = join(stateDir, 'public.txt');
    writeFileSync(file, `${base64}\n`);
    expect((await verify(stateDir, ['--public-key', file])).status).toBe(0);
    const stranger = Buffer.alloc(32, 5).toString('base64');
    const wrong = await verify(stateDir, ['--public-key-base64', stranger]);
    expect(wrong.status).toBe(1);
    expect(wrong.report.problems.map((p) => p.kind)).toEqual([
      'checkpoint-unknown-key',
      'checkpoint-unknown-key',
    ]);
  });

  it('refuses UPDATE and DELETE while the triggers are in place', () => {
    const { stateDir } = copyState();
    const database = openSqliteDatabase(stateDir);
    expect(() => database.exec("UPDATE audit_log SET kind = 'x' WHERE seq = 1")).toThrow(
      /append-only/,
    );
    expect(() => database.exec('DELETE FROM audit_log WHERE seq = 1')).toThrow(/append-only/);
    database.close();
  });

  it('catches a flipped payload byte', async () => {
    const { stateDir, attack } = copyState();
    attack((database) =>
      database.exec(`UPDATE audit_log SET payload = replace(payload, 'k3', 'k4') WHERE seq = 3`),
    );
    const { status, report } = await verify(stateDir);
    expect(status).toBe(1);
    expect(report.firstBadSeq).toBe(3);
    expect(report.problems).toContainEqual({ kind: 'record-hash-mismatch', seq: 3 });
    expect(report.problems).toContainEqual({
      kind: 'checkpoint-root-mismatch',
      checkpoint: 0,
      treeSize: 5,
    });
  });

  it('catches a deleted middle record', async () => {
    const { stateDir, attack } = copyState();
    attack((database) => database.exec('DELETE FROM audit_log WHERE seq = 6'));
    const { status, report } = await verify(stateDir);
    expect(status).toBe(1);
    expect(report.problems).toContainEqual({ kind: 'seq-gap', seq: 7, missingFrom: 6 });
  });

  it('catches two reordered records', async () => {
    const { stateDir, attack } = copyState();
    attack((database) =>
      database.exec(`UPDATE audit_log SET seq = 1000000 WHERE seq = 8;
        UPDATE audit_log SET seq = 8 WHERE seq = 9;
        UPDATE audit_log SET seq = 9 WHERE seq = 1000000;`),
    );
    const { status, report } = await verify(stateDir);
    expect(status).toBe(1);
    expect(report.firstBadSeq).toBe(8);
    expect(report.problems.map((p) => p.kind)).toContain('reordered');
  });

  it('catches a truncated tail', async () => {
    const { stateDir, attack } = copyState();
    attack((database) => database.exec('DELETE FROM audit_log WHERE seq >= 7'));
    const { status, report } = await verify(stateDir);
    expect(status).toBe(1);
    expect(report.problems).toEqual([
      { kind: 'checkpoint-truncated', checkpoint: 1, treeSize: 10, recordCount: 7 },
    ]);
  });

  it('catches a checkpoint replayed from another log', async () => {
    const { stateDir } = copyState();
    const other = ed25519PrivateKeyFromSeed(Buffer.alloc(32, 4));
    const leaf = merkleLeafHash(Buffer.alloc(32));
    const replayed = signCheckpoint(
      { origin: 'other-log', treeSize: 1, rootHash: merkleRoot([leaf]) },
      { name: 'other-log', privateKey: other },
    );
    const file = join(stateDir, 'replayed.txt');
    writeFileSync(
      file,
      `${readFileSync(join(stateDir, auditCheckpointFileName), 'utf8')}${replayed}\n`,
    );
    const { status, report } = await verify(stateDir, ['--checkpoints', file]);
    expect(status).toBe(1);
    expect(report.problems).toContainEqual({
      kind: 'checkpoint-origin-mismatch',
      checkpoint: 2,
      origin: 'other-log',
    });
  });

  it('is a usage error without the verify action', async () => {
    const { io, error } = captureIo();
    expect(await runCli(['audit'], io)).toBe(2);
    expect(error.join('')).toMatch(/verify/);
  });

  it('keeps the database file beside the key', () => {
    expect(statSync(join(pristine, databaseFileName)).isFile()).toBe(true);
  });
});
