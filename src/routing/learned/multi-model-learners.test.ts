import { describe, expect, it } from 'vitest';
import { createSeededRandom } from '../../lib/random.ts';
import type { RoutingExample } from '../evaluation/routing-example.ts';
import { stratifiedHoldOut } from './k-fold.ts';
import { meanOfNeighbours, nearestNeighbours } from './nearest-neighbours.ts';
import { choleskySolve, ridgePredict, trainRidge } from './ridge-regression.ts';
import type { TextVectoriser } from './router.ts';
import {
  isMultiModelRouterArtifact,
  parseAnyRouterArtifact,
  parseRouterArtifact,
  routerFromArtifact,
} from './router-artifact.ts';
import {
  parseMultiModelRouterArtifact,
  serialiseMultiModelRouterArtifact,
} from './multi-model-router-artifact.ts';
import { trainMultiModelRouter } from './train-multi-model-router.ts';

describe('ridge regression', () => {
  it('solves a known symmetric positive definite system', () => {
    // [[4, 2], [2, 3]] · [1, 2] = [8, 8]
    const [x] = choleskySolve(Float64Array.from([4, 2, 2, 3]), 2, [Float64Array.from([8, 8])]);
    expect(x?.[0]).toBeCloseTo(1, 12);
    expect(x?.[1]).toBeCloseTo(2, 12);
  });

  it('recovers exact linear targets for two outputs at a tiny alpha', () => {
    const random = createSeededRandom(3);
    const rows = Array.from({ length: 50 }, () =>
      Float64Array.from([random.next(), random.next(), random.next()]),
    );
    const targets = rows.map((r) => [
      2 * (r[0] ?? 0) - (r[1] ?? 0) + 0.5,
      -(r[2] ?? 0) + 0.25 * (r[0] ?? 0) - 1,
    ]);
    const model = trainRidge(rows, targets, 1e-10);
    expect(model.weights[0]?.[0]).toBeCloseTo(2, 5);
    expect(model.weights[0]?.[1]).toBeCloseTo(-1, 5);
    expect(model.weights[0]?.[2]).toBeCloseTo(0, 5);
    expect(model.biases[0]).toBeCloseTo(0.5, 5);
    expect(model.weights[1]?.[2]).toBeCloseTo(-1, 5);
    expect(model.biases[1]).toBeCloseTo(-1, 5);
    expect(ridgePredict(model, [1, 1, 1])[0]).toBeCloseTo(1.5, 5);
  });

  it('shrinks the weights to zero and the bias to the mean under a huge alpha', () => {
    const rows = [0, 1, 2, 3].map((x) => Float64Array.from([x]));
    const model = trainRidge(rows, [[0], [1], [2], [3]], 1e9);
    expect(Math.abs(model.weights[0]?.[0] ?? 1)).toBeLessThan(1e-8);
    expect(model.biases[0]).toBeCloseTo(1.5, 6);
  });
});

describe('nearest neighbours', () => {
  const references = [
    [1, 0],
    [0.8, 0.6],
    [0, 1],
    [-1, 0],
  ].map((v) => Float32Array.from(v));

  it('orders by cosine similarity and averages the first k targets per output', () => {
    const neighbours = nearestNeighbours(references, Float32Array.from([1, 0]), 3);
    expect(neighbours.map((n) => n.index)).toEqual([0, 1, 2]);
    expect(neighbours[1]?.similarity).toBeCloseTo(0.8, 6);
    const targets = [
      [1, 0],
      [0, 1],
      [1, 1],
      [0, 0],
    ];
    expect(meanOfNeighbours(neighbours, targets, 2, 2)).toEqual([0.5, 0.5]);
    expect(meanOfNeighbours(neighbours, targets, 3, 2)).toEqual([2 / 3, 2 / 3]);
  });
});

describe('stratifiedHoldOut', () => {
  it('holds out the share of every group and keeps the rest for training', () => {
    const groups = [...Array<string>(10).fill('a'), ...Array<string>(5).fill('b')];
    const { train, test } = stratifiedHoldOut(groups, 0.2, createSeededRandom(1));
    expect(test.filter((i) => groups[i] === 'a')).toHaveLength(2);
    expect(test.filter((i) => groups[i] === 'b')).toHaveLength(1);
    expect([...train, ...test].sort((x, y) => x - y)).toEqual(groups.map((_, i) => i));
  });
});

/**
 * Three models: `cheap` answers prose, `mathy` answers maths, `big` (dearest) answers both. The
 * toy encoder points maths prompts one way and prose the other, so the right routes are known:
 * cheap for prose, mathy for maths at a moderate λ, cheap for everything at a huge λ.
 */
const keywordEncoder: TextVectoriser = {
  id: 'keyword-v1',
  dimensions: 2,
  encodeOne: (text) =>
    text.includes('integral') ? Float32Array.from([1, 0]) : Float32Array.from([0, 1]),
};
const costs = { cheap: 0.001, mathy: 0.002, big: 0.01 };
const models = ['big', 'cheap', 'mathy'];

function keywordExamples(count: number): RoutingExample[] {
  return Array.from({ length: count }, (_, i) => {
    const maths = i % 2 === 0;
    return {
      prompt: maths ? `compute the integral number ${i}` : `tell me about rivers number ${i}`,
      scores: { cheap: maths ? 0 : 1, mathy: maths ? 1 : 0, big: 1 },
      costs,
    };
  });
}

describe('N-model router training', () => {
  for (const candidate of [
    { type: 'knn', k: 5 },
    { type: 'ridge', alpha: 1e-3 },
    { type: 'mf', rank: 2, l2: 1e-4 },
  ] as const) {
    it(`routes each prompt to its cheapest capable model (${candidate.type})`, () => {
      const { artifact } = trainMultiModelRouter(keywordExamples(40), keywordEncoder, {
        models,
        useGroups: false,
        seed: 1,
        folds: 4,
        candidates: [candidate],
        dataset: 'keywords',
      });
      [0.01, 0.001, 0.002].forEach((cost, m) => expect(artifact.costs[m]).toBeCloseTo(cost, 15));
      // The default λ gives up nothing: the cheapest operating point still at the best model's quality.
      expect(artifact.defaultTradeoff).toBeGreaterThan(0);
      const router = routerFromArtifact(artifact, keywordEncoder);
      const maths = { prompt: 'compute the integral number 999' };
      const prose = { prompt: 'tell me about rivers number 999' };
      expect(router.route(maths).choice).toBe('mathy');
      expect(router.route(prose).choice).toBe('cheap');
      expect(router.route(maths, 100).choice).toBe('cheap');
      const scores = router.scores(maths);
      expect(scores.mathy ?? 0).toBeGreaterThan((scores.cheap ?? 0) + 0.5);
    });
  }

  it('gives kNN the exact mean of the neighbours', () => {
    const { artifact } = trainMultiModelRouter(keywordExamples(20), keywordEncoder, {
      models,
      useGroups: false,
      seed: 1,
      folds: 2,
      candidates: [{ type: 'knn', k: 5 }],
      dataset: 'keywords',
    });
    expect(routerFromArtifact(artifact, keywordEncoder).scores({ prompt: 'an integral' })).toEqual({
      big: 1,
      cheap: 0,
      mathy: 1,
    });
  });

  it('selects the learner that sees the signal: length, invisible to the encoder', () => {
    // A constant encoder leaves kNN with the global means; ridge sees the hand length features.
    const blind: TextVectoriser = {
      id: 'blind-v1',
      dimensions: 2,
      encodeOne: () => Float32Array.from([1, 0]),
    };
    const examples = Array.from({ length: 60 }, (_, i): RoutingExample => {
      const long = i % 2 === 0;
      return {
        prompt: long ? `${'a long winding question '.repeat(20)}${i}` : `short ${i}`,
        scores: { cheap: long ? 0 : 1, mathy: 0, big: 1 },
        costs,
      };
    });
    const { selection } = trainMultiModelRouter(examples, blind, {
      models,
      useGroups: false,
      seed: 2,
      folds: 3,
      candidates: [
        { type: 'knn', k: 10 },
        { type: 'ridge', alpha: 1e-3 },
      ],
      dataset: 'lengths',
    });
    expect(selection.chosen.type).toBe('ridge');
    expect(selection.scores.get(selection.chosen)).toBeGreaterThan(
      Math.max(
        ...[...selection.scores.values()].filter(
          (s) => s !== selection.scores.get(selection.chosen),
        ),
      ),
    );
  });
});

describe('N-model router artifact', () => {
  const { artifact } = trainMultiModelRouter(keywordExamples(20), keywordEncoder, {
    models,
    useGroups: false,
    seed: 1,
    folds: 2,
    candidates: [{ type: 'ridge', alpha: 1e-3 }],
    dataset: 'keywords',
  });

  it('round-trips through the generic loader and scores the same', () => {
    const loaded = parseAnyRouterArtifact(serialiseMultiModelRouterArtifact(artifact));
    expect(loaded.ok).toBe(true);
    if (!loaded.ok || !isMultiModelRouterArtifact(loaded.artifact)) throw new Error('not loaded');
    expect(loaded.artifact).toEqual(artifact);
    const input = { prompt: 'compute the integral' };
    expect(routerFromArtifact(loaded.artifact, keywordEncoder).scores(input)).toEqual(
      routerFromArtifact(artifact, keywordEncoder).scores(input),
    );
  });

  it("carries the chosen learner's held-out λ sweep, each model and the oracle", () => {
    const validation = artifact.validation;
    if (validation === undefined) throw new Error('no validation curve');
    expect(validation).toMatchObject({ method: 'out-of-fold', folds: 2, rows: 20 });
    expect(validation.singles.map((single) => single.model)).toEqual(models);
    expect(validation.singles.find((single) => single.model === 'big')?.quality).toBe(1);
    expect(validation.bestSingle).toBe('big');
    // Perfect foresight: mathy (0.002) on integrals, cheap (0.001) on rivers.
    expect(validation.oracle).toEqual({ quality: 1, meanCost: 0.0015 });
    expect(validation.points.length).toBeLessThanOrEqual(25);
    expect(validation.points[0]?.tradeoff).toBe(0);
    const tradeoffs = validation.points.map((point) => point.tradeoff);
    expect(tradeoffs).toEqual([...tradeoffs].sort((a, b) => a - b));
    // The keywords are learnable: the best quality at a fraction of big's cost.
    expect(validation.costSavingAt95).toBeGreaterThan(0.5);
  });

  it('loads an artifact written before the validation section existed', () => {
    const { validation, ...old } = artifact;
    expect(validation).toBeDefined();
    const loaded = parseAnyRouterArtifact(JSON.stringify(old));
    if (!loaded.ok) throw new Error(loaded.message);
    expect(isMultiModelRouterArtifact(loaded.artifact) && loaded.artifact.validation).toBe(
      undefined,
    );
  });

  it('refuses mismatched shapes, another encoder, and the pair loader', () => {
    const text = serialiseMultiModelRouterArtifact(artifact);
    expect(parseRouterArtifact(text).ok).toBe(false);
    expect(parseMultiModelRouterArtifact(JSON.stringify({ ...artifact, costs: [1, 2] })).ok).toBe(
      false,
    );
    expect(parseMultiModelRouterArtifact(JSON.stringify({ ...artifact, version: 2 })).ok).toBe(
      false,
    );
    const validation = artifact.validation;
    const reordered = validation && { ...validation, singles: [...validation.singles].reverse() };
    expect(
      parseMultiModelRouterArtifact(JSON.stringify({ ...artifact, validation: reordered })).ok,
    ).toBe(false);
    expect(() => routerFromArtifact(artifact, { ...keywordEncoder, id: 'other' })).toThrow(
      /encoder/u,
    );
  });
});
