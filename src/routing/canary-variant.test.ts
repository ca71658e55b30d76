import { describe, expect, it } from 'vitest';
import type { CanaryConfig } from '../config/gateway-config.ts';
import { canaryVariant } from './canary-variant.ts';

const byKey: CanaryConfig = { target: 'canary', percent: 10, sticky: 'key' };

function facts(keyId: string, endUser?: string, requestId = 'request-1') {
  return { keyId, endUser, requestId };
}

/** How many of `count` callers `key-<n>` fall in the canary of group `alias`. */
function canaryShare(canary: CanaryConfig, count: number, alias = 'smart'): number {
  let inCanary = 0;
  for (let index = 0; index < count; index += 1) {
    if (canaryVariant(canary, alias, facts(`key-${index}`)) === 'canary') {
      inCanary += 1;
    }
  }
  return inCanary / count;
}

describe('canaryVariant', () => {
  // The buckets (0..9999) of FNV-1a over `<alias>\0<caller>`, checked against an independent
  // implementation. They must not change between releases: every replica and every version has
  // to put a caller in the same variant, or sticky canaries would reshuffle on deploy.
  it.each([
    { alias: 'smart', caller: 'key-1', bucket: 7731 },
    { alias: 'smart', caller: 'key-2', bucket: 5350 },
    { alias: 'smart', caller: 'alice', bucket: 9486 },
    { alias: 'fast', caller: 'key-1', bucket: 5294 },
  ])('puts $caller of $alias in bucket $bucket', ({ alias, caller, bucket }) => {
    const at = (percent: number) => canaryVariant({ ...byKey, percent }, alias, facts(caller));
    expect(at(bucket / 100)).toBe('stable');
    expect(at((bucket + 1) / 100)).toBe('canary');
  });

  it.each([
    { percent: 0, expected: 'stable' },
    { percent: 0.004, expected: 'stable' },
    { percent: 100, expected: 'canary' },
  ] as const)('at $percent% puts every caller in $expected', ({ percent, expected }) => {
    for (let index = 0; index < 2000; index += 1) {
      expect(canaryVariant({ ...byKey, percent }, 'smart', facts(`key-${index}`))).toBe(expected);
    }
  });

  it.each([
    { percent: 1, tolerance: 0.005 },
    { percent: 10, tolerance: 0.015 },
    { percent: 12.5, tolerance: 0.015 },
    { percent: 50, tolerance: 0.02 },
    { percent: 90, tolerance: 0.015 },
  ])('sends about $percent% of 10,000 keys to the canary', ({ percent, tolerance }) => {
    const share = canaryShare({ ...byKey, percent }, 10_000);
    expect(Math.abs(share - percent / 100)).toBeLessThanOrEqual(tolerance);
  });

  it('only moves stable callers to the canary when the percentage rises', () => {
    const inCanary = (percent: number) =>
      new Set(
        Array.from({ length: 3000 }, (_, index) => `key-${index}`).filter(
          (keyId) => canaryVariant({ ...byKey, percent }, 'smart', facts(keyId)) === 'canary',
        ),
      );
    const percents = [1, 5, 10, 25, 50, 75, 100];
    for (let index = 1; index < percents.length; index += 1) {
      const before = inCanary(percents[index - 1]!);
      const after = inCanary(percents[index]!);
      expect([...before].every((keyId) => after.has(keyId))).toBe(true);
      expect(after.size).toBeGreaterThan(before.size);
    }
  });

  it('splits each group independently', () => {
    const half: CanaryConfig = { ...byKey, percent: 50 };
    let agree = 0;
    for (let index = 0; index < 4000; index += 1) {
      const caller = facts(`key-${index}`);
      if (canaryVariant(half, 'smart', caller) === canaryVariant(half, 'fast', caller)) {
        agree += 1;
      }
    }
    // Independent halves agree about half of the time, not always.
    expect(agree / 4000).toBeGreaterThan(0.45);
    expect(agree / 4000).toBeLessThan(0.55);
  });

  it.each([
    {
      sticky: 'key',
      same: [facts('key-7', 'alice', 'r1'), facts('key-7', 'bob', 'r2'), facts('key-7')],
    },
    {
      sticky: 'user',
      same: [facts('key-1', 'alice', 'r1'), facts('key-2', 'alice', 'r2'), facts('key-3', 'alice')],
    },
    {
      sticky: 'request',
      same: [
        facts('key-1', 'alice', 'r9'),
        facts('key-2', 'bob', 'r9'),
        facts('key-3', undefined, 'r9'),
      ],
    },
  ] as const)('sticky by $sticky reads only that', ({ sticky, same }) => {
    for (let percent = 1; percent < 100; percent += 7) {
      const variants = new Set(
        same.map((caller) => canaryVariant({ ...byKey, sticky, percent }, 'smart', caller)),
      );
      expect(variants.size).toBe(1);
    }
  });

  it('sticky by user falls back to the key without a user', () => {
    for (let index = 0; index < 500; index += 1) {
      const caller = facts(`key-${index}`);
      expect(canaryVariant({ ...byKey, sticky: 'user', percent: 50 }, 'smart', caller)).toBe(
        canaryVariant({ ...byKey, percent: 50 }, 'smart', caller),
      );
    }
  });

  // Regression: `user: ""` was a caller of its own, so every request sending an empty user (some
  // SDKs do by default) fell in one variant together instead of being split by key.
  it('sticky by user treats an empty user as no user', () => {
    const byUser: CanaryConfig = { ...byKey, sticky: 'user', percent: 50 };
    const variants = Array.from({ length: 200 }, (_, index) =>
      canaryVariant(byUser, 'smart', facts(`key-${index}`, '')),
    );
    expect(new Set(variants)).toEqual(new Set(['canary', 'stable']));
    variants.forEach((variant, index) => {
      expect(variant).toBe(canaryVariant(byUser, 'smart', facts(`key-${index}`)));
    });
  });

  it('draws per request when not sticky', () => {
    const perRequest: CanaryConfig = { ...byKey, sticky: 'request', percent: 30 };
    let inCanary = 0;
    for (let index = 0; index < 5000; index += 1) {
      if (
        canaryVariant(perRequest, 'smart', facts('key-1', 'alice', `request-${index}`)) === 'canary'
      ) {
        inCanary += 1;
      }
    }
    expect(inCanary / 5000).toBeGreaterThan(0.27);
    expect(inCanary / 5000).toBeLessThan(0.33);
  });

  it('gives the same answer for the same input, every time', () => {
    const first = canaryVariant(byKey, 'smart', facts('key-1'));
    for (let index = 0; index < 100; index += 1) {
      expect(canaryVariant(byKey, 'smart', facts('key-1'))).toBe(first);
    }
  });
});
