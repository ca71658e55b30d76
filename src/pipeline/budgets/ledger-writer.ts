import type { BudgetStore, LedgerEntry } from '../../storage/ports.ts';
import { GroupCommitQueue } from '../group-commit-queue.ts';

export interface LedgerWriterOptions {
  readonly store: BudgetStore;
  /** Rows waiting beyond which new requests are refused (503) until the ledger catches up. */
  readonly capacity: number;
  /** Rows written per transaction. */
  readonly batchSize?: number;
  /**
   * How long a row may wait for others to share its transaction (group commit): one durable
   * commit per batch instead of one per request. 0 writes at once.
   */
  readonly flushDelayMs?: number;
  /** Waits `ms` before retrying a failed write (injectable for tests). */
  readonly wait: (ms: number) => Promise<void>;
  readonly onWriteFailed: (error: unknown, pending: number) => void;
}

/**
 * Writes ledger rows behind the requests, in group commits (see `GroupCommitQueue`), and never
 * loses one. While the store is down rows wait in memory, but only up to `capacity`: past it
 * `full` turns true and the gateway admits no new request, so memory stays bounded and no row is
 * ever skipped. Rows of requests already admitted are always queued.
 */
export class LedgerWriter {
  readonly #queue: GroupCommitQueue<LedgerEntry>;

  constructor(options: LedgerWriterOptions) {
    this.#queue = new GroupCommitQueue({
      write: async (batch) => {
        await options.store.settle(batch);
      },
      capacity: options.capacity,
      batchSize: options.batchSize ?? 100,
      flushDelayMs: options.flushDelayMs ?? 0,
      wait: options.wait,
      onWriteFailed: options.onWriteFailed,
    });
  }

  /** True while the backlog is at capacity: new requests must be refused. */
  get full(): boolean {
    return this.#queue.full;
  }

  /** Rows not yet written. */
  get pending(): number {
    return this.#queue.pending;
  }

  enqueue(entry: LedgerEntry): void {
    this.#queue.enqueue(entry);
  }

  /** Resolves once every row queued so far is written (retrying as long as that takes). */
  flush(): Promise<void> {
    return this.#queue.flush();
  }
}
