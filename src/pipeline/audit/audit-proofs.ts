import type { AuditLogStore } from '../../storage/ports.ts';
import {
  merkleConsistencyProof,
  merkleInclusionProof,
  merkleLeafHash,
  merkleRoot,
} from './merkle-tree.ts';

/** An inclusion proof of one record, hashes in hex (RFC 9162 §2.1.3). */
export interface AuditInclusionProof {
  readonly seq: number;
  readonly treeSize: number;
  /** The record hash (the Merkle leaf is SHA-256(0x00 || these 32 bytes)). */
  readonly recordHash: string;
  readonly rootHash: string;
  readonly path: readonly string[];
}

/** A consistency proof between two tree sizes, hashes in hex (RFC 9162 §2.1.4). */
export interface AuditConsistencyProof {
  readonly oldSize: number;
  readonly newSize: number;
  readonly oldRootHash: string;
  readonly newRootHash: string;
  readonly path: readonly string[];
}

async function leafHashes(store: Pick<AuditLogStore, 'read'>, size: number): Promise<Buffer[]> {
  const leaves: Buffer[] = [];
  const pageSize = 1000;
  while (leaves.length < size) {
    const page = await store.read(leaves.length, Math.min(pageSize, size - leaves.length));
    if (page.length === 0) break;
    for (const record of page) {
      if (record.seq !== leaves.length) {
        throw new RangeError(`the audit log has no record ${String(leaves.length)}`);
      }
      leaves.push(merkleLeafHash(Buffer.from(record.hash, 'hex')));
    }
  }
  if (leaves.length < size) throw new RangeError('the audit log is smaller than the tree size');
  return leaves;
}

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

/**
 * The proof that record `seq` is in the tree of the first `treeSize` records (default: all).
 * Reads the records up to `treeSize` (O(n)). Rejects with `RangeError` when `seq` or `treeSize`
 * is outside the log, or when the log has a gap.
 */
export async function auditInclusionProof(
  store: Pick<AuditLogStore, 'read' | 'count'>,
  seq: number,
  treeSize?: number,
): Promise<AuditInclusionProof> {
  const size = treeSize ?? (await store.count());
  if (!Number.isSafeInteger(size) || !Number.isSafeInteger(seq) || seq < 0 || seq >= size) {
    throw new RangeError('seq must be below the tree size');
  }
  const [record] = await store.read(seq, 1);
  if (record?.seq !== seq) throw new RangeError(`the audit log has no record ${String(seq)}`);
  const leaves = await leafHashes(store, size);
  return {
    seq,
    treeSize: size,
    recordHash: record.hash,
    rootHash: hex(merkleRoot(leaves)),
    path: merkleInclusionProof(leaves, seq).map(hex),
  };
}

/**
 * The proof that the tree of the first `oldSize` records is a prefix of the tree of the first
 * `newSize` (default: all). Rejects with `RangeError` unless 1 <= oldSize <= newSize <= count.
 */
export async function auditConsistencyProof(
  store: Pick<AuditLogStore, 'read' | 'count'>,
  oldSize: number,
  newSize?: number,
): Promise<AuditConsistencyProof> {
  const size = newSize ?? (await store.count());
  if (
    !Number.isSafeInteger(oldSize) ||
    !Number.isSafeInteger(size) ||
    oldSize < 1 ||
    oldSize > size
  ) {
    throw new RangeError('need 1 <= old size <= new size');
  }
  const leaves = await leafHashes(store, size);
  return {
    oldSize,
    newSize: size,
    oldRootHash: hex(merkleRoot(leaves.slice(0, oldSize))),
    newRootHash: hex(merkleRoot(leaves)),
    path: merkleConsistencyProof(leaves, oldSize).map(hex),
  };
}
