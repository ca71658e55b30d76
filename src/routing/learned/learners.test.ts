import { describe, expect, it } from 'vitest';
import { createSeededRandom } from '../../lib/random.ts';
import { calibrate, thresholdForShare } from './calibration.ts';
import { knnScore, trainKnn } from './knn.ts';
import { logisticLogit, logisticObjective, trainLogistic } from './logistic-regression.ts';
import { mfLogits, trainMf } from './matrix-factorisation.ts';
import { routingMetrics } from './routellm-metrics.ts';

/** Two Gaussian-ish blobs, separable along the first axis. */
function toyProblem(count: number, seed: number): { rows: Float64Array[]; labels: number[] } {
  const random = createSeededRandom(seed);
  const rows: Float64Array[] = [];
  const labels: number[] = [];
  for (let i = 0; i < count; i += 1) {
    const label = i % 2;
    rows.push(
      Float64Array.from([
        (label ? 1 : -1) + (random.next() - 0.5),
        random.next() - 0.5,
        random.next() - 0.5,
      ]),
    );
    labels.push(label);
  }
  return { rows, labels };
}

describe('trainLogistic', () => {
  it('separates a separable toy problem', () => {
    const { rows, labels } = toyProblem(200, 1);
    const model = trainLogistic(rows, labels, { l2: 1e-3 });
    const correct = rows.filter(
      (row, i) => (logisticLogit(model, row) > 0 ? 1 : 0) === labels[i],
    ).length;
    expect(correct).toBe(rows.length);
    expect(model.weights[0]).toBeGreaterThan(Math.abs(model.weights[1] ?? 0) * 3);
  });

  it('reaches the optimum of a one-feature problem with a known answer', () => {
    // With l2 = 0 and no feature signal, the optimum is bias = logit(mean target) = logit(0.25).
    const rows = Array.from({ length: 40 }, () => Float64Array.from([0]));
    const targets = rows.map((_, i) => (i % 4 === 0 ? 1 : 0));
    const model = trainLogistic(rows, targets, { l2: 0, iterations: 2000 });
    expect(model.bias).toBeCloseTo(Math.log(0.25 / 0.75), 2);
  });

  it('lowers the objective below that of nearby weights', () => {
    const { rows, labels } = toyProblem(100, 2);
    const model = trainLogistic(rows, labels, { l2: 0.1, iterations: 1000 });
    const at = logisticObjective(model, rows, labels, 0.1);
    for (let i = 0; i < 3; i += 1) {
      for (const delta of [-0.05, 0.05]) {
        const weights = [...model.weights];
        weights[i] = (weights[i] ?? 0) + delta;
        expect(logisticObjective({ weights, bias: model.bias }, rows, labels, 0.1)).toBeGreaterThan(
          at,
        );
      }
    }
  });
});

describe('knn', () => {
  it('scores by the labels of the nearest unit vectors', () => {
    const vectors = [
      Float32Array.from([1, 0]),
      Float32Array.from([0.9, Math.sqrt(0.19)]),
      Float32Array.from([0, 1]),
    ];
    const model = trainKnn(vectors, [1, 1, 0], [undefined, undefined, undefined], {
      k: 2,
      priorStrength: 0,
      useGroupPrior: false,
    });
    expect(knnScore(model, Float32Array.from([1, 0]))).toBeCloseTo(1);
    expect(knnScore(model, Float32Array.from([0, 1]))).toBeLessThan(0.5);
  });

  it('falls back on the group rate when the neighbours say little', () => {
    const vectors = [Float32Array.from([1, 0]), Float32Array.from([1, 0])];
    const model = trainKnn(vectors, [1, 0], ['a', 'b'], {
      k: 2,
      priorStrength: 1000,
      useGroupPrior: true,
    });
    expect(knnScore(model, Float32Array.from([0, 1]), 'a')).toBeGreaterThan(
      knnScore(model, Float32Array.from([0, 1]), 'b'),
    );
  });
});

describe('trainMf', () => {
  it('learns which model is right on which side of a toy problem', () => {
    const { rows, labels } = toyProblem(200, 3);
    // Model "a" is right on label-1 rows, model "b" on label-0 rows.
    const scores = labels.map((label) => [label, 1 - label]);
    const model = trainMf(
      rows,
      scores,
      ['a', 'b'],
      { rank: 2, l2: 1e-4, iterations: 400, learningRate: 0.05 },
      createSeededRandom(4),
    );
    const correct = rows.filter((row, i) => {
      const [a = 0, b = 0] = mfLogits(model, row);
      return (a > b ? 1 : 0) === labels[i];
    }).length;
    expect(correct / rows.length).toBeGreaterThan(0.97);
  });
});

describe('calibration', () => {
  it('maps a target strong share to the matching score quantile', () => {
    const scores = Array.from({ length: 1001 }, (_, i) => i / 1000);
    const calibration = calibrate(scores);
    expect(thresholdForShare(calibration, 0.3)).toBeCloseTo(0.7, 6);
    const share =
      scores.filter((s) => s >= thresholdForShare(calibration, 0.25)).length / scores.length;
    expect(share).toBeCloseTo(0.25, 2);
  });
});

describe('routingMetrics (private stand-in)', () => {
  it('gives APGR 1-ish for an oracle-ordered score and about 0.5 for an uninformative one', () => {
    const random = createSeededRandom(9);
    const outcomes = Array.from({ length: 2000 }, () => {
      const weak = random.next() < 0.6 ? 1 : 0;
      const strong = weak === 1 || random.next() < 0.5 ? 1 : 0;
      return { strong, weak, noise: random.next() };
    });
    const oracle = routingMetrics(
      outcomes.map((o) => ({ ...o, score: o.strong - o.weak + o.noise * 0.01 })),
    );
    const noise = routingMetrics(outcomes.map((o) => ({ ...o, score: o.noise })));
    // 20% of rows gain, all-or-nothing: PGR 0, 0.5, then 1 from 20% strong calls on → 0.9.
    expect(oracle.apgr).toBeCloseTo(0.9, 1);
    expect(noise.apgr).toBeGreaterThan(0.4);
    expect(noise.apgr).toBeLessThan(0.6);
    expect(noise.cpt50).toBeGreaterThan(35);
  });
});
