import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createSeededRandom } from '../../lib/random.ts';
import { readRouteLlmGsm8k, readRouteLlmMmlu } from './datasets/read-routellm-mmlu-gsm8k.ts';
import { readRouteLlmMtBench } from './datasets/read-routellm-mt-bench.ts';
import { evaluatePairRouter, evaluateRandomRouter } from './evaluate-pair-router.ts';
import { oracleScores, promptLengthScores } from './reference-pair-scores.ts';

// The shared data lives beside the repository (../shared), locally and in CI.
const routeLlmEvals = fileURLToPath(
  new URL('../../../../shared/data/routing/routellm-evals/', import.meta.url),
);
const mmlu = readRouteLlmMmlu(routeLlmEvals);
const gsm8k = readRouteLlmGsm8k(routeLlmEvals);
const mtBench = readRouteLlmMtBench(routeLlmEvals);

describe('RouteLLM data after decontamination (routellm-evals/README.md)', () => {
  it('keeps 14,037 / 1,307 / 72 items with the published model means', () => {
    expect(mmlu).toHaveLength(14_037);
    expect(gsm8k).toHaveLength(1_307);
    expect(mtBench).toHaveLength(72);
    const mmluResult = evaluatePairRouter(promptLengthScores(mmlu.map((row) => row.prompt)), mmlu);
    expect(mmluResult.weakQuality).toBeCloseTo(68.09, 2);
    expect(mmluResult.strongQuality).toBeCloseTo(80.59, 2);
    const gsm8kResult = evaluatePairRouter(
      promptLengthScores(gsm8k.map((row) => row.prompt)),
      gsm8k,
    );
    expect(gsm8kResult.weakQuality).toBeCloseTo(63.73, 2);
    expect(gsm8kResult.strongQuality).toBeCloseTo(85.77, 2);
    const mtResult = evaluatePairRouter(
      promptLengthScores(mtBench.map((row) => row.prompt)),
      mtBench,
      { qualityScale: 1 },
    );
    expect(mtResult.weakQuality).toBeCloseTo(8.281, 3);
    expect(mtResult.strongQuality).toBeCloseTo(9.212, 3);
  });
});

describe.each([
  {
    name: 'MMLU',
    rows: mmlu,
    // README: random 0.498 / 50.2% / 80.3%, length 0.583 / 36.7% / 69.5%, oracle 1.268 / 6.2% / 10.0%.
    random: { apgr: 0.498, cpt50: 50.2, cpt80: 80.3 },
    length: { apgr: 0.583, cpt50: 36.7, cpt80: 69.5 },
    lengthExact: { apgr: 0.583698, cpt50: 36.7023, cpt80: 69.2044 },
    oracle: { apgr: 1.268, cpt50: 6.2, cpt80: 10.0 },
  },
  {
    name: 'GSM8K',
    rows: gsm8k,
    // README: random 0.494 / 50.9% / 80.7%, length 0.597 / 37.0% / 66.7%, oracle 1.115 / 11.0% / 17.6%.
    random: { apgr: 0.494, cpt50: 50.9, cpt80: 80.7 },
    length: { apgr: 0.597, cpt50: 37.0, cpt80: 66.7 },
    lengthExact: { apgr: 0.598655, cpt50: 36.5133, cpt80: 66.6565 },
    oracle: { apgr: 1.115, cpt50: 11.0, cpt80: 17.6 },
  },
])('RouteLLM reference rows on $name', ({ rows, random, length, lengthExact, oracle }) => {
  it('random router (mean of 10 seeds) is ≈ 0.50 / 50% / 80%', () => {
    const result = evaluateRandomRouter(rows);
    // Seed noise: single runs spread ±0.03 APGR and ±2 pp CPT around the mean.
    expect(Math.abs(result.apgr - random.apgr)).toBeLessThan(0.015);
    expect(Math.abs(result.cpt50 - random.cpt50)).toBeLessThan(1.5);
    expect(Math.abs(result.cpt80 - random.cpt80)).toBeLessThan(1.5);
  });

  it('prompt length in characters matches the reference row', () => {
    const result = evaluatePairRouter(promptLengthScores(rows.map((row) => row.prompt)), rows);
    // Exact figures of the faithful port (ties on equal lengths all go strong at `>=`) ...
    expect(result.apgr).toBeCloseTo(lengthExact.apgr, 5);
    expect(result.cpt50).toBeCloseTo(lengthExact.cpt50, 3);
    expect(result.cpt80).toBeCloseTo(lengthExact.cpt80, 3);
    // ... and the README's row, which differs in the third figure on some cells: the length score
    // has many ties at the decile edges, so the curve is sensitive to how ties were handled.
    expect(Math.abs(result.apgr - length.apgr)).toBeLessThan(0.002);
    expect(Math.abs(result.cpt50 - length.cpt50)).toBeLessThan(0.6);
    expect(Math.abs(result.cpt80 - length.cpt80)).toBeLessThan(0.4);
  });

  it('oracle (ordered by strong − weak gain) matches the reference row', () => {
    const result = evaluatePairRouter(oracleScores(rows, createSeededRandom(1)), rows);
    expect(result.apgr).toBeCloseTo(oracle.apgr, 2);
    expect(Math.abs(result.cpt50 - oracle.cpt50)).toBeLessThan(0.06);
    expect(Math.abs(result.cpt80 - oracle.cpt80)).toBeLessThan(0.06);
  });
});
