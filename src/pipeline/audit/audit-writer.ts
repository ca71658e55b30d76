import { CredentialDecryptionError } from '../../lib/credential-envelope.ts';
import type { AuditLogRecord, AuditLogStore, AuditPayloadRow } from '../../storage/ports.ts';
import { GroupCommitQueue } from '../group-commit-queue.ts';
import type { AuditAttachment, SealedAttachment } from './audit-payload-vault.ts';
import { buildAuditRecords, type AuditEvent } from './audit-record.ts';
import { crashPoint } from '../../lib/crash-points.ts';

/** An event, with the payload to keep beside its record when payload retention is on. */
export interface AuditWriterEvent extends AuditEvent {
  readonly attachment?: AuditAttachment | undefined;
}

/**
 * Seals each attachment of a batch; the record gets `retained_payload` with the digest of the
 * sealed bytes (or `{error: "sealing_failed"}` when its key cannot be opened, so a broken key
 * never holds up the log) and the sealed row is stored in the same transaction.
 */
async function sealBatch(
  batch: readonly AuditWriterEvent[],
  seal: ((attachment: AuditAttachment) => Promise<SealedAttachment>) | undefined,
  onSealFailed: (error: unknown) => void,
): Promise<{ events: AuditEvent[]; sealed: (SealedAttachment | undefined)[] }> {
  const events: AuditEvent[] = [];
  const sealed: (SealedAttachment | undefined)[] = [];
  for (const { attachment, ...event } of batch) {
    if (attachment === undefined || seal === undefined) {
      events.push(event);
      sealed.push(undefined);
      continue;
    }
    let result: SealedAttachment | undefined;
    try {
      result = await seal(attachment);
    } catch (error) {
      if (!(error instanceof CredentialDecryptionError)) throw error;
      onSealFailed(error);
    }
    const retained =
      result === undefined
        ? { error: 'sealing_failed' }
        : { sha256: result.digest, key_id: result.keyId };
    events.push({ ...event, payload: { ...event.payload, retained_payload: retained } });
    sealed.push(result);
  }
  return { events, sealed };
}

export interface AuditWriterOptions {
  readonly store: AuditLogStore;
  /** Events waiting beyond which `full` is true (callers then refuse new work). */
  readonly capacity: number;
  /** How long an event may wait for others to share its commit. */
  readonly flushDelayMs: number;
  readonly batchSize?: number;
  readonly wait: (ms: number) => Promise<void>;
  /** Told about every batch appended, in seq order (for checkpoints), with its events. */
  readonly onAppended: (
    records: readonly AuditLogRecord[],
    events: readonly AuditWriterEvent[],
  ) => void;
  readonly onWriteFailed: (error: unknown, pending: number) => void;
  /** Seals attachments (payload retention); without it attachments are dropped. */
  readonly seal?: ((attachment: AuditAttachment) => Promise<SealedAttachment>) | undefined;
  /** Told when an attachment could not be sealed (its record is written without it). */
  readonly onSealFailed?: (error: unknown) => void;
}

/**
 * Appends audit events to the chained log behind the requests, in group commits (see
 * `GroupCommitQueue`), and never loses one. Several writers (replicas) may append to one log:
 * when another took the next seq first (the store rejects with `RangeError`), the batch is
 * rebuilt on the log's new last record and appended again at once.
 */
export class AuditWriter {
  readonly #queue: GroupCommitQueue<AuditWriterEvent>;
  /** The log's last record as this writer knows it; undefined until read (or after a race). */
  #last: { readonly record: AuditLogRecord | undefined } | undefined;
  /** The records of an append that failed: it may have been committed anyway. */
  #unconfirmed:
    | { readonly records: readonly AuditLogRecord[]; readonly events: readonly AuditWriterEvent[] }
    | undefined;

  constructor(options: AuditWriterOptions) {
    this.#queue = new GroupCommitQueue({
      write: async (batch) => {
        try {
          const unwritten = await this.#unwritten(batch, options);
          if (unwritten.length === 0) return;
          const { events, sealed } = await sealBatch(
            unwritten,
            options.seal,
            options.onSealFailed ?? (() => undefined),
          );
          this.#last ??= { record: await options.store.last() };
          const records = buildAuditRecords(this.#last.record, events);
          const payloads: AuditPayloadRow[] = [];
          sealed.forEach((attachment, index) => {
            const record = records[index];
            if (attachment === undefined || record === undefined) return;
            payloads.push({
              seq: record.seq,
              requestId: attachment.requestId,
              org: attachment.org,
              keyId: attachment.keyId,
              sealed: attachment.sealed,
            });
          });
          crashPoint('before-audit-commit');
          this.#unconfirmed = { records, events: unwritten };
          await options.store.append(records, payloads);
          this.#unconfirmed = undefined;
          crashPoint('after-audit-commit');
          this.#last = { record: records[records.length - 1] };
          options.onAppended(records, unwritten);
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

  /**
   * The events of `batch` still to append. After a failed append the batch is retried, but the
   * append may have been committed anyway (the connection broke after COMMIT reached the
   * database): when the log holds exactly the records built for it at their seqs, those events
   * are written and appending them again would record them twice.
   */
  async #unwritten(
    batch: readonly AuditWriterEvent[],
    options: AuditWriterOptions,
  ): Promise<readonly AuditWriterEvent[]> {
    const attempt = this.#unconfirmed;
    const first = attempt?.records[0];
    if (attempt === undefined || first === undefined) return batch;
    if (!attempt.events.every((event, index) => batch[index] === event)) {
      this.#unconfirmed = undefined;
      return batch;
    }
    const found = await options.store.read(first.seq, attempt.records.length);
    this.#unconfirmed = undefined;
    const committed =
      found.length === attempt.records.length &&
      found.every((record, index) => record.hash === attempt.records[index]?.hash);
    if (!committed) return batch;
    this.#last = { record: found[found.length - 1] };
    options.onAppended(found, attempt.events);
    return batch.slice(attempt.events.length);
  }

  get full(): boolean {
    return this.#queue.full;
  }

  get pending(): number {
    return this.#queue.pending;
  }

  record(event: AuditWriterEvent): void {
    this.#queue.enqueue(event);
  }

  /** Resolves once every event recorded so far is appended. */
  flush(): Promise<void> {
    return this.#queue.flush();
  }
}
