import { describe, expect, it } from 'vitest';
import { numpyInterp } from './numpy-interp.ts';
import { numpyLinearQuantile, qcutEdges } from './numpy-quantile.ts';
import { numpyPairwiseSum, numpyTrapz } from './numpy-trapz.ts';

describe('numpy quantile / pd.qcut edges', () => {
  it('interpolates linearly between order statistics', () => {
    expect(numpyLinearQuantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(numpyLinearQuantile([10, 20], 0.25)).toBe(12.5);
    expect(qcutEdges([5, 1, 4, 2, 3], 4)).toEqual([1, 2, 3, 4, 5]);
  });

  it('keeps duplicate edges (11 thresholds even on tied scores)', () => {
    expect(qcutEdges([0, 0, 0, 1], 2)).toEqual([0, 0, 1]);
    expect(qcutEdges([0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1], 10)).toHaveLength(11);
  });
});

describe('np.interp', () => {
  it('interpolates and clamps on increasing xp', () => {
    expect(numpyInterp(2.5, [1, 2, 3], [3, 2, 0])).toBe(1);
    expect(numpyInterp(0, [1, 2, 3], [3, 2, 0])).toBe(3);
    expect(numpyInterp(9, [1, 2, 3], [3, 2, 0])).toBe(0);
    expect(numpyInterp(2, [1, 2, 3], [3, 2, 0])).toBe(2);
  });

  it("reproduces numpy's bracket search on non-increasing xp", () => {
    const xp = [0, 10, 5, 5, 5, 5];
    const fp = [0, 1, 2, 3, 4, 5];
    // Inside the first bracket: plain interpolation.
    expect(numpyInterp(3, xp, fp)).toBeCloseTo(0.3, 12);
    // Above xp[-1] (5) numpy returns fp[-1] even though 7 lies inside [0, 10].
    expect(numpyInterp(7, xp, fp)).toBe(5);
  });
});

describe('np.trapz', () => {
  it('integrates, with zero width for repeated x', () => {
    expect(numpyTrapz([1, 3, 3], [0, 1, 1])).toBe(2);
    expect(numpyTrapz([2, 2, 2], [0, 0.5, 1])).toBe(2);
  });

  it('sums pairwise like numpy (eight accumulators)', () => {
    const values = Array.from({ length: 10 }, (_, index) => index + 1);
    expect(numpyPairwiseSum(values)).toBe(55);
    expect(numpyPairwiseSum(Array.from({ length: 300 }, () => 1))).toBe(300);
  });
});
