import type { AuditLogStore, AuditPayloadStore } from '../../storage/ports.ts';
import type { AuditEvent } from './audit-record.ts';

/** What one retention run did. */
export interface PayloadPurge {
  /** Payloads of records before this seq (a checkpoint's tree size) were purged. */
  readonly beforeSeq: number;
  readonly deleted: number;
}

/**
 * The largest checkpoint boundary whose whole interval is older than `cutoff`: the biggest of
 * `checkpointSizes` whose last record (seq `size - 1`) was written before `cutoff`, or 0.
 * Record times grow with seq (up to the skew between replicas), so a binary search suffices.
 */
export async function expiredBoundary(
  log: Pick<AuditLogStore, 'read'>,
  checkpointSizes: readonly number[],
  cutoff: number,
): Promise<number> {
  const sizes = [...new Set(checkpointSizes.filter((size) => size > 0))].sort((a, b) => a - b);
  let low = 0;
  let high = sizes.length - 1;
  let found = 0;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const size = sizes[middle] ?? 0;
    const [last] = await log.read(size - 1, 1);
    if (last?.seq === size - 1 && last.at < cutoff) {
      found = size;
      low = middle + 1;
    } else {
      high = middle - 1;
    }
  }
  return found;
}

/**
 * Purges the payloads of every whole checkpoint interval older than `cutoff` and returns the
 * audit event that records it, or undefined when nothing was purged (also when another process
 * purged the same interval first). Records are never touched: the chain still verifies.
 */
export async function purgeExpiredPayloads(options: {
  readonly log: Pick<AuditLogStore, 'read'>;
  readonly payloads: Pick<AuditPayloadStore, 'purgeBefore'>;
  readonly checkpointSizes: readonly number[];
  readonly cutoff: number;
  readonly retentionMs: number;
  readonly now: number;
}): Promise<{ purge: PayloadPurge; event: AuditEvent } | undefined> {
  const boundary = await expiredBoundary(options.log, options.checkpointSizes, options.cutoff);
  if (boundary === 0) return undefined;
  const deleted = await options.payloads.purgeBefore(boundary);
  if (deleted === 0) return undefined;
  return {
    purge: { beforeSeq: boundary, deleted },
    event: {
      at: options.now,
      kind: 'audit.payload_purge',
      payload: {
        before_seq: boundary,
        deleted,
        cutoff: options.cutoff,
        retention_ms: options.retentionMs,
      },
    },
  };
}
