import { createHash } from 'node:crypto';

/**
 * The Merkle tree of RFC 9162 §2.1 (Certificate Transparency v2) over SHA-256. All functions
 * are pure. Leaves are byte strings (here: the 32-byte audit record hashes); hashes are 32-byte
 * `Buffer`s. Leaf and interior hashes are domain-separated (0x00 and 0x01 prefixes), and a
 * tree whose size is not a power of two splits at the largest power of two below its size, so
 * the tree shape is the RFC's and proofs interoperate with other CT-style verifiers.
 */

const leafPrefix = Buffer.from([0x00]);
const nodePrefix = Buffer.from([0x01]);

/** MTH of the empty tree: SHA-256 of nothing. */
export const emptyTreeRoot: Buffer = createHash('sha256').digest();

/** SHA-256(0x00 || leaf). */
export function merkleLeafHash(leaf: Uint8Array): Buffer {
  return createHash('sha256').update(leafPrefix).update(leaf).digest();
}

/** SHA-256(0x01 || left || right). */
export function merkleNodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  return createHash('sha256').update(nodePrefix).update(left).update(right).digest();
}

/** The largest power of two strictly below `n` (n > 1). */
function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** MTH(D[start:end]) over leaf hashes. */
function subtreeRoot(leafHashes: readonly Uint8Array[], start: number, end: number): Buffer {
  const n = end - start;
  if (n === 0) return emptyTreeRoot;
  const only = n === 1 ? leafHashes[start] : undefined;
  if (only !== undefined) return Buffer.from(only);
  const k = splitPoint(n);
  return merkleNodeHash(
    subtreeRoot(leafHashes, start, start + k),
    subtreeRoot(leafHashes, start + k, end),
  );
}

/** The root (MTH) of the tree whose leaves have these leaf hashes (see {@link merkleLeafHash}). */
export function merkleRoot(leafHashes: readonly Uint8Array[]): Buffer {
  return subtreeRoot(leafHashes, 0, leafHashes.length);
}

/**
 * The inclusion proof (RFC 9162 §2.1.3.1 PATH) of leaf `index` in the tree of all given leaf
 * hashes. Throws `RangeError` unless 0 <= index < size.
 */
export function merkleInclusionProof(leafHashes: readonly Uint8Array[], index: number): Buffer[] {
  if (!Number.isSafeInteger(index) || index < 0 || index >= leafHashes.length) {
    throw new RangeError('the leaf index must be inside the tree');
  }
  const path: Buffer[] = [];
  let start = 0;
  let end = leafHashes.length;
  let m = index;
  // Walk down from the root, collecting siblings; the RFC lists them bottom-up.
  while (end - start > 1) {
    const k = splitPoint(end - start);
    if (m < k) {
      path.push(subtreeRoot(leafHashes, start + k, end));
      end = start + k;
    } else {
      path.push(subtreeRoot(leafHashes, start, start + k));
      start += k;
      m -= k;
    }
  }
  return path.reverse();
}

/**
 * The consistency proof (RFC 9162 §2.1.4.1 PROOF) that the tree of the first `oldSize` leaves
 * is a prefix of the tree of all given leaves. Empty when the sizes are equal. Throws
 * `RangeError` unless 0 < oldSize <= size.
 */
export function merkleConsistencyProof(
  leafHashes: readonly Uint8Array[],
  oldSize: number,
): Buffer[] {
  if (!Number.isSafeInteger(oldSize) || oldSize < 1 || oldSize > leafHashes.length) {
    throw new RangeError('the old tree size must be between 1 and the tree size');
  }
  const proof: Buffer[] = [];
  let start = 0;
  let end = leafHashes.length;
  let m = oldSize;
  let complete = true;
  while (m !== end - start) {
    const k = splitPoint(end - start);
    if (m <= k) {
      proof.push(subtreeRoot(leafHashes, start + k, end));
      end = start + k;
    } else {
      proof.push(subtreeRoot(leafHashes, start, start + k));
      start += k;
      m -= k;
      complete = false;
    }
  }
  if (!complete) proof.push(subtreeRoot(leafHashes, start, end));
  return proof.reverse();
}

function isHash(value: Uint8Array): boolean {
  return value.length === 32;
}

function equalBytes(left: Uint8Array, right: Uint8Array): boolean {
  return Buffer.compare(left, right) === 0;
}

/**
 * RFC 9162 §2.1.3.2: true when `proof` shows the leaf with hash `leafHash` at `index` in the
 * tree of `treeSize` leaves with root `root`. Every proof element is used; a proof that is too
 * long or too short, or has an element that is not 32 bytes, fails. Never throws.
 */
export function verifyMerkleInclusion(
  leafHash: Uint8Array,
  index: number,
  treeSize: number,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): boolean {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(treeSize)) return false;
  if (index < 0 || index >= treeSize) return false;
  if (!isHash(leafHash) || !isHash(root) || !proof.every(isHash)) return false;
  let fn = BigInt(index);
  let sn = BigInt(treeSize - 1);
  let r: Uint8Array = leafHash;
  for (const p of proof) {
    if (sn === 0n) return false;
    if ((fn & 1n) === 1n || fn === sn) {
      r = merkleNodeHash(p, r);
      while ((fn & 1n) === 0n && fn !== 0n) {
        fn >>= 1n;
        sn >>= 1n;
      }
    } else {
      r = merkleNodeHash(r, p);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  return sn === 0n && equalBytes(r, root);
}

/**
 * RFC 9162 §2.1.4.2: true when `proof` shows that the tree of `oldSize` leaves with root
 * `oldRoot` is a prefix of the tree of `newSize` leaves with root `newRoot`. Equal sizes need an
 * empty proof and equal roots; `oldSize` must be at least 1. Never throws.
 */
export function verifyMerkleConsistency(
  oldSize: number,
  newSize: number,
  oldRoot: Uint8Array,
  newRoot: Uint8Array,
  proof: readonly Uint8Array[],
): boolean {
  if (!Number.isSafeInteger(oldSize) || !Number.isSafeInteger(newSize)) return false;
  if (oldSize < 1 || oldSize > newSize) return false;
  if (!isHash(oldRoot) || !isHash(newRoot) || !proof.every(isHash)) return false;
  if (oldSize === newSize) return proof.length === 0 && equalBytes(oldRoot, newRoot);
  if (proof.length === 0) return false;
  const path: Uint8Array[] = [...proof];
  // An old tree that is a complete subtree is itself the first node of the path.
  if ((oldSize & (oldSize - 1)) === 0) path.unshift(oldRoot);
  let fn = BigInt(oldSize - 1);
  let sn = BigInt(newSize - 1);
  while ((fn & 1n) === 1n) {
    fn >>= 1n;
    sn >>= 1n;
  }
  const [first, ...rest] = path as [Uint8Array, ...Uint8Array[]];
  let fr: Uint8Array = first;
  let sr: Uint8Array = first;
  for (const c of rest) {
    if (sn === 0n) return false;
    if ((fn & 1n) === 1n || fn === sn) {
      fr = merkleNodeHash(c, fr);
      sr = merkleNodeHash(c, sr);
      while ((fn & 1n) === 0n && fn !== 0n) {
        fn >>= 1n;
        sn >>= 1n;
      }
    } else {
      sr = merkleNodeHash(sr, c);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  return sn === 0n && equalBytes(fr, oldRoot) && equalBytes(sr, newRoot);
}

/**
 * The right edge of a growing tree (a compact range from leaf 0): O(log n) hashes that give the
 * root after each append without keeping the leaves. Roots equal {@link merkleRoot}.
 */
export class MerkleFrontier {
  readonly #stack: { hash: Buffer; leaves: number }[] = [];
  #size = 0;

  /** Number of leaves appended so far. */
  get size(): number {
    return this.#size;
  }

  /** Appends the leaf hash of the next leaf. */
  append(leafHash: Uint8Array): void {
    let node: { hash: Buffer; leaves: number } = { hash: Buffer.from(leafHash), leaves: 1 };
    for (;;) {
      const top = this.#stack.at(-1);
      if (top?.leaves !== node.leaves) break;
      this.#stack.pop();
      node = { hash: merkleNodeHash(top.hash, node.hash), leaves: node.leaves * 2 };
    }
    this.#stack.push(node);
    this.#size += 1;
  }

  /** The root of the tree of the leaves appended so far. */
  root(): Buffer {
    const last = this.#stack.at(-1);
    if (last === undefined) return emptyTreeRoot;
    let root = last.hash;
    for (let index = this.#stack.length - 2; index >= 0; index -= 1) {
      root = merkleNodeHash((this.#stack[index] as { hash: Buffer }).hash, root);
    }
    return root;
  }
}
