/** What a {@link GroupCommitQueue} needs besides its items. */
export interface GroupCommitOptions<T> {
  /** Writes one batch, all or nothing; rejects when nothing of it was written. */
  readonly write: (batch: readonly T[]) => Promise<void>;
  /** Items waiting beyond which `full` is true (callers then refuse new work). */
  readonly capacity: number;
  /** Items written per batch. */
  readonly batchSize: number;
  /** How long an item may wait for others to share its commit; 0 writes at once. */
  readonly flushDelayMs: number;
  /** Waits `ms` before retrying a failed write (injectable for tests). */
  readonly wait: (ms: number) => Promise<void>;
  /**
   * Whether a failure is a race to retry at once (another writer got there first), not an
   * outage to back off from. At most ten such retries in a row; then it counts as a failure.
   */
  readonly retryAtOnce?: (error: unknown) => boolean;
  readonly onWriteFailed: (error: unknown, pending: number) => void;
}

const maximumRetryDelayMs = 5_000;
const maximumRacesInARow = 10;

/**
 * Writes items behind the requests in group commits (an item waits up to `flushDelayMs` for
 * others to share its batch) and never loses one: a failed write is retried with exponential
 * backoff until the store takes it. While the store is down items wait in memory, and `full`
 * tells callers to stop admitting work, so memory stays bounded and nothing is skipped.
 */
export class GroupCommitQueue<T> {
  readonly #options: GroupCommitOptions<T>;
  #pending: T[] = [];
  #writing: Promise<void> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #failures = 0;
  #races = 0;

  constructor(options: GroupCommitOptions<T>) {
    this.#options = options;
  }

  get full(): boolean {
    return this.#pending.length >= this.#options.capacity;
  }

  get pending(): number {
    return this.#pending.length;
  }

  enqueue(item: T): void {
    this.#pending.push(item);
    if (this.#writing !== undefined) return; // the running drain takes it
    if (this.#options.flushDelayMs === 0 || this.#pending.length >= this.#options.batchSize) {
      this.#start();
    } else {
      this.#timer ??= setTimeout(() => this.#start(), this.#options.flushDelayMs);
    }
  }

  /** Resolves once every item queued so far is written (retrying as long as that takes). */
  async flush(): Promise<void> {
    if (this.#pending.length > 0) this.#start();
    while (this.#writing !== undefined) await this.#writing;
  }

  #start(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#writing ??= this.#drain().finally(() => {
      this.#writing = undefined;
    });
  }

  async #drain(): Promise<void> {
    // Let the items of requests finishing together join one batch.
    await Promise.resolve();
    while (this.#pending.length > 0) {
      const batch = this.#pending.slice(0, this.#options.batchSize);
      try {
        await this.#options.write(batch);
        this.#pending.splice(0, batch.length);
        this.#failures = 0;
        this.#races = 0;
      } catch (error) {
        if (this.#options.retryAtOnce?.(error) === true && this.#races < maximumRacesInARow) {
          this.#races += 1;
          continue;
        }
        this.#races = 0;
        this.#failures += 1;
        this.#options.onWriteFailed(error, this.#pending.length);
        await this.#options.wait(Math.min(maximumRetryDelayMs, 100 * 2 ** (this.#failures - 1)));
      }
    }
  }
}
