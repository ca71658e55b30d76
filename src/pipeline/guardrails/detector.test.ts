import { describe, expect, it } from 'vitest';
import { forEachMatch } from './detector.ts';
import { unlimitedScanBudget, type ScanBudget } from './scan-budget.ts';

const digits = /\d+/;

function matches(pattern: RegExp, text: string, budget: ScanBudget = unlimitedScanBudget) {
  const found: string[] = [];
  forEachMatch(pattern, text, budget, (match) => {
    found.push(match[0]);
    return undefined;
  });
  return found;
}

describe('forEachMatch', () => {
  it('finds every match from the start on every call, after a search cut short too', () => {
    let calls = 0;
    const stopsAfterOne: ScanBudget = { expired: () => (calls += 1) >= 1 };
    expect(matches(digits, 'a1 b22 c333', stopsAfterOne)).toEqual(['1']);
    expect(matches(digits, 'a1 b22 c333')).toEqual(['1', '22', '333']);
    expect(matches(digits, 'x4')).toEqual(['4']);
  });

  it('keeps its place when a match starts another search of the same pattern', () => {
    const outer: string[] = [];
    const inner: string[] = [];
    forEachMatch(digits, 'a1 b22 c333', unlimitedScanBudget, (match) => {
      outer.push(match[0]);
      inner.push(...matches(digits, `${match[0]}-9`));
      return undefined;
    });
    expect(outer).toEqual(['1', '22', '333']);
    expect(inner).toEqual(['1', '9', '22', '9', '333', '9']);
  });

  it('resumes where the callback says and steps over empty matches', () => {
    const found: number[] = [];
    forEachMatch(/a*/, 'bab', unlimitedScanBudget, (match) => {
      found.push(match.index);
      return undefined;
    });
    expect(found).toEqual([0, 1, 2, 3]);
    const skipped: string[] = [];
    forEachMatch(digits, '12 34 56', unlimitedScanBudget, (match) => {
      skipped.push(match[0]);
      return match.index + 6;
    });
    expect(skipped).toEqual(['12', '56']);
  });
});
