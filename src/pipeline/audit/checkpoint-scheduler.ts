import type { Clock } from '../../lib/clock.ts';
import type { AuditLogRecord } from '../../storage/ports.ts';
import { signCheckpoint, type CheckpointSignerKey } from './checkpoint.ts';
import { MerkleFrontier, merkleLeafHash } from './merkle-tree.ts';

/** Where signed checkpoints go: append-only and outside the database (docs/audit.md). */
export interface CheckpointSink {
  /** Appends one signed note durably; resolves once it is on stable storage. */
  append(note: string): Promise<void>;
}

/** How often to emit checkpoints. */
export interface CheckpointSchedulerOptions {
  readonly origin: string;
  readonly signer: CheckpointSignerKey;
  readonly sink: CheckpointSink;
  readonly clock: Clock;
  /** A checkpoint once this many records were appended since the last one (e.g. 1000). */
  readonly everyRecords: number;
  /** A checkpoint once this much time passed since the last one, if records were appended. */
  readonly everyMs: number;
  /**
   * The largest tree already signed (read from the checkpoint file at start): no checkpoint is
   * emitted for a tree of this size or smaller while the stored log is fed in again.
   */
  readonly lastCheckpointSize?: number;
}

/**
 * Keeps the Merkle frontier of the log as records are appended, and emits a signed checkpoint
 * to the sink every `everyRecords` records or `everyMs` milliseconds (whichever comes first;
 * never for an unchanged tree). Time comes from the injected clock; the caller calls
 * {@link CheckpointScheduler.poll} from a timer. Records must be passed in seq order from seq 0:
 * on start, feed it the stored log (which may emit one checkpoint for the records found).
 */
export class CheckpointScheduler {
  readonly #options: CheckpointSchedulerOptions;
  readonly #frontier = new MerkleFrontier();
  #lastSize = 0;
  #lastAtMs: number;
  #pending: Promise<unknown> = Promise.resolve();

  constructor(options: CheckpointSchedulerOptions) {
    if (!Number.isSafeInteger(options.everyRecords) || options.everyRecords < 1) {
      throw new RangeError('everyRecords must be a positive integer');
    }
    if (!Number.isFinite(options.everyMs) || options.everyMs <= 0) {
      throw new RangeError('everyMs must be positive');
    }
    this.#options = options;
    this.#lastSize = options.lastCheckpointSize ?? 0;
    this.#lastAtMs = options.clock.monotonic();
  }

  /** The number of records the frontier covers. */
  get treeSize(): number {
    return this.#frontier.size;
  }

  /**
   * Feeds records (in seq order) into the frontier and emits a checkpoint when `everyRecords`
   * is reached. Rejects with `RangeError` when a record is not the next seq; rejects when the
   * sink fails (the next call tries again).
   */
  async recordsAppended(records: readonly AuditLogRecord[]): Promise<string | undefined> {
    for (const record of records) {
      if (record.seq !== this.#frontier.size) {
        throw new RangeError(
          `checkpoint scheduler expected seq ${String(this.#frontier.size)}, got ${String(record.seq)}`,
        );
      }
      this.#frontier.append(merkleLeafHash(Buffer.from(record.hash, 'hex')));
    }
    if (this.#frontier.size - this.#lastSize >= this.#options.everyRecords) {
      return this.checkpointNow();
    }
    return undefined;
  }

  /** Emits a checkpoint when `everyMs` has passed and the tree grew. Call from a timer. */
  async poll(): Promise<string | undefined> {
    const elapsed = this.#options.clock.monotonic() - this.#lastAtMs;
    if (elapsed >= this.#options.everyMs && this.#frontier.size > this.#lastSize) {
      return this.checkpointNow();
    }
    return undefined;
  }

  /**
   * Signs the current tree head and appends it to the sink, serialised with other emits. Resolves
   * undefined (and writes nothing) for a tree smaller than one already signed: checkpoint sizes
   * never decrease.
   */
  checkpointNow(): Promise<string | undefined> {
    const size = this.#frontier.size;
    if (size < this.#lastSize) return Promise.resolve(undefined);
    const rootHash = this.#frontier.root();
    const note = signCheckpoint(
      { origin: this.#options.origin, treeSize: size, rootHash },
      this.#options.signer,
    );
    const written = this.#pending.then(async () => {
      await this.#options.sink.append(note);
      this.#lastSize = Math.max(this.#lastSize, size);
      this.#lastAtMs = this.#options.clock.monotonic();
      return note;
    });
    this.#pending = written.catch(() => undefined);
    return written;
  }
}
