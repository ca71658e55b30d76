import { describe, expect, it } from 'vitest';
import { LexicalEncoder } from '../../pipeline/cache/semantic/lexical-encoder.ts';
import { parseRouterArtifact, routerFromArtifact } from './router-artifact.ts';
import {
  bestPairCandidate,
  describePairCandidate,
  pairLabel,
  trainPairRouter,
  type PairCandidate,
  type PairExample,
} from './train-pair-router.ts';

const encoder = new LexicalEncoder({ dimensions: 64 });
const examples: PairExample[] = Array.from({ length: 60 }, (_, i) => {
  const hard = i % 2 === 0;
  return {
    prompt: hard ? `prove the theorem about primes ${i}` : `say hello to my friend ${i}`,
    strong: 1,
    weak: hard ? 0 : 1,
  };
});
const candidates: readonly PairCandidate[] = [
  { type: 'logistic', label: 'weak-wrong', l2: 3e-3 },
  { type: 'knn', label: 'gain', k: 5, priorStrength: 2 },
  { type: 'mf', rank: 2, l2: 3e-3 },
];
const options = { strongModel: 'strong-m', weakModel: 'weak-m', useGroups: false, seed: 1 };

describe('trainPairRouter', () => {
  it('selects a candidate by cross-validation and writes a loadable, calibrated artifact', () => {
    const trained = trainPairRouter(examples, encoder, {
      ...options,
      folds: 3,
      candidates,
      dataset: 'synthetic',
    });
    expect(candidates).toContain(trained.chosen);
    expect(trained.crossValidatedApgr).toBeGreaterThan(0.6);
    const loaded = parseRouterArtifact(JSON.stringify(trained.artifact));
    if (!loaded.ok) throw new Error(loaded.message);
    expect(loaded.artifact.calibration.sampleCount).toBe(60);
    expect(loaded.artifact.trainedOn).toMatchObject({ dataset: 'synthetic', rows: 60 });
    expect(loaded.artifact.models).toEqual({ strong: 'strong-m', weak: 'weak-m' });
    const router = routerFromArtifact(loaded.artifact, encoder);
    expect(router.score({ prompt: 'prove the theorem about primes 99' })).toBeGreaterThan(
      router.score({ prompt: 'say hello to my friend 99' }),
    );
  });

  it('refuses too few examples for the folds', () => {
    expect(() =>
      trainPairRouter(examples.slice(0, 5), encoder, { ...options, folds: 3, dataset: 'tiny' }),
    ).toThrow(/at least 6 examples/u);
  });

  it('labels, describes and ranks candidates as the MMLU script did', () => {
    expect(pairLabel('strong-better', { strong: 1, weak: 0 })).toBe(1);
    expect(pairLabel('weak-wrong', { strong: 0, weak: 0 })).toBe(1);
    expect(pairLabel('gain', { strong: 0, weak: 1 })).toBe(0);
    expect(candidates.map(describePairCandidate)).toEqual([
      'logistic weak-wrong l2=0.003',
      'knn gain k=5 prior=2',
      'mf rank=2 l2=0.003',
    ]);
    const scores = new Map(candidates.map((candidate, i) => [candidate, i]));
    expect(bestPairCandidate(scores)).toBe(candidates[2]);
    expect(bestPairCandidate(scores, 'logistic')).toBe(candidates[0]);
  });
});
