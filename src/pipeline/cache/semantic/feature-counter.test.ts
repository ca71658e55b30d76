import { describe, expect, it } from 'vitest';
import { FeatureCounter } from './feature-counter.ts';

function counted(counter: FeatureCounter, hashes: number[]): [number, number][] {
  counter.count(Uint32Array.from(hashes), hashes.length);
  const seen: [number, number][] = [];
  counter.forEach((hash, count) => seen.push([hash, count]));
  return seen;
}

describe('FeatureCounter', () => {
  it('counts each distinct hash once, in order of first occurrence, colliding slots included', () => {
    const counter = new FeatureCounter();
    // 7, 4103 and 8199 share the low 12 bits, so they probe past each other; 0 is a real hash.
    expect(counted(counter, [7, 4103, 7, 0, 8199, 4103, 7, 0])).toEqual([
      [7, 3],
      [4103, 2],
      [0, 2],
      [8199, 1],
    ]);
  });

  it('forgets the previous call and grows for long inputs', () => {
    const counter = new FeatureCounter();
    counted(counter, [1, 2, 3]);
    const many = Array.from({ length: 10_000 }, (_, index) => index % 2500);
    const seen = counted(counter, many);
    expect(seen).toHaveLength(2500);
    expect(seen.every(([, count]) => count === 4)).toBe(true);
    expect(counted(counter, [5])).toEqual([[5, 1]]);
  });
});
