import type { AuditLogRecord, AuditLogStore } from '../../storage/ports.ts';
import { computeAuditRecordHash, genesisPrevHash } from './audit-record.ts';
import {
  parseSignedCheckpoint,
  splitCheckpointFile,
  verifyCheckpointSignatures,
  type CheckpointVerifierKey,
  type SignedCheckpoint,
} from './checkpoint.ts';
import { MerkleFrontier, merkleLeafHash } from './merkle-tree.ts';

/** One thing wrong with the log or its checkpoints. `seq` is set for record problems. */
export type AuditProblem =
  | { readonly kind: 'record-hash-mismatch'; readonly seq: number }
  | { readonly kind: 'prev-hash-mismatch'; readonly seq: number }
  | { readonly kind: 'seq-gap'; readonly seq: number; readonly missingFrom: number }
  | { readonly kind: 'seq-out-of-order'; readonly seq: number; readonly after: number }
  | { readonly kind: 'reordered'; readonly seq: number; readonly linksTo: number }
  | {
      readonly kind: 'checkpoint-unparseable';
      readonly checkpoint: number;
      readonly message: string;
    }
  | {
      readonly kind: 'checkpoint-origin-mismatch';
      readonly checkpoint: number;
      readonly origin: string;
    }
  | {
      readonly kind: 'checkpoint-unknown-key';
      readonly checkpoint: number;
      readonly keys: readonly string[];
    }
  | {
      readonly kind: 'checkpoint-bad-signature';
      readonly checkpoint: number;
      readonly keys: readonly string[];
    }
  | {
      readonly kind: 'checkpoint-truncated';
      readonly checkpoint: number;
      readonly treeSize: number;
      readonly recordCount: number;
    }
  | {
      readonly kind: 'checkpoint-root-mismatch';
      readonly checkpoint: number;
      readonly treeSize: number;
    }
  | {
      readonly kind: 'payload-digest-mismatch' | 'payload-without-record';
      readonly seq: number;
    }
  | {
      readonly kind: 'checkpoint-size-decreased';
      readonly checkpoint: number;
      readonly treeSize: number;
      readonly previousSize: number;
    };

/** The outcome of {@link verifyAuditLog}. */
export interface AuditVerificationReport {
  /** True when there is no problem (warnings do not count). */
  readonly intact: boolean;
  readonly recordCount: number;
  /** The lowest seq at which a record problem was found, or null. */
  readonly firstBadSeq: number | null;
  /** Checkpoints that parsed, were signed by a trusted key and matched the records. */
  readonly checkpointsVerified: number;
  /** The largest tree size a verified checkpoint vouches for, or null. */
  readonly latestCheckpointSize: number | null;
  readonly problems: readonly AuditProblem[];
  /** E.g. that no checkpoint exists, so truncation of the tail cannot be detected. */
  readonly warnings: readonly string[];
}

/** What to check the records against. */
export interface AuditVerificationInput {
  /** The log name every checkpoint must carry. */
  readonly origin: string;
  /** Text of the external checkpoint file (empty when there is none). */
  readonly checkpointText: string;
  readonly trustedKeys: readonly CheckpointVerifierKey[];
  /** Records read per page; default 1000. */
  readonly pageSize?: number;
  /** At most this many problems are listed (the count is still exact in `intact`); default 100. */
  readonly maxProblems?: number;
}

/** How many recent record hashes are remembered to explain a reordering. */
const reorderWindow = 4096;

/**
 * Recomputes every record hash, the chain of `prevHash` links and the Merkle tree from the
 * stored records, and checks each external checkpoint: parse, origin, signature by a trusted
 * key, size not beyond the records, and root equal to the recomputed root at that size. Reads
 * the store page by page; memory is O(log n) for the tree plus a bounded window of recent hashes.
 * Rejects only when the store fails.
 */
export async function verifyAuditLog(
  store: Pick<AuditLogStore, 'read'>,
  input: AuditVerificationInput,
): Promise<AuditVerificationReport> {
  const problems: AuditProblem[] = [];
  const maxProblems = input.maxProblems ?? 100;
  let problemCount = 0;
  let firstBadSeq: number | null = null;
  const report = (problem: AuditProblem): void => {
    problemCount += 1;
    if ('seq' in problem) firstBadSeq = Math.min(firstBadSeq ?? problem.seq, problem.seq);
    if (problems.length < maxProblems) problems.push(problem);
  };

  const checkpoints = readCheckpoints(input, report);
  const wantedSizes = new Map<number, Buffer>();

  const frontier = new MerkleFrontier();
  const recentHashes = new Map<string, number>();
  /** prevHash values that pointed at no earlier record: maybe a later one (a swap). */
  const forwardLinks = new Map<string, number[]>();
  let previous: AuditLogRecord | undefined;
  let expectedSeq = 0;
  const rootAt = (): void => {
    if (checkpoints.some((entry) => entry.note.checkpoint.treeSize === frontier.size)) {
      wantedSizes.set(frontier.size, frontier.root());
    }
  };
  rootAt();

  const pageSize = input.pageSize ?? 1000;
  let from = 0;
  for (;;) {
    const page = await store.read(from, pageSize);
    const before = from;
    for (const record of page) {
      checkRecord(record);
      previous = record;
      from = Math.max(from, record.seq + 1);
    }
    // A store that returns a full page without moving forward would loop forever.
    if (page.length < pageSize || from === before) break;
  }

  function checkRecord(record: AuditLogRecord): void {
    if (previous !== undefined && record.seq <= previous.seq) {
      report({ kind: 'seq-out-of-order', seq: record.seq, after: previous.seq });
    } else if (record.seq > expectedSeq) {
      report({ kind: 'seq-gap', seq: record.seq, missingFrom: expectedSeq });
    }
    expectedSeq = Math.max(expectedSeq, record.seq + 1);

    const expectedPrev = previous?.hash ?? genesisPrevHash;
    let recomputed: string | undefined;
    try {
      recomputed = computeAuditRecordHash(record);
    } catch {
      recomputed = undefined;
    }
    const linkedSeq = recentHashes.get(record.prevHash);
    const movedIntact =
      linkedSeq !== undefined &&
      record.prevHash !== expectedPrev &&
      safeHash({ ...record, seq: linkedSeq + 1 }) === record.hash;
    if (record.prevHash !== expectedPrev && linkedSeq !== undefined) {
      report({ kind: 'reordered', seq: record.seq, linksTo: linkedSeq });
    } else if (record.prevHash !== expectedPrev && record.seq === expectedSeq - 1) {
      // A gap already explains a broken link to a missing record; otherwise the link is wrong,
      // unless a later record turns out to carry this hash (then it is a swap).
      const pending = forwardLinks.get(record.prevHash) ?? [];
      pending.push(record.seq);
      forwardLinks.set(record.prevHash, pending);
      if (previous === undefined || record.seq === previous.seq + 1) {
        report({ kind: 'prev-hash-mismatch', seq: record.seq });
      }
    }
    if (recomputed !== record.hash && !movedIntact) {
      report({ kind: 'record-hash-mismatch', seq: record.seq });
    }
    for (const seq of forwardLinks.get(record.hash) ?? []) {
      report({ kind: 'reordered', seq, linksTo: record.seq });
    }
    forwardLinks.delete(record.hash);

    recentHashes.set(record.hash, record.seq);
    if (recentHashes.size > reorderWindow) {
      const oldest = recentHashes.keys().next();
      if (oldest.done !== true) recentHashes.delete(oldest.value);
    }
    frontier.append(merkleLeafHash(Buffer.from(recomputed ?? record.hash, 'hex')));
    rootAt();
  }

  const recordCount = frontier.size;
  let checkpointsVerified = 0;
  let latestCheckpointSize: number | null = null;
  let previousSize = -1;
  for (const { index, note, trusted } of checkpoints) {
    const size = note.checkpoint.treeSize;
    if (size < previousSize) {
      report({
        kind: 'checkpoint-size-decreased',
        checkpoint: index,
        treeSize: size,
        previousSize,
      });
    }
    previousSize = Math.max(previousSize, size);
    if (!trusted) continue;
    if (size > recordCount) {
      report({ kind: 'checkpoint-truncated', checkpoint: index, treeSize: size, recordCount });
      continue;
    }
    const root = wantedSizes.get(size);
    if (root === undefined || Buffer.compare(root, note.checkpoint.rootHash) !== 0) {
      report({ kind: 'checkpoint-root-mismatch', checkpoint: index, treeSize: size });
      continue;
    }
    checkpointsVerified += 1;
    latestCheckpointSize = Math.max(latestCheckpointSize ?? 0, size);
  }

  const warnings: string[] = [];
  if (checkpoints.length === 0) {
    warnings.push('no checkpoint to compare with: truncation of the tail cannot be detected');
  } else if (latestCheckpointSize !== null && latestCheckpointSize < recordCount) {
    warnings.push(
      `records after seq ${String(latestCheckpointSize - 1)} are not covered by a checkpoint yet`,
    );
  }
  return {
    intact: problemCount === 0,
    recordCount,
    firstBadSeq,
    checkpointsVerified,
    latestCheckpointSize,
    problems,
    warnings,
  };
}

function safeHash(record: Omit<AuditLogRecord, 'hash'>): string | undefined {
  try {
    return computeAuditRecordHash(record);
  } catch {
    return undefined;
  }
}

/** Parses and signature-checks the checkpoints; `trusted` when origin and a signature hold. */
function readCheckpoints(
  input: AuditVerificationInput,
  report: (problem: AuditProblem) => void,
): { index: number; note: SignedCheckpoint; trusted: boolean }[] {
  const entries: { index: number; note: SignedCheckpoint; trusted: boolean }[] = [];
  splitCheckpointFile(input.checkpointText).forEach((text, index) => {
    const parsed = parseSignedCheckpoint(text);
    if (!parsed.ok) {
      report({ kind: 'checkpoint-unparseable', checkpoint: index, message: parsed.message });
      return;
    }
    const note = parsed.value;
    let trusted = true;
    if (note.checkpoint.origin !== input.origin) {
      report({
        kind: 'checkpoint-origin-mismatch',
        checkpoint: index,
        origin: note.checkpoint.origin,
      });
      trusted = false;
    }
    const check = verifyCheckpointSignatures(note, input.trustedKeys);
    if (check.badSignatures.length > 0) {
      report({ kind: 'checkpoint-bad-signature', checkpoint: index, keys: check.badSignatures });
      trusted = false;
    } else if (check.verifiedBy.length === 0) {
      report({ kind: 'checkpoint-unknown-key', checkpoint: index, keys: check.unknownKeys });
      trusted = false;
    }
    entries.push({ index, note, trusted });
  });
  return entries;
}

/** Exit status of `signalbox audit verify`: 0 when intact, 1 when anything is wrong. */
export function auditExitCode(report: AuditVerificationReport): number {
  return report.intact ? 0 : 1;
}
