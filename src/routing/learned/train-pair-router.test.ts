import { describe, expect, it } from 'vitest';
import { LexicalEncoder } from '../../pipeline/cache/semantic/lexical-encoder.ts';
import {
  parseRouterArtifact,
  routerFromArtifact,
  serialiseRouterArtifact,
} from './router-artifact.ts';
import { empiricalBayesGroupMeans } from './fit-subject-prior.ts';
import {
  bestPairCandidate,
  describePairCandidate,
  fitPairCandidate,
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

  it("stores the chosen candidate's held-out curve, from weak alone to strong alone", () => {
    // The strong model fails one prompt in five; the weak one fails the "prove" prompts.
    const mixed = examples.map((example, i) => ({ ...example, strong: i % 5 === 4 ? 0 : 1 }));
    const trained = trainPairRouter(mixed, encoder, {
      ...options,
      folds: 3,
      candidates,
      dataset: 'synthetic',
    });
    const validation = trained.artifact.validation;
    if (validation === undefined) throw new Error('no validation curve');
    expect(trained.validation).toEqual(validation);
    const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
    const weak = mean(mixed.map((example) => example.weak));
    const strong = mean(mixed.map((example) => example.strong));
    expect(validation).toMatchObject({ method: 'out-of-fold', folds: 3, rows: 60 });
    expect(validation.weakQuality).toBeCloseTo(weak, 6);
    expect(validation.strongQuality).toBeCloseTo(strong, 6);
    expect(validation.points[0]).toMatchObject({ strongShare: 0, pgr: 0 });
    expect(validation.points[0]?.quality).toBeCloseTo(weak, 6);
    expect(validation.points.at(-1)).toMatchObject({ strongShare: 1, pgr: 1 });
    expect(validation.points.at(-1)?.quality).toBeCloseTo(strong, 6);
    expect(validation.points.length).toBeLessThanOrEqual(25);
    for (const point of validation.points) {
      expect(point.quality).toBeGreaterThanOrEqual(0);
      expect(point.quality).toBeLessThanOrEqual(1);
      expect(point.strongShare).toBeGreaterThanOrEqual(0);
      expect(point.strongShare).toBeLessThanOrEqual(1);
    }
    // The prompts give the weak model's failures away: better than random, CPT within range.
    expect(validation.apgr).toBeGreaterThan(validation.random.apgr);
    expect(validation.cpt50).toBeGreaterThanOrEqual(0);
    expect(validation.cpt80).toBeLessThanOrEqual(1);
    expect(validation.cpt50).toBeLessThanOrEqual(validation.cpt80);
    const loaded = parseRouterArtifact(serialiseRouterArtifact(trained.artifact));
    expect(loaded.ok && loaded.artifact.validation).toEqual(validation);
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

  it('shrinks group means towards the global mean by the between-group spread', () => {
    const labels = [1, 1, 1, 0, 0, 0, 1, 0];
    const groups = ['a', 'a', 'a', 'b', 'b', 'b', 'c', 'c'];
    const { global, means } = empiricalBayesGroupMeans(labels, groups);
    expect(global).toBe(0.5);
    const a = means.get('a') ?? 0;
    const b = means.get('b') ?? 0;
    expect(a).toBeGreaterThan(0.5);
    expect(a).toBeLessThanOrEqual(1);
    expect(b).toBeCloseTo(1 - a, 10);
    expect(means.get('c')).toBeCloseTo(0.5, 10);
  });

  it('folds the subject prior and the text model into one loadable logistic artifact', () => {
    const grouped = examples.map((example, i) => ({
      ...example,
      group: i % 3 === 0 ? 'hard-subject' : 'easy-subject',
      weak: i % 3 === 0 ? 0 : example.weak,
    }));
    const trained = trainPairRouter(grouped, encoder, {
      ...options,
      useGroups: true,
      folds: 3,
      candidates: [{ type: 'subject-prior', l2: 3e-2, lambda: 0.5 }],
      dataset: 'synthetic',
    });
    expect(describePairCandidate(trained.chosen)).toBe('subject-prior l2=0.03 lambda=0.5');
    expect(trained.artifact.model.type).toBe('logistic');
    const loaded = parseRouterArtifact(JSON.stringify(trained.artifact));
    if (!loaded.ok) throw new Error(loaded.message);
    const router = routerFromArtifact(loaded.artifact, encoder);
    const prompt = 'say hello to my friend 7';
    expect(router.score({ prompt, group: 'hard-subject' })).toBeGreaterThan(
      router.score({ prompt, group: 'easy-subject' }),
    );
    // An unseen or missing group scores between the two: the global prior.
    const unseen = router.score({ prompt });
    expect(unseen).toBeLessThan(router.score({ prompt, group: 'hard-subject' }));
    expect(unseen).toBeGreaterThan(router.score({ prompt, group: 'easy-subject' }));
    // λ = 0 is the prior alone: the text does not move the score within a group.
    const priorOnly = fitPairCandidate(
      { type: 'subject-prior', l2: 3e-2, lambda: 0 },
      grouped.map((example) => ({
        description: { encoded: encoder.encodeOne(example.prompt), hand: [], group: example.group },
        strong: example.strong,
        weak: example.weak,
      })),
      encoder,
      { ...options, useGroups: true },
    );
    expect(priorOnly.model.type === 'logistic' && priorOnly.model.weights.slice(0, 64)).toEqual(
      new Array<number>(64).fill(0),
    );
  });
});
