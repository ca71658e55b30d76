import type { Clock } from '../../lib/clock.ts';
import type { RequestLogRow, RequestLogStore } from '../../storage/request-log-store.ts';

export interface RequestLogWriterOptions {
  readonly store: RequestLogStore;
  readonly clock: Clock;
  /** How often queued rows are written. Default 100 ms. */
  readonly flushIntervalMs?: number;
  /**
   * Rows per transaction; a full batch is written at once. Default 100: a SQLite batch holds the
   * file's write lock for about 4 ms (100 rows with the log's indexes; on the request log's worker
   * thread, see open-request-log.ts), so small batches keep the ledger's and the audit trail's
   * waits for it short; WAL commits do not sync, so more of them cost little.
   */
  readonly batchSize?: number;
  /** Rows that may wait; beyond it the oldest are dropped and counted. Default 50 000. */
  readonly capacity?: number;
  /** Rows older than this are pruned; undefined keeps them. */
  readonly retentionMs?: number | undefined;
  /** How often old rows are pruned. Default one hour. */
  readonly pruneIntervalMs?: number;
  /** Told at most once per `warnIntervalMs` (default a minute) how many rows were dropped since. */
  readonly onDropped?: (dropped: number, pending: number) => void;
  /** Told at most once per `warnIntervalMs` that a write or a prune failed (rows are retried). */
  readonly onFailed?: (error: unknown, pending: number) => void;
  readonly warnIntervalMs?: number;
}

/**
 * Writes the request log off the request path: `add` only queues (it never throws and never
 * waits), a timer writes queued rows in batches, one transaction each. While the database is
 * down or slow the queue is bounded: the oldest rows are dropped and counted, never the process.
 * Old rows are pruned periodically when a retention is set.
 */
export class RequestLogWriter {
  readonly #store: RequestLogStore;
  readonly #clock: Clock;
  readonly #batchSize: number;
  readonly #capacity: number;
  readonly #retentionMs: number | undefined;
  readonly #warnIntervalMs: number;
  readonly #onDropped: (dropped: number, pending: number) => void;
  readonly #onFailed: (error: unknown, pending: number) => void;
  /** Queued rows from `#head` on; the consumed prefix is cut off now and then, not per row. */
  #queue: RequestLogRow[] = [];
  #head = 0;
  #writing: Promise<void> | undefined;
  #droppedTotal = 0;
  #droppedUnreported = 0;
  #lastDropWarning = Number.NEGATIVE_INFINITY;
  #lastFailureWarning = Number.NEGATIVE_INFINITY;
  readonly #flushTimer: NodeJS.Timeout;
  readonly #pruneTimer: NodeJS.Timeout | undefined;

  constructor(options: RequestLogWriterOptions) {
    this.#store = options.store;
    this.#clock = options.clock;
    this.#batchSize = options.batchSize ?? 100;
    this.#capacity = options.capacity ?? 50_000;
    this.#retentionMs = options.retentionMs;
    this.#warnIntervalMs = options.warnIntervalMs ?? 60_000;
    this.#onDropped = options.onDropped ?? (() => undefined);
    this.#onFailed = options.onFailed ?? (() => undefined);
    this.#flushTimer = setInterval(() => void this.flush(), options.flushIntervalMs ?? 100);
    this.#flushTimer.unref();
    if (this.#retentionMs !== undefined) {
      this.#pruneTimer = setInterval(() => void this.prune(), options.pruneIntervalMs ?? 3_600_000);
      this.#pruneTimer.unref();
    }
  }

  /** Rows waiting to be written. */
  get pending(): number {
    return this.#queue.length - this.#head;
  }

  /** Rows dropped since start because the queue was full. */
  get dropped(): number {
    return this.#droppedTotal;
  }

  /** Queues one row; a full batch is written right away. Never throws. */
  add(row: RequestLogRow): void {
    this.#queue.push(row);
    const excess = this.pending - this.#capacity;
    if (excess > 0) {
      this.#head += excess;
      this.#countDropped(excess);
    }
    this.#compact();
    if (this.pending >= this.#batchSize && this.#writing === undefined) {
      void this.flush();
    }
  }

  /**
   * Writes what is queued, a batch per transaction, until the queue is empty or a write fails
   * (the batch goes back to the front, to be retried). Resolves, never rejects.
   */
  flush(): Promise<void> {
    this.#writing ??= this.#writeAll().finally(() => {
      this.#writing = undefined;
    });
    return this.#writing;
  }

  /** Deletes rows older than the retention. Resolves, never rejects. */
  async prune(): Promise<void> {
    if (this.#retentionMs === undefined) return;
    try {
      await this.#store.prune(this.#clock.now() - this.#retentionMs);
    } catch (error) {
      this.#reportFailure(error);
    }
  }

  /** Stops the timers and writes what is queued, waiting at most `graceMs`. */
  async close(graceMs: number): Promise<void> {
    clearInterval(this.#flushTimer);
    clearInterval(this.#pruneTimer);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.flush(),
      new Promise((resolve) => {
        timer = setTimeout(resolve, graceMs);
      }),
    ]);
    clearTimeout(timer);
  }

  async #writeAll(): Promise<void> {
    while (this.pending > 0) {
      const batch = this.#queue.slice(this.#head, this.#head + this.#batchSize);
      this.#head += batch.length;
      try {
        await this.#store.append(batch);
      } catch (error) {
        // Back to the front, as far as the capacity allows; newer rows keep their place.
        const room = Math.max(0, this.#capacity - this.pending);
        const kept = batch.slice(batch.length - Math.min(room, batch.length));
        this.#queue = [...kept, ...this.#queue.slice(this.#head)];
        this.#head = 0;
        this.#countDropped(batch.length - kept.length);
        this.#reportFailure(error);
        return;
      } finally {
        this.#compact();
      }
    }
  }

  #compact(): void {
    if (this.#head > 4096 && this.#head * 2 > this.#queue.length) {
      this.#queue = this.#queue.slice(this.#head);
      this.#head = 0;
    }
  }

  #countDropped(count: number): void {
    if (count <= 0) return;
    this.#droppedTotal += count;
    this.#droppedUnreported += count;
    const now = this.#clock.now();
    if (now - this.#lastDropWarning >= this.#warnIntervalMs) {
      this.#lastDropWarning = now;
      this.#onDropped(this.#droppedUnreported, this.pending);
      this.#droppedUnreported = 0;
    }
  }

  #reportFailure(error: unknown): void {
    const now = this.#clock.now();
    if (now - this.#lastFailureWarning >= this.#warnIntervalMs) {
      this.#lastFailureWarning = now;
      this.#onFailed(error, this.pending);
    }
  }
}
