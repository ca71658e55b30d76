import type { AuditLogRecord, AuditLogStore } from '../../storage/ports.ts';
import { buildAuditRecords, type AuditEvent } from './audit-record.ts';

export interface AuditWriterOptions {
  readonly store: AuditLogStore;
  /** Events waiting beyond which `full` is true (callers then refuse new work). */
  readonly capacity: number;
  /** How long an event may wait for others to share its commit. */
  readonly flushDelayMs: number;
  readonly batchSize?: number;
  readonly wait: (ms: number) => Promise<void>;
  /** Told about every batch appended, in seq order (for checkpoints). */
  readonly onAppended: (records: readonly AuditLogRecord[]) => void;
  readonly onWriteFailed: (error: unknown, pending: number) => void;
}

const maximumRetryDelayMs = 5_000;

/**
 * Appends audit events to the chained log behind the requests, in group commits, and never
 * loses one: a failed append is retried with backoff. Several writers (replicas) may append to
 * one log: when another took the next seq first, the batch is rebuilt on the new last record
 * and appended again. While the store is down events wait in memory up to `capacity`.
 */
export class AuditWriter {
  readonly #options: AuditWriterOptions;
  #pending: AuditEvent[] = [];
  #last: AuditLogRecord | undefined;
  #lastKnown = false;
  #writing: Promise<void> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #failures = 0;
  #races = 0;

  constructor(options: AuditWriterOptions) {
    this.#options = options;
  }

  get full(): boolean {
    return this.#pending.length >= this.#options.capacity;
  }

  get pending(): number {
    return this.#pending.length;
  }

  record(event: AuditEvent): void {
    this.#pending.push(event);
    if (this.#writing !== undefined) return;
    if (this.#pending.length >= this.#batchSize) {
      this.#start();
    } else {
      this.#timer ??= setTimeout(() => this.#start(), this.#options.flushDelayMs);
    }
  }

  /** Resolves once every event recorded so far is appended. */
  async flush(): Promise<void> {
    if (this.#pending.length > 0) this.#start();
    while (this.#writing !== undefined) await this.#writing;
  }

  get #batchSize(): number {
    return this.#options.batchSize ?? 200;
  }

  #start(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#writing ??= this.#drain().finally(() => {
      this.#writing = undefined;
    });
  }

  async #drain(): Promise<void> {
    await Promise.resolve();
    while (this.#pending.length > 0) {
      const batch = this.#pending.slice(0, this.#batchSize);
      try {
        if (!this.#lastKnown) {
          this.#last = await this.#options.store.last();
          this.#lastKnown = true;
        }
        const records = buildAuditRecords(this.#last, batch);
        await this.#options.store.append(records);
        this.#pending.splice(0, batch.length);
        this.#last = records[records.length - 1];
        this.#failures = 0;
        this.#races = 0;
        this.#options.onAppended(records);
      } catch (error) {
        // Another writer may have appended: read the log's end again before retrying.
        this.#lastKnown = false;
        if (error instanceof RangeError && this.#races < 10) {
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
