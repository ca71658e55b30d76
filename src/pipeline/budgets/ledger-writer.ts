import { crashPoint } from '../../lib/crash-points.ts';
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
  /**
   * When set, a row is held back until its request's audit record is committed
   * ({@link LedgerWriter.audited}), but at most this long: a crash then never leaves a ledger row
   * without its audit record (the hold reaper covers the other order). Undefined writes rows as
   * they come (the audit trail is off).
   */
  readonly awaitAuditMs?: number | undefined;
  /** Monotonic milliseconds (for how long rows have waited for their audit record). */
  readonly monotonic?: () => number;
  /** Waits `ms` before retrying a failed write (injectable for tests). */
  readonly wait: (ms: number) => Promise<void>;
  readonly onWriteFailed: (error: unknown, pending: number) => void;
}

/** How often rows that waited too long for their audit record are let through. */
const releaseSweepMs = 1_000;

/**
 * Writes ledger rows behind the requests, in group commits (see `GroupCommitQueue`), and never
 * loses one. While the store is down rows wait in memory, but only up to `capacity`: past it
 * `full` turns true and the gateway admits no new request, so memory stays bounded and no row is
 * ever skipped. Rows of requests already admitted are always queued.
 */
export class LedgerWriter {
  readonly #queue: GroupCommitQueue<LedgerEntry>;
  readonly #capacity: number;
  readonly #awaitAuditMs: number | undefined;
  readonly #monotonic: () => number;
  /** Rows waiting for their audit record, by request id, with when they began to wait. */
  readonly #parked = new Map<string, { readonly entry: LedgerEntry; readonly since: number }>();
  /** Requests audited before their row came (kept for one sweep period). */
  #auditedEarly = new Set<string>();
  #previousAuditedEarly = new Set<string>();
  #sweep: NodeJS.Timeout | undefined;

  constructor(options: LedgerWriterOptions) {
    this.#capacity = options.capacity;
    this.#awaitAuditMs = options.awaitAuditMs;
    this.#monotonic = options.monotonic ?? (() => performance.now());
    this.#queue = new GroupCommitQueue({
      write: async (batch) => {
        crashPoint('before-ledger-commit');
        await options.store.settle(batch);
        crashPoint('after-ledger-commit');
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
    return this.pending >= this.#capacity;
  }

  /** Rows not yet written (including those waiting for their audit record). */
  get pending(): number {
    return this.#queue.pending + this.#parked.size;
  }

  /** Queues a row; `awaitsAudit: false` for a request no audit record follows. */
  enqueue(entry: LedgerEntry, awaitsAudit = true): void {
    if (this.#awaitAuditMs === undefined || !awaitsAudit) {
      this.#queue.enqueue(entry);
      return;
    }
    if (
      this.#auditedEarly.has(entry.requestId) ||
      this.#previousAuditedEarly.has(entry.requestId)
    ) {
      this.#queue.enqueue(entry);
      return;
    }
    this.#parked.set(entry.requestId, { entry, since: this.#monotonic() });
    this.#sweep ??= setInterval(() => this.#releaseOverdue(), releaseSweepMs);
    this.#sweep.unref();
  }

  /** Lets the rows of these requests through: their audit records are committed. */
  audited(requestIds: readonly string[]): void {
    if (this.#awaitAuditMs === undefined) return;
    for (const requestId of requestIds) {
      const parked = this.#parked.get(requestId);
      if (parked === undefined) {
        this.#auditedEarly.add(requestId);
        this.#sweep ??= setInterval(() => this.#releaseOverdue(), releaseSweepMs);
        this.#sweep.unref();
        continue;
      }
      this.#parked.delete(requestId);
      this.#queue.enqueue(parked.entry);
    }
  }

  /** Rows whose audit record did not come in time (the request was not audited) go anyway. */
  #releaseOverdue(): void {
    const limit = this.#awaitAuditMs ?? 0;
    const now = this.#monotonic();
    for (const [requestId, parked] of this.#parked) {
      if (now - parked.since < limit) continue;
      this.#parked.delete(requestId);
      this.#queue.enqueue(parked.entry);
    }
    this.#previousAuditedEarly = this.#auditedEarly;
    this.#auditedEarly = new Set();
    if (this.#parked.size === 0 && this.#previousAuditedEarly.size === 0) {
      clearInterval(this.#sweep);
      this.#sweep = undefined;
    }
  }

  /** Resolves once the rows free to go (not waiting for an audit record) are written. */
  flushAudited(): Promise<void> {
    return this.#queue.flush();
  }

  /**
   * Resolves once every row queued so far is written (retrying as long as that takes). Rows
   * still waiting for their audit record are written too: call it after the audit trail has
   * flushed.
   */
  flush(): Promise<void> {
    for (const [requestId, parked] of this.#parked) {
      this.#parked.delete(requestId);
      this.#queue.enqueue(parked.entry);
    }
    return this.#queue.flush();
  }
}
