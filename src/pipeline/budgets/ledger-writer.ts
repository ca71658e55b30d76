import type { BudgetStore, LedgerEntry } from '../../storage/ports.ts';

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

const maximumRetryDelayMs = 5_000;

/**
 * Writes ledger rows behind the requests, in batches (a row waits up to `flushDelayMs` for others
 * to share its commit), and never loses one: a failed write is
 * retried (with backoff) until the store takes it. While the store is down rows wait in memory,
 * but only up to `capacity`: past it `full` turns true and the gateway admits no new request,
 * so memory stays bounded and no row is ever skipped. Rows of requests already admitted are
 * always queued.
 */
export class LedgerWriter {
  readonly #options: LedgerWriterOptions;
  #pending: LedgerEntry[] = [];
  #writing: Promise<void> | undefined;
  #timer: NodeJS.Timeout | undefined;
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
    if (this.#writing !== undefined) return; // the running drain takes it
    const delay = this.#options.flushDelayMs ?? 0;
    if (delay === 0 || this.#pending.length >= this.#batchSize) {
      this.#startDrain();
    } else {
      this.#timer ??= setTimeout(() => this.#startDrain(), delay);
    }
  }

  /** Resolves once every row queued so far is written (retrying as long as that takes). */
  async flush(): Promise<void> {
    if (this.#pending.length > 0) this.#startDrain();
    while (this.#writing !== undefined) {
      await this.#writing;
    }
  }

  get #batchSize(): number {
    return this.#options.batchSize ?? 100;
  }

  #startDrain(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#writing ??= this.#drain().finally(() => {
      this.#writing = undefined;
    });
  }

  async #drain(): Promise<void> {
    // Let the rows of requests finishing together join one batch.
    await Promise.resolve();
    while (this.#pending.length > 0) {
      const batch = this.#pending.slice(0, this.#batchSize);
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
