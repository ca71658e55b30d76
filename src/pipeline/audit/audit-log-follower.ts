import type { AuditLogRecord, AuditLogStore } from '../../storage/ports.ts';
import type { CheckpointScheduler } from './checkpoint-scheduler.ts';

/** What the follower needs of the checkpoint scheduler. */
export type FollowedFrontier = Pick<CheckpointScheduler, 'treeSize' | 'recordsAppended'>;

export interface AuditLogFollowerOptions {
  readonly store: Pick<AuditLogStore, 'read'>;
  readonly frontier: FollowedFrontier;
  /** Records read per page when the log is read. */
  readonly pageSize: number;
  /** Told about a failed read or feed; the next call tries again from the frontier. */
  readonly onError: (error: unknown) => void;
}

/**
 * Keeps the checkpoint frontier on the whole log, every replica's records included, one step at
 * a time. What this process appended is fed as it was committed, without reading it back (the
 * append checked its chain, and the frontier hashes only the records' hashes). The log is read
 * from the frontier on only when it holds records this process did not write: at start, from
 * the periodic tick, and when an append begins past the frontier (another replica appended in
 * between).
 */
export class AuditLogFollower {
  readonly #options: AuditLogFollowerOptions;
  #step: Promise<void> = Promise.resolve();

  constructor(options: AuditLogFollowerOptions) {
    this.#options = options;
  }

  /** Reads the log from the frontier to its end. Resolves (never rejects) when done. */
  catchUp(): Promise<void> {
    return this.#then(() => this.#read());
  }

  /** Follows records this process just appended (in seq order); reads the log only on a gap. */
  appended(records: readonly AuditLogRecord[]): Promise<void> {
    return this.#then(async () => {
      const first = records[0]?.seq;
      if (first === undefined) return;
      const size = this.#options.frontier.treeSize;
      if (first > size) {
        await this.#read();
        return;
      }
      // Records a read already took in (it ran after their commit) are not fed twice.
      const unseen = records.slice(size - first);
      if (unseen.length > 0) await this.#options.frontier.recordsAppended(unseen);
    });
  }

  #then(step: () => Promise<void>): Promise<void> {
    this.#step = this.#step.then(step).catch((error: unknown) => {
      this.#options.onError(error);
    });
    return this.#step;
  }

  async #read(): Promise<void> {
    const { store, frontier, pageSize } = this.#options;
    for (;;) {
      const records = await store.read(frontier.treeSize, pageSize);
      if (records.length === 0) return;
      await frontier.recordsAppended(records);
      if (records.length < pageSize) return;
    }
  }
}
