import type { AuditLogRecord, AuditLogStore } from '../../storage/ports.ts';
import { GroupCommitQueue } from '../group-commit-queue.ts';
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

/**
 * Appends audit events to the chained log behind the requests, in group commits (see
 * `GroupCommitQueue`), and never loses one. Several writers (replicas) may append to one log:
 * when another took the next seq first (the store rejects with `RangeError`), the batch is
 * rebuilt on the log's new last record and appended again at once.
 */
export class AuditWriter {
  readonly #queue: GroupCommitQueue<AuditEvent>;
  /** The log's last record as this writer knows it; undefined until read (or after a race). */
  #last: { readonly record: AuditLogRecord | undefined } | undefined;

  constructor(options: AuditWriterOptions) {
    this.#queue = new GroupCommitQueue({
      write: async (batch) => {
        try {
          this.#last ??= { record: await options.store.last() };
          const records = buildAuditRecords(this.#last.record, batch);
          await options.store.append(records);
          this.#last = { record: records[records.length - 1] };
          options.onAppended(records);
        } catch (error) {
          // Another writer may have appended: read the log's end again before retrying.
          this.#last = undefined;
          throw error;
        }
      },
      capacity: options.capacity,
      batchSize: options.batchSize ?? 200,
      flushDelayMs: options.flushDelayMs,
      wait: options.wait,
      retryAtOnce: (error) => error instanceof RangeError,
      onWriteFailed: options.onWriteFailed,
    });
  }

  get full(): boolean {
    return this.#queue.full;
  }

  get pending(): number {
    return this.#queue.pending;
  }

  record(event: AuditEvent): void {
    this.#queue.enqueue(event);
  }

  /** Resolves once every event recorded so far is appended. */
  flush(): Promise<void> {
    return this.#queue.flush();
  }
}
