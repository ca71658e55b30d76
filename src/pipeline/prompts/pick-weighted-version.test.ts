import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fuzzParameters } from '../../../test/helpers/fuzz-settings.ts';
import { pickWeightedVersion, stickyUnit } from './pick-weighted-version.ts';

const stickinessValues = Array.from({ length: 20_000 }, (_, index) => `user-${String(index)}`);

function shares(
  promptId: string,
  label: string,
  targets: readonly { version: number; weight: number }[],
): Map<number, number> {
  const counts = new Map<number, number>();
  for (const stickiness of stickinessValues) {
    const version = pickWeightedVersion(promptId, label, targets, stickiness);
    counts.set(version, (counts.get(version) ?? 0) + 1);
  }
  return new Map([...counts].map(([version, count]) => [version, count / stickinessValues.length]));
}

describe('pickWeightedVersion', () => {
  it('derives the unit from the first 48 bits of SHA-256 of id, label and stickiness', () => {
    const digest = createHash('sha256').update('support\nproduction\nuser-1').digest('hex');
    expect(stickyUnit('support', 'production', 'user-1')).toBe(
      Number.parseInt(digest.slice(0, 12), 16) / 2 ** 48,
    );
  });

  it('walks the cumulative weights', () => {
    const targets = [
      { version: 3, weight: 1 },
      { version: 4, weight: 1 },
    ];
    for (const stickiness of stickinessValues.slice(0, 200)) {
      const unit = stickyUnit('p', 'canary', stickiness);
      expect(pickWeightedVersion('p', 'canary', targets, stickiness)).toBe(unit < 0.5 ? 3 : 4);
    }
  });

  it('serves the only target without hashing, and refuses no targets or bad weights', () => {
    expect(pickWeightedVersion('p', 'l', [{ version: 7, weight: 5 }], 'x')).toBe(7);
    expect(() => pickWeightedVersion('p', 'l', [], 'x')).toThrow(RangeError);
    expect(() =>
      pickWeightedVersion(
        'p',
        'l',
        [
          { version: 1, weight: 0 },
          { version: 2, weight: 1 },
        ],
        'x',
      ),
    ).toThrow(RangeError);
  });

  it('splits 90/10 within 1.5 points over 20,000 users', () => {
    const split = shares('support-answer', 'production', [
      { version: 3, weight: 90 },
      { version: 4, weight: 10 },
    ]);
    expect(Math.abs((split.get(3) ?? 0) - 0.9)).toBeLessThan(0.015);
    expect(Math.abs((split.get(4) ?? 0) - 0.1)).toBeLessThan(0.015);
  });

  it('gives each target its weight share, for any weights (property)', () => {
    const targets = fc
      .uniqueArray(fc.integer({ min: 1, max: 50 }), { minLength: 2, maxLength: 5 })
      .chain((versions) =>
        fc.tuple(
          ...versions.map((version) =>
            fc.integer({ min: 1, max: 10_000 }).map((weight) => ({ version, weight })),
          ),
        ),
      );
    fc.assert(
      fc.property(targets, fc.stringMatching(/^[a-z][a-z0-9-]{0,10}$/), (list, label) => {
        const total = list.reduce((sum, target) => sum + target.weight, 0);
        const split = shares('prompt', label, list);
        for (const target of list) {
          expect(Math.abs((split.get(target.version) ?? 0) - target.weight / total)).toBeLessThan(
            0.015,
          );
        }
      }),
      fuzzParameters(8),
    );
  });

  it('is stable: the same stickiness always gets the same version (property)', () => {
    const targets = [
      { version: 1, weight: 50 },
      { version: 2, weight: 30 },
      { version: 3, weight: 20 },
    ];
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (stickiness) => {
        const first = pickWeightedVersion('p', 'production', targets, stickiness);
        expect(pickWeightedVersion('p', 'production', [...targets], stickiness)).toBe(first);
        expect([1, 2, 3]).toContain(first);
      }),
      fuzzParameters(200),
    );
  });
});
