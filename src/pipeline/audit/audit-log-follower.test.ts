import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../test/helpers/manual-clock.ts';
import type { AuditLogRecord } from '../../storage/ports.ts';
import { AuditLogFollower } from './audit-log-follower.ts';
import { buildAuditRecords } from './audit-record.ts';
import { ed25519PrivateKeyFromSeed, parseSignedCheckpoint } from './checkpoint.ts';
import { CheckpointScheduler } from './checkpoint-scheduler.ts';
import { merkleLeafHash, merkleRoot } from './merkle-tree.ts';

const log = buildAuditRecords(
  undefined,
  Array.from({ length: 9 }, (_, n) => ({ at: n, kind: 'k', payload: { n } })),
);

/** The log as committed so far (a prefix of `log`), counting reads. */
function storeOf(committed: { size: number }): {
  read: (fromSeq: number, limit: number) => Promise<AuditLogRecord[]>;
  reads: number;
} {
  const store = {
    reads: 0,
    read: (fromSeq: number, limit: number): Promise<AuditLogRecord[]> => {
      store.reads += 1;
      return Promise.resolve(log.slice(fromSeq, Math.min(committed.size, fromSeq + limit)));
    },
  };
  return store;
}

function setup(pageSize = 100): {
  follower: AuditLogFollower;
  scheduler: CheckpointScheduler;
  store: ReturnType<typeof storeOf>;
  committed: { size: number };
  errors: unknown[];
} {
  const committed = { size: 0 };
  const store = storeOf(committed);
  const errors: unknown[] = [];
  const scheduler = new CheckpointScheduler({
    origin: 'test-log',
    signer: { name: 'test-log', privateKey: ed25519PrivateKeyFromSeed(Buffer.alloc(32, 1)) },
    sink: { append: () => Promise.resolve() },
    clock: new ManualClock(),
    everyRecords: 1_000,
    everyMs: 60_000,
  });
  const follower = new AuditLogFollower({
    store,
    frontier: scheduler,
    pageSize,
    onError: (error) => errors.push(error),
  });
  return { follower, scheduler, store, committed, errors };
}

/** Expects the scheduler to sign now the root of the log's first `size` records. */
async function expectSignedRootOf(scheduler: CheckpointScheduler, size: number): Promise<void> {
  const note = await scheduler.checkpointNow();
  if (note === undefined) throw new Error('no checkpoint was signed');
  const parsed = parseSignedCheckpoint(note);
  if (!parsed.ok) throw new Error(parsed.message);
  const leaves = log
    .slice(0, size)
    .map((record) => merkleLeafHash(Buffer.from(record.hash, 'hex')));
  expect(Buffer.from(parsed.value.checkpoint.rootHash)).toEqual(merkleRoot(leaves));
}

describe('AuditLogFollower', () => {
  it("feeds this process's own appends without reading the log back", async () => {
    const { follower, scheduler, store, committed, errors } = setup();
    await follower.catchUp();
    expect(store.reads).toBe(1);
    for (const [from, to] of [
      [0, 3],
      [3, 4],
      [4, 9],
    ] as const) {
      committed.size = to;
      await follower.appended(log.slice(from, to));
    }
    expect(store.reads).toBe(1);
    expect(scheduler.treeSize).toBe(9);
    await expectSignedRootOf(scheduler, 9);
    expect(errors).toEqual([]);
  });

  it('reads the records another replica appended before this one, then its own', async () => {
    const { follower, scheduler, store, committed, errors } = setup(2);
    committed.size = 3;
    await follower.appended(log.slice(0, 3));
    expect(store.reads).toBe(0);
    // Another replica appended 3 and 4; this process then appended 5 to 7.
    committed.size = 8;
    await follower.appended(log.slice(5, 8));
    expect(scheduler.treeSize).toBe(8);
    // Pages of two from seq 3: 3-4, 5-6, 7, the last one short.
    expect(store.reads).toBe(3);
    await expectSignedRootOf(scheduler, 8);
    expect(errors).toEqual([]);
  });

  it('does not feed twice the records a read already took in', async () => {
    const { follower, scheduler, committed, errors } = setup();
    committed.size = 4;
    await follower.catchUp();
    await follower.appended(log.slice(2, 4));
    expect(scheduler.treeSize).toBe(4);
    committed.size = 6;
    await follower.appended(log.slice(3, 6));
    expect(scheduler.treeSize).toBe(6);
    expect(errors).toEqual([]);
  });

  it('reports a failed read and follows from the frontier on the next call', async () => {
    const { follower, scheduler, store, committed, errors } = setup();
    committed.size = 2;
    await follower.appended(log.slice(0, 2));
    const read = store.read;
    store.read = () => Promise.reject(new Error('database is locked'));
    committed.size = 5;
    // A gap (2 was written elsewhere) needs a read, which fails: the call still resolves.
    await follower.appended(log.slice(3, 5));
    expect(errors).toHaveLength(1);
    expect(scheduler.treeSize).toBe(2);
    store.read = read;
    await follower.catchUp();
    expect(scheduler.treeSize).toBe(5);
    await expectSignedRootOf(scheduler, 5);
  });
});
