// The quality-cost curve of a Mixtral → GPT-4 cascade on RouteLLM's GSM8K outcome table: the weak
// model always answers, an acceptance score read off its answer text decides whether the strong
// model is called too. Scored with the RouteLLM metric port (src/routing/evaluation), the
// acceptance score playing the router score (escalation = strong call), next to the prompt-length
// router, the random router and the oracle on the same 1,307 decontaminated rows.
//
//   ./node_modules/.bin/node scripts/gsm8k-cascade-curve.ts [--data ../shared/data/routing] \
//     [--json FILE] [--folds 5] [--seeds 5]
//
// No logprobs are recorded, so confidence comes from the answer text only (final-answer format,
// arithmetic verification, hedging, consistency, coverage of the question's numbers, length).
// Two scorers: `hand` (weights fixed a priori, nothing fitted) and `cv-logistic` (a logistic
// regression of weak correctness on the same features, scored out-of-fold: k folds × several
// seeds). Deterministic.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createSeededRandom, type Random } from '../src/lib/random.ts';
import { readArithmetic } from '../src/routing/cascade/arithmetic-check.ts';
import { readRefusal } from '../src/routing/cascade/refusal-check.ts';
import { parseCsvRecords } from '../src/routing/evaluation/datasets/parse-csv.ts';
import {
  readContaminatedPrompts,
  readRouteLlmGsm8k,
} from '../src/routing/evaluation/datasets/read-routellm-mmlu-gsm8k.ts';
import {
  routeLlmStrongModel,
  routeLlmWeakModel,
} from '../src/routing/evaluation/datasets/routellm-pair-rows.ts';
import {
  evaluatePairRouter,
  evaluateRandomRouter,
  type PairRouterEvaluation,
} from '../src/routing/evaluation/evaluate-pair-router.ts';
import { numpyInterp } from '../src/routing/evaluation/numpy-interp.ts';
import {
  oracleScores,
  promptLengthScores,
} from '../src/routing/evaluation/reference-pair-scores.ts';
import {
  routesToStrong,
  type PairOutcome,
} from '../src/routing/evaluation/routellm-threshold-points.ts';
import { qcutEdges } from '../src/routing/evaluation/numpy-quantile.ts';
import { mean, meanAndSd } from './seed-statistics.ts';

const started = performance.now();
const defaultDataDirectory = fileURLToPath(new URL('../../shared/data/routing/', import.meta.url));
const { values } = parseArgs({
  options: {
    data: { type: 'string', default: defaultDataDirectory },
    json: { type: 'string' },
    folds: { type: 'string', default: '5' },
    seeds: { type: 'string', default: '5' },
  },
});

/** Prices per 1M tokens (USD), list prices when RouteLLM ran: GPT-4-1106 $10 in / $30 out;
 * Mixtral-8x7B $0.6 in / $0.6 out (Anyscale/Together). The flat ratio prices a call at a 1:1
 * input/output mix: $20 vs $0.6. */
const prices = { strongIn: 10, strongOut: 30, weakIn: 0.6, weakOut: 0.6 };
const flatRatio = (prices.strongIn + prices.strongOut) / (prices.weakIn + prices.weakOut);
/** Token estimate: characters / 4 (no tokenizer; the same rule for both models). */
const charsPerToken = 4;

// ---------------------------------------------------------------------------------------------
// Data: the same 1,307 rows, in the same order, as readRouteLlmGsm8k (the router evaluation).

interface Row {
  readonly prompt: string;
  readonly weakAnswer: string;
  readonly strongAnswer: string;
  readonly outcome: PairOutcome;
}

function readRows(routeLlm: string): Row[] {
  const contaminated = readContaminatedPrompts(join(routeLlm, 'gsm8k/contaminated_prompts.jsonl'));
  const records = parseCsvRecords(
    readFileSync(join(routeLlm, 'gsm8k/gsm8k_responses.csv'), 'utf8'),
  );
  const rows = records
    .filter((record) => !contaminated.has(record.prompt ?? ''))
    .map((record) => ({
      prompt: record.prompt ?? '',
      weakAnswer: record[`${routeLlmWeakModel}_response`] ?? '',
      strongAnswer: record[`${routeLlmStrongModel}_response`] ?? '',
      outcome: {
        strong: record[routeLlmStrongModel] === 'True' ? 1 : 0,
        weak: record[routeLlmWeakModel] === 'True' ? 1 : 0,
      },
    }));
  const reference = readRouteLlmGsm8k(routeLlm);
  const same =
    reference.length === rows.length &&
    reference.every(
      (row, index) =>
        row.prompt === rows[index]?.prompt &&
        row.strong === rows[index].outcome.strong &&
        row.weak === rows[index].outcome.weak,
    );
  if (!same) throw new Error('rows differ from readRouteLlmGsm8k');
  return rows;
}

// ---------------------------------------------------------------------------------------------
// Answer-text features (decided before looking at any correctness statistic).

const hedges = [
  /\bhowever\b/giu,
  /\bassum(?:e|ing|ption)/giu,
  /\bapprox(?:imately|\.)?\b/giu,
  /\bround(?:ed|ing)?\b/giu,
  /\b(?:can(?:no|['’])t|cannot) (?:have|be|buy|sell|split)\b/giu,
  /\bnot possible\b|\bimpossible\b/giu,
  /\bactually\b/giu,
  /\bwait\b/giu,
  /\bmistake\b|\berror\b|\bincorrect\b|\bcorrection\b/giu,
  /\b(?:let me|let['’]s) (?:re|try again|double)/giu,
  /\brecalculat/giu,
  /\bprobably\b|\bnot sure\b|\bunclear\b|\bseems\b|\bdoesn['’]t make sense\b/giu,
];

const numberToken = /-?\d[\d,]*(?:\.\d+)?/gu;

function numbersIn(text: string): Set<number> {
  const found = new Set<number>();
  for (const match of text.matchAll(numberToken)) {
    const value = Number(match[0].replaceAll(',', ''));
    if (Number.isFinite(value)) found.add(Math.abs(value));
  }
  return found;
}

interface AnswerFeatures {
  readonly hasFinal: number;
  readonly distinctFinals: number;
  readonly finalNonInteger: number;
  readonly steps: number;
  readonly wrongSteps: number;
  readonly finalUnsupported: number;
  readonly hedges: number;
  readonly coverage: number;
  readonly answerChars: number;
  readonly refusal: number;
  readonly promptChars: number;
}

function answerFeatures(row: Row): AnswerFeatures {
  const text = row.weakAnswer;
  const finals = [...text.matchAll(/####\s*\$?\s*(-?[\d,]*\.?\d+)/gu)].map((match) =>
    Number((match[1] ?? '').replaceAll(',', '')),
  );
  const final = finals.at(-1);
  const body = text.split('####')[0] ?? text;
  const arithmetic = readArithmetic(text);
  const results = new Set(arithmetic.steps.map((step) => Math.abs(step.claimed)));
  const bodyNumbers = numbersIn(body);
  const questionNumbers = numbersIn(row.prompt);
  const answerNumbers = numbersIn(text);
  const covered = [...questionNumbers].filter((value) => answerNumbers.has(value)).length;
  return {
    hasFinal: final === undefined ? 0 : 1,
    distinctFinals: new Set(finals).size,
    finalNonInteger: final !== undefined && (!Number.isInteger(final) || final < 0) ? 1 : 0,
    steps: arithmetic.steps.length,
    wrongSteps: arithmetic.wrong,
    finalUnsupported:
      final !== undefined && !results.has(Math.abs(final)) && !bodyNumbers.has(Math.abs(final))
        ? 1
        : 0,
    hedges: hedges.reduce((sum, pattern) => sum + [...text.matchAll(pattern)].length, 0),
    coverage: questionNumbers.size === 0 ? 1 : covered / questionNumbers.size,
    answerChars: text.trim().length,
    refusal: readRefusal(text).refusal || text.trim().length === 0 ? 1 : 0,
    promptChars: row.prompt.length,
  };
}

/** The a-priori acceptance confidence in [0, 1]: multiplicative penalties, nothing fitted. */
function handConfidence(f: AnswerFeatures): number {
  let confidence = 1;
  if (f.refusal === 1) return 0;
  if (f.hasFinal === 0) confidence *= 0.3;
  if (f.distinctFinals > 1) confidence *= 0.5;
  if (f.finalNonInteger === 1) confidence *= 0.6;
  confidence *= 0.35 ** Math.min(f.wrongSteps, 2);
  if (f.finalUnsupported === 1) confidence *= 0.7;
  confidence *= 0.8 ** Math.min(f.hedges, 3);
  confidence *= 0.6 + 0.4 * f.coverage;
  // Longer answers are (a priori) less reliable; also breaks ties so the deciles are distinct.
  confidence *= 1 / (1 + f.answerChars / 3000);
  return confidence;
}

function featureVector(f: AnswerFeatures, withPromptLength: boolean): number[] {
  const base = [
    f.hasFinal,
    Math.min(f.distinctFinals, 3),
    f.finalNonInteger,
    Math.log1p(f.steps),
    Math.min(f.wrongSteps, 3),
    f.wrongSteps > 0 ? 1 : 0,
    f.finalUnsupported,
    Math.min(f.hedges, 5),
    f.coverage,
    Math.log1p(f.answerChars),
    f.refusal,
  ];
  return withPromptLength ? [...base, Math.log1p(f.promptChars)] : base;
}

// ---------------------------------------------------------------------------------------------
// Cross-validated logistic regression (standardised features, L2, batch gradient descent).

function shuffledIndices(count: number, random: Random): number[] {
  const order = Array.from({ length: count }, (_, index) => index);
  for (let i = count - 1; i > 0; i -= 1) {
    const j = Math.floor(random.next() * (i + 1));
    [order[i], order[j]] = [order[j] ?? 0, order[i] ?? 0];
  }
  return order;
}

function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

function fitLogistic(
  x: readonly number[][],
  y: readonly number[],
): (v: readonly number[]) => number {
  const dims = x[0]?.length ?? 0;
  const mean = Array.from(
    { length: dims },
    (_, d) => x.reduce((s, v) => s + (v[d] ?? 0), 0) / x.length,
  );
  const std = Array.from({ length: dims }, (_, d) => {
    const variance = x.reduce((s, v) => s + ((v[d] ?? 0) - (mean[d] ?? 0)) ** 2, 0) / x.length;
    return Math.sqrt(variance) || 1;
  });
  const z = x.map((v) => v.map((value, d) => (value - (mean[d] ?? 0)) / (std[d] ?? 1)));
  const weights = new Array<number>(dims).fill(0);
  let bias = 0;
  const l2 = 1e-2;
  const rate = 0.5;
  for (let iteration = 0; iteration < 400; iteration += 1) {
    const gradient = new Array<number>(dims).fill(0);
    let gradientBias = 0;
    z.forEach((v, i) => {
      const error =
        sigmoid(v.reduce((s, value, d) => s + value * (weights[d] ?? 0), bias)) - (y[i] ?? 0);
      v.forEach((value, d) => {
        gradient[d] = (gradient[d] ?? 0) + error * value;
      });
      gradientBias += error;
    });
    for (let d = 0; d < dims; d += 1) {
      weights[d] =
        (weights[d] ?? 0) - rate * ((gradient[d] ?? 0) / z.length + l2 * (weights[d] ?? 0));
    }
    bias -= (rate * gradientBias) / z.length;
  }
  return (v) =>
    sigmoid(
      v.reduce(
        (s, value, d) => s + ((value - (mean[d] ?? 0)) / (std[d] ?? 1)) * (weights[d] ?? 0),
        bias,
      ),
    );
}

/** Out-of-fold P(weak answer correct) for every row, with one seed's fold assignment. */
function outOfFoldConfidence(
  x: readonly number[][],
  y: readonly number[],
  folds: number,
  seed: number,
): number[] {
  const order = shuffledIndices(x.length, createSeededRandom(seed));
  const fold = new Array<number>(x.length).fill(0);
  order.forEach((index, position) => {
    fold[index] = position % folds;
  });
  const confidence = new Array<number>(x.length).fill(0);
  for (let f = 0; f < folds; f += 1) {
    const train = x.map((_, i) => i).filter((i) => fold[i] !== f);
    const model = fitLogistic(
      train.map((i) => x[i] ?? []),
      train.map((i) => y[i] ?? 0),
    );
    x.forEach((v, i) => {
      if (fold[i] === f) confidence[i] = model(v);
    });
  }
  return confidence;
}

// ---------------------------------------------------------------------------------------------
// Costs and metrics.

interface RowCost {
  readonly weak: number;
  readonly strong: number;
}

function rowCosts(rows: readonly Row[]): RowCost[] {
  return rows.map((row) => {
    const input = row.prompt.length / charsPerToken;
    return {
      weak:
        (input * prices.weakIn + (row.weakAnswer.length / charsPerToken) * prices.weakOut) / 1e6,
      strong:
        (input * prices.strongIn + (row.strongAnswer.length / charsPerToken) * prices.strongOut) /
        1e6,
    };
  });
}

interface CurvePoint {
  readonly threshold: number;
  readonly strongPercent: number;
  readonly accuracy: number;
  /** Mean cost per query in weak-call units with the flat price ratio. */
  readonly flatCost: number;
  /** Mean cost per query in weak-call units with token-estimated per-row prices. */
  readonly tokenCost: number;
  /** USD per 1,000 queries with token-estimated prices. */
  readonly usdPer1k: number;
}

/** One point per threshold; `cascade` pays every weak call, a router only the ones it keeps. */
function curve(
  scores: readonly number[],
  rows: readonly Row[],
  costs: readonly RowCost[],
  cascade: boolean,
  thresholds: readonly number[],
  lastIsStrict: boolean,
): CurvePoint[] {
  const unit = costs.reduce((s, c) => s + c.weak, 0) / costs.length;
  return thresholds.map((threshold, t) => {
    let strong = 0;
    let correct = 0;
    let usd = 0;
    scores.forEach((score, i) => {
      const row = rows[i];
      const cost = costs[i];
      if (row === undefined || cost === undefined) return;
      const escalate = routesToStrong(
        score,
        threshold,
        lastIsStrict && t === thresholds.length - 1,
      );
      if (escalate) strong += 1;
      correct += escalate ? row.outcome.strong : row.outcome.weak;
      usd += (cascade || !escalate ? cost.weak : 0) + (escalate ? cost.strong : 0);
    });
    const share = strong / scores.length;
    return {
      threshold,
      strongPercent: share * 100,
      accuracy: (correct / scores.length) * 100,
      flatCost: (cascade ? 1 : 1 - share) + share * flatRatio,
      tokenCost: usd / scores.length / unit,
      usdPer1k: (usd / scores.length) * 1000,
    };
  });
}

interface Summary {
  readonly name: string;
  readonly apgr: number;
  readonly cpt50: number;
  readonly cpt80: number;
  /** Weak-call units (token-estimated) needed to reach 50% / 80% of the quality gap. */
  readonly cost50: number;
  readonly cost80: number;
  readonly points: readonly CurvePoint[];
}

function summarise(
  name: string,
  scores: readonly number[],
  rows: readonly Row[],
  costs: readonly RowCost[],
  cascade: boolean,
): Summary & { readonly evaluation: PairRouterEvaluation } {
  const outcomes = rows.map((row) => row.outcome);
  const evaluation = evaluatePairRouter(scores, outcomes);
  const points = curve(scores, rows, costs, cascade, qcutEdges(scores, 10), true).sort(
    (a, b) => a.strongPercent - b.strongPercent,
  );
  const gap = evaluation.strongQuality - evaluation.weakQuality;
  const costAt = (fraction: number) =>
    numpyInterp(
      evaluation.weakQuality + fraction * gap,
      points.map((p) => p.accuracy),
      points.map((p) => p.tokenCost),
    );
  return {
    name,
    apgr: evaluation.apgr,
    cpt50: evaluation.cpt50,
    cpt80: evaluation.cpt80,
    cost50: costAt(0.5),
    cost80: costAt(0.8),
    points,
    evaluation,
  };
}

// ---------------------------------------------------------------------------------------------

const rows = readRows(join(values.data, 'routellm-evals'));
const costs = rowCosts(rows);
const features = rows.map(answerFeatures);
const weakCorrect = rows.map((row) => row.outcome.weak);
const folds = Number(values.folds);
const seeds = Array.from({ length: Number(values.seeds) }, (_, index) => index);

const hand = summarise(
  'cascade-hand',
  features.map((f) => 1 - handConfidence(f)),
  rows,
  costs,
  true,
);
const handGrid = curve(
  features.map((f) => 1 - handConfidence(f)),
  rows,
  costs,
  true,
  Array.from({ length: 21 }, (_, i) => 1 - i * 0.05),
  false,
).map((point) => ({ ...point, threshold: 1 - point.threshold }));

function cvRuns(name: string, withPromptLength: boolean) {
  const x = features.map((f) => featureVector(f, withPromptLength));
  return seeds.map((seed) =>
    summarise(
      name,
      outOfFoldConfidence(x, weakCorrect, folds, 1000 + seed).map((c) => 1 - c),
      rows,
      costs,
      true,
    ),
  );
}
const cvAnswer = cvRuns('cascade-cv-logistic', false);
const cvHybrid = cvRuns('cascade-cv-logistic+prompt-length', true);
const length = summarise(
  'router-prompt-length',
  promptLengthScores(rows.map((r) => r.prompt)),
  rows,
  costs,
  false,
);
const oracle = summarise(
  'router-oracle',
  oracleScores(
    rows.map((r) => r.outcome),
    createSeededRandom(0),
  ),
  rows,
  costs,
  false,
);
const random = evaluateRandomRouter(rows.map((r) => r.outcome));
const randomCosts = random.seeds.map((seed) => {
  const generator = createSeededRandom(seed);
  return summarise(
    'router-random',
    rows.map(() => generator.next()),
    rows,
    costs,
    false,
  );
});
const base = hand.evaluation;
const unitUsd = (costs.reduce((s, c) => s + c.weak, 0) / costs.length) * 1000;
const effectiveRatio =
  costs.reduce((s, c) => s + c.strong, 0) / costs.reduce((s, c) => s + c.weak, 0);
const weakAccepted = (threshold: number) =>
  features.filter((f) => handConfidence(f) >= threshold).length / features.length;

// ---------------------------------------------------------------------------------------------
// Output.

const out = (line = '') => process.stdout.write(`${line}\n`);
const f1 = (v: number) => v.toFixed(1).padStart(6);
const f2 = (v: number) => v.toFixed(2).padStart(6);
const f3 = (v: number) => v.toFixed(3).padStart(6);

out(`GSM8K cascade (Mixtral-8x7B → GPT-4-1106), ${rows.length} decontaminated rows`);
out(`weak ${base.weakQuality.toFixed(2)}%  strong ${base.strongQuality.toFixed(2)}%`);
out(
  `prices per 1M tokens: strong $${prices.strongIn}/$${prices.strongOut}, weak $${prices.weakIn}/$${prices.weakOut}; flat ratio ${flatRatio.toFixed(1)}; token-estimated ratio ${effectiveRatio.toFixed(1)} (chars/${charsPerToken}); 1 weak unit = $${unitUsd.toFixed(4)} per 1k queries`,
);
out();
out('hand-score cascade, RouteLLM thresholds (qcut deciles of 1 − confidence):');
out('   conf≥  strong%   acc%  flat-units  token-units  $/1k');
for (const p of hand.points) {
  out(
    `${f3(1 - p.threshold)}  ${f1(p.strongPercent)}  ${f2(p.accuracy)}  ${f2(p.flatCost)}      ${f2(p.tokenCost)}    ${f3(p.usdPer1k)}`,
  );
}
out();
out('hand-score cascade, fixed confidence grid (accept when confidence ≥ t):');
out('      t  strong%   acc%  flat-units  token-units');
for (const p of handGrid) {
  out(
    `${f3(p.threshold)}  ${f1(p.strongPercent)}  ${f2(p.accuracy)}  ${f2(p.flatCost)}      ${f2(p.tokenCost)}`,
  );
}
out();
const cvRow = (name: string, runs: readonly Summary[]) =>
  `${name.padEnd(48)} ${f3(mean(runs.map((r) => r.apgr)))}±${meanAndSd(runs.map((r) => r.apgr)).sd.toFixed(3)} ${f1(mean(runs.map((r) => r.cpt50)))} ${f1(mean(runs.map((r) => r.cpt80)))}   ${f2(mean(runs.map((r) => r.cost50)))}  ${f2(mean(runs.map((r) => r.cost80)))}`;
out(
  'scorer                                            APGR       CPT50  CPT80   units@50 units@80 (token-estimated weak-call units)',
);
out(cvRow(hand.name, [hand]));
out(cvRow(`${cvAnswer[0]?.name ?? ''} (${folds}-fold × ${seeds.length})`, cvAnswer));
out(cvRow(`${cvHybrid[0]?.name ?? ''} (${folds}-fold × ${seeds.length})`, cvHybrid));
out(cvRow(length.name, [length]));
out(cvRow(`router-random (mean of ${random.seeds.length})`, randomCosts));
out(cvRow(oracle.name, [oracle]));
out();
out(
  `hand score: weak answers accepted at confidence ≥ 0.5: ${(weakAccepted(0.5) * 100).toFixed(1)}%`,
);
const runtime = (performance.now() - started) / 1000;
out(`runtime ${runtime.toFixed(1)} s`);

const report = {
  rows: rows.length,
  weakQuality: base.weakQuality,
  strongQuality: base.strongQuality,
  prices,
  flatRatio,
  tokenEstimatedRatio: effectiveRatio,
  charsPerToken,
  protocol: {
    hand: 'weights fixed a priori; no fitting',
    cvLogistic: `${folds}-fold out-of-fold predictions, fold seeds ${seeds.map((s) => 1000 + s).join(',')}; target = weak correct`,
  },
  hand: {
    apgr: hand.apgr,
    cpt50: hand.cpt50,
    cpt80: hand.cpt80,
    cost50: hand.cost50,
    cost80: hand.cost80,
    points: hand.points,
    grid: handGrid,
  },
  cvLogistic: cvAnswer.map(({ apgr, cpt50, cpt80, cost50, cost80, points }) => ({
    apgr,
    cpt50,
    cpt80,
    cost50,
    cost80,
    points,
  })),
  cvLogisticWithPromptLength: cvHybrid.map(({ apgr, cpt50, cpt80, cost50, cost80 }) => ({
    apgr,
    cpt50,
    cpt80,
    cost50,
    cost80,
  })),
  promptLength: {
    apgr: length.apgr,
    cpt50: length.cpt50,
    cpt80: length.cpt80,
    cost50: length.cost50,
    cost80: length.cost80,
    points: length.points,
  },
  random: {
    apgr: random.apgr,
    cpt50: random.cpt50,
    cpt80: random.cpt80,
    cost50: mean(randomCosts.map((r) => r.cost50)),
    cost80: mean(randomCosts.map((r) => r.cost80)),
  },
  oracle: {
    apgr: oracle.apgr,
    cpt50: oracle.cpt50,
    cpt80: oracle.cpt80,
    cost50: oracle.cost50,
    cost80: oracle.cost80,
  },
  runtimeSeconds: runtime,
};
const json = JSON.stringify(report, null, 2);
if (values.json === undefined) out(json);
else writeFileSync(values.json, json + '\n');
