import type { BudgetStore, LedgerEntry } from '../../storage/ports.ts';

export interface LedgerWriterOptions {
  readonly store: BudgetStore;
  /** Rows waiting beyond which new requests are refused (503) until the ledger catches up. */
  readonly capacity: number;
  /** Rows written per transaction. */
  readonly batchSize?: number;
  /** Waits `ms` before retrying a failed write (injectable for tests). */
  readonly wait: (ms: number) => Promise<void>;
  readonly onWriteFailed: (error: unknown, pending: number) => void;
}

const maximumRetryDelayMs = 5_000;

/**
 * Writes ledger rows behind the requests, in batches, and never loses one: a failed write is
 * retried (with backoff) until the store takes it. While the store is down rows wait in memory,
 * but only up to `capacity`: past it `full` turns true and the gateway admits no new request,
 * so memory stays bounded and no row is ever skipped. Rows of requests already admitted are
 * always queued.
 */
export class LedgerWriter {
  readonly #options: LedgerWriterOptions;
  #pending: LedgerEntry[] = [];
  #writing: Promise<void> | undefined;
  #failures = 0;

  constructor(options: LedgerWriterOptions) {
    this.#options = options;
  }

  /** True while the backlog is at capacity: new requests must be refused. */
  get full(): boolean {
    return this.#pending.length >= this.#options.capacity;
  }

  /** Rows not yet written. */
  get pending(): number {
    return this.#pending.length;
  }

  enqueue(entry: LedgerEntry): void {
    this.#pending.push(entry);
    this.#writing ??= this.#drain().finally(() => {
      this.#writing = undefined;
    });
  }

  /** Resolves once every row queued so far is written (retrying as long as that takes). */
  async flush(): Promise<void> {
    while (this.#writing !== undefined) {
      await this.#writing;
    }
  }

  async #drain(): Promise<void> {
    // Let the rows of requests finishing together join one batch.
    await Promise.resolve();
    while (this.#pending.length > 0) {
      const batch = this.#pending.slice(0, this.#options.batchSize ?? 100);
      try {
        await this.#options.store.settle(batch);
        this.#pending.splice(0, batch.length);
        this.#failures = 0;
      } catch (error) {
        this.#failures += 1;
        this.#options.onWriteFailed(error, this.#pending.length);
        await this.#options.wait(Math.min(maximumRetryDelayMs, 100 * 2 ** (this.#failures - 1)));
      }
    }
  }
}
