import { describe, expect, it } from 'vitest';
import { PartitionedVectorIndex } from './vector-index.ts';

const dimensions = 8;

function unit(values: readonly number[]): Float32Array {
  const norm = Math.hypot(...values);
  return Float32Array.from(values, (value) => value / norm);
}

function basis(position: number, noise = 0): Float32Array {
  return unit(Array.from({ length: dimensions }, (_, index) => (index === position ? 1 : noise)));
}

describe('PartitionedVectorIndex', () => {
  it('finds the nearest entry with its cosine similarity', () => {
    const index = new PartitionedVectorIndex({ dimensions, precision: 'f32' });
    index.add('tenant-a', 1, basis(0));
    index.add('tenant-a', 2, basis(1));
    const [best, second] = index.search('tenant-a', basis(0, 0.01), 2);
    expect(best?.id).toBe(1);
    expect(best?.similarity).toBeGreaterThan(0.99);
    expect(second?.id).toBe(2);
  });

  it('never returns another partition’s entries, even for a near-identical vector', () => {
    const index = new PartitionedVectorIndex({ dimensions });
    index.add('tenant-a/alias', 1, basis(3));
    index.add('tenant-b/alias', 2, basis(3, 0.001));
    expect(index.search('tenant-a/alias', basis(3, 0.001), 5).map((match) => match.id)).toEqual([
      1,
    ]);
    expect(index.search('tenant-b/alias', basis(3), 5).map((match) => match.id)).toEqual([2]);
  });

  it('returns [] for an unknown or emptied partition', () => {
    const index = new PartitionedVectorIndex({ dimensions });
    expect(index.search('nobody', basis(0), 3)).toEqual([]);
    index.add('tenant-a', 1, basis(0));
    expect(index.remove('tenant-a', 1)).toBe(true);
    expect(index.search('tenant-a', basis(0), 3)).toEqual([]);
    expect(index.size('tenant-a')).toBe(0);
  });

  it('removes one entry and keeps the rest', () => {
    const index = new PartitionedVectorIndex({ dimensions });
    index.add('tenant-a', 1, basis(0));
    index.add('tenant-a', 2, basis(0, 0.1));
    expect(index.remove('tenant-a', 1)).toBe(true);
    expect(index.remove('tenant-a', 1)).toBe(false);
    expect(index.search('tenant-a', basis(0), 3).map((match) => match.id)).toEqual([2]);
  });

  it('replaces an entry added again under the same id', () => {
    const index = new PartitionedVectorIndex({ dimensions });
    index.add('tenant-a', 1, basis(0));
    index.add('tenant-a', 1, basis(5));
    expect(index.size('tenant-a')).toBe(1);
    expect(index.search('tenant-a', basis(5), 1)[0]?.similarity).toBeGreaterThan(0.99);
  });

  it('drops a whole partition without touching others', () => {
    const index = new PartitionedVectorIndex({ dimensions });
    index.add('tenant-a', 1, basis(0));
    index.add('tenant-b', 1, basis(0));
    expect(index.dropPartition('tenant-a')).toBe(true);
    expect(index.search('tenant-a', basis(0), 1)).toEqual([]);
    expect(index.size('tenant-b')).toBe(1);
    expect(index.partitions()).toEqual(['tenant-b']);
  });

  it('grows past its first allocation and evicts the oldest entries at the limit', () => {
    const index = new PartitionedVectorIndex({ dimensions, maxEntriesPerPartition: 300 });
    const evicted: number[] = [];
    for (let id = 0; id < 310; id += 1) {
      evicted.push(...index.add('tenant-a', id, unit([1, id % 7, id % 5, 1, 0, id % 3, 1, 2])));
    }
    expect(index.size('tenant-a')).toBe(300);
    expect(evicted).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const found = index
      .search('tenant-a', unit([1, 0, 0, 1, 0, 0, 1, 2]), 300)
      .map((match) => match.id);
    expect(found.some((id) => id < 10)).toBe(false);
  });

  it('rejects a vector of the wrong length and an id that is not a safe integer', () => {
    const index = new PartitionedVectorIndex({ dimensions });
    expect(() => index.add('tenant-a', 1, new Float32Array(3))).toThrow(RangeError);
    expect(() => index.add('tenant-a', 1.5, basis(0))).toThrow(RangeError);
    expect(() => index.search('tenant-a', new Float32Array(3), 1)).toThrow(RangeError);
  });
});

describe('PartitionedVectorIndex.addMany', () => {
  it('bulk-loads entries that search finds, within the partition only', () => {
    const index = new PartitionedVectorIndex({ dimensions });
    index.addMany(
      'tenant-a',
      Array.from({ length: 8 }, (_, id) => ({ id, vector: basis(id) })),
      2,
    );
    expect(index.size('tenant-a')).toBe(8);
    expect(index.search('tenant-a', basis(6, 0.01), 1)[0]?.id).toBe(6);
    expect(index.search('tenant-b', basis(6), 1)).toEqual([]);
  });

  it('evicts the oldest entries beyond the limit and rejects repeated ids', () => {
    const index = new PartitionedVectorIndex({ dimensions, maxEntriesPerPartition: 4 });
    index.add('tenant-a', 100, basis(0));
    const evicted = index.addMany(
      'tenant-a',
      [1, 2, 3, 4, 5].map((id) => ({ id, vector: basis(id) })),
    );
    expect(evicted).toEqual([1, 100]);
    expect(index.size('tenant-a')).toBe(4);
    expect(() =>
      index.addMany('tenant-a', [
        { id: 7, vector: basis(1) },
        { id: 7, vector: basis(2) },
      ]),
    ).toThrow(RangeError);
  });
});
