import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { describePrompt, fitFeatureConfig } from './feature-space.ts';
import { calibrate } from './calibration.ts';
import {
  parseRouterArtifact,
  routerArtifactKind,
  routerArtifactVersion,
  routerFromArtifact,
  serialiseRouterArtifact,
  type RouterArtifact,
} from './router-artifact.ts';
import type { TextVectoriser } from './router.ts';
import type { PairValidation } from './router-validation.ts';

/** A stand-in encoder: two dimensions, "long" prompts point one way, short ones the other. */
const toyEncoder: TextVectoriser = {
  id: 'toy-v1',
  dimensions: 2,
  encodeOne: (text) => (text.length > 20 ? Float32Array.from([1, 0]) : Float32Array.from([0, 1])),
};

function artifact(): RouterArtifact {
  const descriptions = ['short one', 'a considerably longer prompt here'].map((prompt) =>
    describePrompt(toyEncoder, { prompt, group: 'g' }),
  );
  const features = fitFeatureConfig(toyEncoder, descriptions, {
    encoderWeight: 1,
    useHand: true,
    useGroups: true,
  });
  const weights = new Array<number>(2 + features.handMeans.length + 1).fill(0);
  weights[0] = 2;
  return {
    kind: routerArtifactKind,
    version: routerArtifactVersion,
    encoderId: toyEncoder.id,
    label: 'gain',
    features,
    model: { type: 'logistic', weights, bias: -1 },
    calibration: calibrate([0, 1, 2]),
    trainedOn: { dataset: 'toy', rows: 2, notes: '' },
  };
}

describe('router artifact', () => {
  it('round-trips and scores the same after loading', () => {
    const original = artifact();
    const loaded = parseRouterArtifact(serialiseRouterArtifact(original));
    expect(loaded.ok).toBe(true);
    if (!loaded.ok) return;
    expect(loaded.artifact).toEqual(original);
    const a = routerFromArtifact(original, toyEncoder);
    const b = routerFromArtifact(loaded.artifact, toyEncoder);
    const input = { prompt: 'a considerably longer prompt here', group: 'g' };
    expect(b.score(input)).toBe(a.score(input));
    expect(a.score(input)).toBeGreaterThan(a.score({ prompt: 'short one', group: 'g' }));
  });

  it('refuses other versions, bad JSON, mismatched shapes and a different encoder', () => {
    const good = artifact();
    expect(parseRouterArtifact('{').ok).toBe(false);
    expect(parseRouterArtifact(JSON.stringify({ ...good, version: 2 })).ok).toBe(false);
    expect(
      parseRouterArtifact(
        JSON.stringify({ ...good, model: { type: 'logistic', weights: [1], bias: 0 } }),
      ).ok,
    ).toBe(false);
    expect(() => routerFromArtifact(good, { ...toyEncoder, id: 'other' })).toThrow(/encoder/u);
  });
});

/** A small held-out curve: three cut points and the random line. */
function validation(): PairValidation {
  const points = [
    { strongShare: 0, quality: 0.6, pgr: 0 },
    { strongShare: 0.5, quality: 0.75, pgr: 0.75 },
    { strongShare: 1, quality: 0.8, pgr: 1 },
  ];
  return {
    method: 'out-of-fold',
    folds: 3,
    rows: 30,
    weakQuality: 0.6,
    strongQuality: 0.8,
    points,
    apgr: 0.6875,
    cpt50: 0.333333,
    cpt80: 0.6,
    random: {
      runs: 10,
      points: points.map((point) => ({ ...point, quality: 0.6 + 0.2 * point.strongShare })),
      apgr: 0.5,
      cpt50: 0.5,
      cpt80: 0.8,
    },
  };
}

describe('router artifact validation section', () => {
  it('round-trips with the artifact', () => {
    const withCurve = { ...artifact(), validation: validation() };
    const loaded = parseRouterArtifact(serialiseRouterArtifact(withCurve));
    if (!loaded.ok) throw new Error(loaded.message);
    expect(loaded.artifact.validation).toEqual(validation());
    expect(loaded.artifact).toEqual(withCurve);
  });

  it('loads an artifact written before the section existed, and keeps it without one', () => {
    const old = artifact();
    expect('validation' in old).toBe(false);
    const loaded = parseRouterArtifact(JSON.stringify(old));
    if (!loaded.ok) throw new Error(loaded.message);
    expect(loaded.artifact.validation).toBeUndefined();
    expect(serialiseRouterArtifact(loaded.artifact)).not.toContain('validation');
  });

  it('refuses a curve out of range, too long or with a missing figure', () => {
    const good = validation();
    const bad: unknown[] = [
      { ...good, points: [{ strongShare: 1.5, quality: 0.8, pgr: 1 }, ...good.points] },
      {
        ...good,
        points: Array.from({ length: 26 }, (_, i) => ({
          strongShare: i / 25,
          quality: 0.7,
          pgr: 0.5,
        })),
      },
      { ...good, apgr: undefined },
      { ...good, method: 'in-sample' },
    ];
    for (const section of bad) {
      expect(parseRouterArtifact(JSON.stringify({ ...artifact(), validation: section })).ok).toBe(
        false,
      );
    }
  });

  it("is in the shipped MMLU router, ending at the two models' documented accuracies", () => {
    const text = readFileSync(
      new URL('../../../data/routers/mmlu-gpt4-mixtral.json', import.meta.url),
      'utf8',
    );
    const loaded = parseRouterArtifact(text);
    if (!loaded.ok) throw new Error(loaded.message);
    const shipped = loaded.artifact.validation;
    if (shipped === undefined) throw new Error('the shipped router has no validation curve');
    // docs/routing-quality.md: MMLU means 68.09% (Mixtral) and 80.59% (GPT-4).
    expect(shipped.points[0]).toMatchObject({ strongShare: 0, quality: 0.680915 });
    expect(shipped.points.at(-1)).toMatchObject({ strongShare: 1, quality: 0.80587 });
    expect(shipped).toMatchObject({ folds: 3, rows: 14037 });
    expect(shipped.apgr).toBeGreaterThan(shipped.random.apgr + 0.1);
  });
});
