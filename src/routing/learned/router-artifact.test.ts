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
