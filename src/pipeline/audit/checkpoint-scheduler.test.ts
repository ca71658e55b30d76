import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../test/helpers/manual-clock.ts';
import { buildAuditRecords } from './audit-record.ts';
import { ed25519PrivateKeyFromSeed, parseSignedCheckpoint } from './checkpoint.ts';
import { CheckpointScheduler } from './checkpoint-scheduler.ts';
import { merkleLeafHash, merkleRoot } from './merkle-tree.ts';

function setup(lastCheckpointSize?: number): {
  scheduler: CheckpointScheduler;
  notes: string[];
  clock: ManualClock;
} {
  const notes: string[] = [];
  const clock = new ManualClock();
  const scheduler = new CheckpointScheduler({
    origin: 'test-log',
    signer: { name: 'test-log', privateKey: ed25519PrivateKeyFromSeed(Buffer.alloc(32, 1)) },
    sink: {
      append: (note) => {
        notes.push(note);
        return Promise.resolve();
      },
    },
    clock,
    everyRecords: 3,
    everyMs: 60_000,
    ...(lastCheckpointSize === undefined ? {} : { lastCheckpointSize }),
  });
  return { scheduler, notes, clock };
}

const records = buildAuditRecords(
  undefined,
  Array.from({ length: 8 }, (_, n) => ({ at: n, kind: 'k', payload: { n } })),
);

describe('CheckpointScheduler', () => {
  it('emits every N records with the right size and root', async () => {
    const { scheduler, notes } = setup();
    expect(await scheduler.recordsAppended(records.slice(0, 2))).toBeUndefined();
    await scheduler.recordsAppended(records.slice(2, 4));
    expect(notes).toHaveLength(1);
    const parsed = parseSignedCheckpoint(notes[0]!);
    if (!parsed.ok) throw new Error(parsed.message);
    expect(parsed.value.checkpoint.treeSize).toBe(4);
    const leaves = records.slice(0, 4).map((r) => merkleLeafHash(Buffer.from(r.hash, 'hex')));
    expect(Buffer.from(parsed.value.checkpoint.rootHash)).toEqual(merkleRoot(leaves));
    await scheduler.recordsAppended(records.slice(4, 6));
    expect(notes).toHaveLength(1);
    await scheduler.recordsAppended(records.slice(6, 7));
    expect(notes).toHaveLength(2);
  });

  it('emits after T seconds only when the tree grew', async () => {
    const { scheduler, notes, clock } = setup();
    await scheduler.recordsAppended(records.slice(0, 1));
    clock.advance(59_999);
    expect(await scheduler.poll()).toBeUndefined();
    clock.advance(1);
    expect(await scheduler.poll()).toBeDefined();
    clock.advance(120_000);
    expect(await scheduler.poll()).toBeUndefined();
    expect(notes).toHaveLength(1);
  });

  it('refuses records out of order', async () => {
    const { scheduler } = setup();
    await expect(scheduler.recordsAppended(records.slice(1, 2))).rejects.toThrow(RangeError);
  });

  it('never signs a smaller tree than the file holds while the stored log is fed in again', async () => {
    // Regression: a restart fed the log in pages and signed the first page's tree (smaller than
    // the last checkpoint), which verification reports as the log having shrunk.
    const sizeOf = (note: string | undefined): number => {
      const parsed = parseSignedCheckpoint(note ?? '');
      if (!parsed.ok) throw new Error(parsed.message);
      return parsed.value.checkpoint.treeSize;
    };
    const { scheduler, notes } = setup(7);
    await scheduler.recordsAppended(records.slice(0, 3));
    await scheduler.recordsAppended(records.slice(3, 6));
    expect(notes).toEqual([]);
    expect(await scheduler.checkpointNow()).toBeUndefined();
    await scheduler.recordsAppended(records.slice(6, 8));
    expect(notes).toEqual([]);
    expect(sizeOf(await scheduler.checkpointNow())).toBe(8);
    expect(notes.map(sizeOf)).toEqual([8]);
  });
});
