import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  emptyTreeRoot,
  MerkleFrontier,
  merkleConsistencyProof,
  merkleInclusionProof,
  merkleLeafHash,
  merkleNodeHash,
  merkleRoot,
  verifyMerkleConsistency,
  verifyMerkleInclusion,
} from './merkle-tree.ts';

const sha = (...parts: (number[] | Buffer)[]): Buffer => {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(Buffer.isBuffer(part) ? part : Buffer.from(part));
  return hash.digest();
};

function leaves(count: number, salt = 0): Buffer[] {
  return Array.from({ length: count }, (_, index) =>
    merkleLeafHash(Buffer.from(`leaf-${String(salt)}-${String(index)}`)),
  );
}

/** Flips one bit of one of the buffers. */
function flip(buffer: Uint8Array, bit: number): Buffer {
  const copy = Buffer.from(buffer);
  copy[Math.floor(bit / 8) % copy.length]! ^= 1 << (bit % 8);
  return copy;
}

describe('merkle tree (RFC 9162)', () => {
  it('hashes leaves and nodes with domain separation', () => {
    expect(merkleLeafHash(Buffer.from('a'))).toEqual(sha([0], Buffer.from('a')));
    const l = Buffer.alloc(32, 1);
    const r = Buffer.alloc(32, 2);
    expect(merkleNodeHash(l, r)).toEqual(sha([1], l, r));
    expect(emptyTreeRoot.toString('hex')).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
  });

  it('matches hand-computed roots and proofs for sizes 1 to 7', () => {
    const [a, b, c, d, e, f, g] = leaves(7) as [
      Buffer,
      Buffer,
      Buffer,
      Buffer,
      Buffer,
      Buffer,
      Buffer,
    ];
    const n = merkleNodeHash;
    expect(merkleRoot([a])).toEqual(a);
    expect(merkleRoot([a, b])).toEqual(n(a, b));
    // Size 3 splits 2 + 1: the odd leaf is promoted, never duplicated.
    expect(merkleRoot([a, b, c])).toEqual(n(n(a, b), c));
    expect(merkleRoot([a, b, c, d])).toEqual(n(n(a, b), n(c, d)));
    expect(merkleRoot([a, b, c, d, e])).toEqual(n(n(n(a, b), n(c, d)), e));
    // The RFC 9162 §2.1.5 example tree of 7 leaves.
    const root7 = n(n(n(a, b), n(c, d)), n(n(e, f), g));
    expect(merkleRoot([a, b, c, d, e, f, g])).toEqual(root7);
    const seven = [a, b, c, d, e, f, g];
    // Inclusion: b is [a, cd, efg]; d is [c, ab, efg]; e is [f, g, abcd].
    expect(merkleInclusionProof(seven, 1)).toEqual([a, n(c, d), n(n(e, f), g)]);
    expect(merkleInclusionProof(seven, 3)).toEqual([c, n(a, b), n(n(e, f), g)]);
    expect(merkleInclusionProof(seven, 4)).toEqual([f, g, n(n(a, b), n(c, d))]);
    expect(merkleInclusionProof(seven, 6)).toEqual([n(e, f), n(n(a, b), n(c, d))]);
    // Consistency (RFC 9162 §2.1.5): 3 -> 7 is [c, d, ab, efg]; 4 -> 7 is [efg]; 6 -> 7 is [ef, g, abcd].
    expect(merkleConsistencyProof(seven, 3)).toEqual([c, d, n(a, b), n(n(e, f), g)]);
    expect(merkleConsistencyProof(seven, 4)).toEqual([n(n(e, f), g)]);
    expect(merkleConsistencyProof(seven, 6)).toEqual([n(e, f), g, n(n(a, b), n(c, d))]);
    expect(merkleConsistencyProof(seven, 7)).toEqual([]);
  });

  it('verifies every inclusion proof of every index in trees of size 1 to 64', () => {
    const all = leaves(64);
    for (let size = 1; size <= 64; size += 1) {
      const tree = all.slice(0, size);
      const root = merkleRoot(tree);
      for (let index = 0; index < size; index += 1) {
        const proof = merkleInclusionProof(tree, index);
        expect(verifyMerkleInclusion(tree[index]!, index, size, proof, root)).toBe(true);
      }
    }
  });

  it('verifies consistency proofs between every pair m <= n <= 40', () => {
    const all = leaves(40);
    const roots = Array.from({ length: 41 }, (_, size) => merkleRoot(all.slice(0, size)));
    for (let n = 1; n <= 40; n += 1) {
      for (let m = 1; m <= n; m += 1) {
        const proof = merkleConsistencyProof(all.slice(0, n), m);
        expect(verifyMerkleConsistency(m, n, roots[m]!, roots[n]!, proof)).toBe(true);
      }
    }
  });

  it('rejects inclusion proofs with any single bit changed, or a wrong index or size', () => {
    const all = leaves(48);
    for (let size = 1; size <= 24; size += 1) {
      const tree = all.slice(0, size);
      const root = merkleRoot(tree);
      for (let index = 0; index < size; index += 1) {
        const leaf = tree[index]!;
        const proof = merkleInclusionProof(tree, index);
        for (let bit = 0; bit < 256; bit += 37) {
          expect(verifyMerkleInclusion(flip(leaf, bit), index, size, proof, root)).toBe(false);
          expect(verifyMerkleInclusion(leaf, index, size, proof, flip(root, bit))).toBe(false);
          proof.forEach((_, at) => {
            const bad = proof.map((hash, j) => (j === at ? flip(hash, bit) : hash));
            expect(verifyMerkleInclusion(leaf, index, size, bad, root)).toBe(false);
          });
        }
        for (let other = 0; other < size + 2; other += 1) {
          if (other !== index) {
            expect(verifyMerkleInclusion(leaf, other, size, proof, root)).toBe(false);
          }
        }
        // A size is only meaningful with its root (both come from one signed checkpoint): the
        // proof must fail against every other genuine tree head that contains the leaf.
        for (const otherSize of [index + 1, size - 1, size + 1, size * 2]) {
          if (otherSize !== size && otherSize > index) {
            const otherRoot = merkleRoot(all.slice(0, otherSize));
            expect(verifyMerkleInclusion(leaf, index, otherSize, proof, otherRoot)).toBe(false);
          }
        }
        expect(verifyMerkleInclusion(leaf, index, 0, proof, root)).toBe(false);
        expect(verifyMerkleInclusion(leaf, index, size, [...proof, all[0]!], root)).toBe(false);
        if (proof.length > 0) {
          expect(verifyMerkleInclusion(leaf, index, size, proof.slice(1), root)).toBe(false);
          expect(verifyMerkleInclusion(leaf, index, size, proof.slice(0, -1), root)).toBe(false);
        }
      }
    }
  });

  it('rejects consistency proofs with any single bit changed, or wrong sizes', () => {
    const all = leaves(20);
    const roots = Array.from({ length: 21 }, (_, size) => merkleRoot(all.slice(0, size)));
    for (let n = 1; n <= 20; n += 1) {
      for (let m = 1; m <= n; m += 1) {
        const proof = merkleConsistencyProof(all.slice(0, n), m);
        const oldRoot = roots[m]!;
        const newRoot = roots[n]!;
        for (let bit = 0; bit < 256; bit += 53) {
          expect(verifyMerkleConsistency(m, n, flip(oldRoot, bit), newRoot, proof)).toBe(false);
          expect(verifyMerkleConsistency(m, n, oldRoot, flip(newRoot, bit), proof)).toBe(false);
          proof.forEach((_, at) => {
            const bad = proof.map((hash, j) => (j === at ? flip(hash, bit) : hash));
            expect(verifyMerkleConsistency(m, n, oldRoot, newRoot, bad)).toBe(false);
          });
        }
        // Sizes come with their roots (one signed checkpoint each): other genuine heads fail.
        if (n < 20) {
          expect(verifyMerkleConsistency(m, n + 1, oldRoot, roots[n + 1]!, proof)).toBe(false);
        }
        if (m > 1) {
          expect(verifyMerkleConsistency(m - 1, n, roots[m - 1]!, newRoot, proof)).toBe(false);
        }
        expect(verifyMerkleConsistency(m, n, oldRoot, newRoot, [...proof, all[0]!])).toBe(false);
        if (proof.length > 0) {
          expect(verifyMerkleConsistency(m, n, oldRoot, newRoot, proof.slice(1))).toBe(false);
        }
      }
    }
  });

  it('refuses nonsense without throwing', () => {
    const tree = leaves(5);
    const root = merkleRoot(tree);
    expect(verifyMerkleInclusion(tree[0]!, -1, 5, [], root)).toBe(false);
    expect(verifyMerkleInclusion(tree[0]!, 0, 0, [], root)).toBe(false);
    expect(verifyMerkleInclusion(tree[0]!, 0, 5, [Buffer.alloc(31)], root)).toBe(false);
    expect(verifyMerkleInclusion(tree[0]!, 0.5, 5, [], root)).toBe(false);
    expect(verifyMerkleConsistency(0, 5, emptyTreeRoot, root, [])).toBe(false);
    expect(verifyMerkleConsistency(6, 5, root, root, [])).toBe(false);
    expect(verifyMerkleConsistency(3, 5, root, root, [])).toBe(false);
    expect(() => merkleInclusionProof(tree, 5)).toThrow(RangeError);
    expect(() => merkleConsistencyProof(tree, 0)).toThrow(RangeError);
  });

  it('keeps a frontier whose root equals the full computation', () => {
    const all = leaves(70);
    const frontier = new MerkleFrontier();
    expect(frontier.root()).toEqual(emptyTreeRoot);
    for (let size = 1; size <= 70; size += 1) {
      frontier.append(all[size - 1]!);
      expect(frontier.size).toBe(size);
      expect(frontier.root()).toEqual(merkleRoot(all.slice(0, size)));
    }
  });
});

describe('merkle proof verifiers under falsified proofs (fuzz)', () => {
  const hash = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((bytes) => Buffer.from(bytes));

  it('no falsified inclusion proof verifies', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 50 }),
        fc.nat(),
        fc.nat(),
        fc.array(hash, { maxLength: 8 }),
        fc.integer({ min: 0, max: 3 }),
        (size, rawIndex, rawClaim, junk, mode) => {
          const all = leaves(60, 7);
          const tree = all.slice(0, size);
          let root = merkleRoot(tree);
          const index = rawIndex % size;
          const proof = merkleInclusionProof(tree, index);
          let claimIndex = index;
          let claimSize = size;
          let claimProof: Buffer[] = proof;
          if (mode === 0) claimProof = junk;
          if (mode === 1) claimProof = [...proof.slice(0, rawClaim % (proof.length + 1)), ...junk];
          if (mode === 2) claimIndex = (index + 1 + (rawClaim % size)) % (size + 1);
          if (mode === 3) {
            // Another genuine tree head (size with its root) that also contains the leaf.
            claimSize = size + 1 + (rawClaim % 10);
            root = merkleRoot(all.slice(0, claimSize));
          }
          const unchanged =
            claimIndex === index &&
            claimSize === size &&
            claimProof.length === proof.length &&
            claimProof.every((item, at) => item.equals(proof[at]!));
          fc.pre(!unchanged);
          return !verifyMerkleInclusion(tree[index]!, claimIndex, claimSize, claimProof, root);
        },
      ),
      { numRuns: 2000, seed: 9162 },
    );
  });

  it('no falsified consistency proof verifies', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.nat(),
        fc.array(hash, { maxLength: 8 }),
        fc.nat(),
        fc.integer({ min: 0, max: 2 }),
        (n, rawM, junk, rawCut, mode) => {
          const tree = leaves(n, 3);
          const m = (rawM % n) + 1;
          const proof = merkleConsistencyProof(tree, m);
          const oldRoot = merkleRoot(tree.slice(0, m));
          const newRoot = merkleRoot(tree);
          let claim: Buffer[] = proof;
          let claimOldRoot = oldRoot;
          if (mode === 0) claim = junk;
          if (mode === 1) claim = [...proof.slice(0, rawCut % (proof.length + 1)), ...junk];
          // A different old tree (another leaf at position 0) claimed consistent.
          if (mode === 2) claimOldRoot = merkleRoot([leaves(1, 99)[0]!, ...tree.slice(1, m)]);
          const unchanged =
            claimOldRoot.equals(oldRoot) &&
            claim.length === proof.length &&
            claim.every((item, at) => item.equals(proof[at]!));
          fc.pre(!unchanged);
          return !verifyMerkleConsistency(m, n, claimOldRoot, newRoot, claim);
        },
      ),
      { numRuns: 2000, seed: 6962 },
    );
  });
});
