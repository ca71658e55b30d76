// Transfer numbers for the learned strong/weak router (GPT-4-1106 vs Mixtral-8x7B, RouteLLM's
// outcome tables), none of which may use the MMLU subject (it does not exist outside MMLU):
//
//   (a) MMLU subject-held-out: per seed, the 57 subjects are shuffled and split 28 / 29; 1,500
//       questions are drawn from the 28 training subjects; hyper-parameters are picked by 5-fold
//       CV whose folds are whole subjects (GroupKFold), so selection sees unseen subjects too;
//       the test set is every question of the other 29 subjects.
//   (b) GSM8K: trained on MMLU (per seed a random 1,500 questions, random 5-fold CV, no subjects;
//       plus one router on all 14,037 MMLU questions), scored on the 1,307 decontaminated GSM8K rows.
//   (c) MT-Bench: the same routers, scored on the 72 decontaminated questions routed on turn 1
//       (outcome = the chosen model's mean judge score over both turns), with a bootstrap 95% CI.
//
// The router family is the group-free logistic regression of train-pair-router.ts (the logistic
// candidates of its default grid): the subject prior, the best in-distribution router, needs a
// subject and so is not available here. Prompt length and random are scored on the same rows.
//
//   ./node_modules/.bin/node scripts/routing-transfer.ts [--seeds 5] [--no-all-mmlu] [--words-encoder]
import { fileURLToPath } from 'node:url';
import { createSeededRandom } from '../src/lib/random.ts';
import { routingLexicalEncoder } from '../src/pipeline/cache/semantic/lexical-encoder-for-id.ts';
import { LexicalEncoder } from '../src/pipeline/cache/semantic/lexical-encoder.ts';
import {
  readRouteLlmGsm8k,
  readRouteLlmMmlu,
} from '../src/routing/evaluation/datasets/read-routellm-mmlu-gsm8k.ts';
import { readRouteLlmMtBench } from '../src/routing/evaluation/datasets/read-routellm-mt-bench.ts';
import type { RouteLlmPairRow } from '../src/routing/evaluation/datasets/routellm-pair-rows.ts';
import { describePrompt } from '../src/routing/learned/feature-space.ts';
import { kFolds, shuffled } from '../src/routing/learned/k-fold.ts';
import { routingMetrics, type RoutingMetrics } from '../src/routing/learned/routellm-metrics.ts';
import { scorerFor } from '../src/routing/learned/router-artifact.ts';
import {
  bestPairCandidate,
  crossValidatePairCandidates,
  defaultPairCandidates,
  describePairCandidate,
  fitPairCandidate,
  type PairTrainingRow,
} from '../src/routing/learned/train-pair-router.ts';
import { formatMeanAndSd, mean, meanAndSd } from './seed-statistics.ts';

const evalsDirectory = fileURLToPath(
  new URL('../../shared/data/routing/routellm-evals/', import.meta.url),
);
const trainSize = 1500;
const cvFolds = 5;
const candidates = defaultPairCandidates.filter((candidate) => candidate.type === 'logistic');
const fitOptions = {
  strongModel: 'gpt-4-1106-preview',
  weakModel: 'mistralai/Mixtral-8x7B-Instruct-v0.1',
  useGroups: false,
};

const args = process.argv.slice(2);
const seeds = Number(args[args.indexOf('--seeds') + 1] ?? 5) || 5;
const allMmlu = !args.includes('--no-all-mmlu');
const encoder = process.argv.includes('--words-encoder')
  ? routingLexicalEncoder()
  : new LexicalEncoder({ dimensions: 256 });

const mmlu = readRouteLlmMmlu(evalsDirectory);
const gsm8k = readRouteLlmGsm8k(evalsDirectory);
const mtBench = readRouteLlmMtBench(evalsDirectory);
const describe = (rows: readonly RouteLlmPairRow[]): PairTrainingRow[] =>
  rows.map((row) => ({
    description: describePrompt(encoder, { prompt: row.prompt }),
    strong: row.strong,
    weak: row.weak,
  }));
const mmluRows = describe(mmlu);
const gsm8kRows = describe(gsm8k);
const mtBenchRows = describe(mtBench);
log(`MMLU ${mmlu.length}, GSM8K ${gsm8k.length}, MT-Bench ${mtBench.length}`);

type Scorer = (row: PairTrainingRow, index: number) => number;
function metricsOf(
  score: Scorer,
  rows: readonly PairTrainingRow[],
  texts: readonly RouteLlmPairRow[],
): Record<string, RoutingMetrics> {
  const of = (s: Scorer) =>
    routingMetrics(
      rows.map((row, i) => ({ score: s(row, i), strong: row.strong, weak: row.weak })),
    );
  const random = createSeededRandom(5000 + rows.length);
  const runs = Array.from({ length: 10 }, () => {
    const draw = Float64Array.from(rows, () => random.next());
    return of((_, i) => draw[i] ?? 0);
  });
  return {
    router: of(score),
    'prompt length': of((_, i) => texts[i]?.prompt.length ?? 0),
    'random (10 runs)': {
      apgr: mean(runs.map((r) => r.apgr)),
      cpt50: mean(runs.map((r) => r.cpt50)),
      cpt80: mean(runs.map((r) => r.cpt80)),
    },
  };
}

/** CV-picked logistic on `train` (folds are positions into it), as a scorer. */
function trainRouter(
  train: readonly PairTrainingRow[],
  folds: readonly (readonly number[])[],
  seed: number,
): { score: Scorer; chosen: string } {
  const cvScore = crossValidatePairCandidates(candidates, train, folds, encoder, {
    ...fitOptions,
    seed,
  });
  const chosen = bestPairCandidate(cvScore);
  if (!chosen) throw new Error('no candidate');
  const trained = fitPairCandidate(chosen, train, encoder, { ...fitOptions, seed });
  const score = scorerFor(trained.features, trained.model);
  return { score: (row) => score(row.description), chosen: describePairCandidate(chosen) };
}

const results: Record<string, Record<string, RoutingMetrics[]>> = {};
const chosen: Record<string, string[]> = {};
const keep = (setting: string, metrics: Record<string, RoutingMetrics>) => {
  const entry = (results[setting] ??= {});
  for (const [name, m] of Object.entries(metrics)) (entry[name] ??= []).push(m);
};

const subjects = [...new Set(mmlu.map((row) => row.group))].sort();
for (let seed = 1; seed <= seeds; seed += 1) {
  const started = performance.now();
  // (a) subject-held-out.
  const order = shuffled(subjects, createSeededRandom(seed));
  const trainSubjects = new Set(order.slice(0, Math.floor(subjects.length / 2)));
  const inTrain = mmlu.flatMap((row, i) => (trainSubjects.has(row.group) ? [i] : []));
  const heldOut = mmlu.flatMap((row, i) => (trainSubjects.has(row.group) ? [] : [i]));
  const picked = shuffled(inTrain, createSeededRandom(100 + seed)).slice(0, trainSize);
  const pickedSubjects = [...new Set(picked.map((i) => at(mmlu, i).group))];
  const subjectFold = new Map(
    shuffled(pickedSubjects, createSeededRandom(1000 + seed)).map((s, k) => [s, k % cvFolds]),
  );
  const groupFolds = Array.from({ length: cvFolds }, (_, f) =>
    picked.flatMap((i, position) => (subjectFold.get(at(mmlu, i).group) === f ? [position] : [])),
  );
  const ood = trainRouter(
    picked.map((i) => at(mmluRows, i)),
    groupFolds,
    seed,
  );
  (chosen['(a) MMLU subject-held-out'] ??= []).push(ood.chosen);
  keep(
    '(a) MMLU subject-held-out',
    metricsOf(
      ood.score,
      heldOut.map((i) => at(mmluRows, i)),
      heldOut.map((i) => at(mmlu, i)),
    ),
  );
  // (b), (c): the in-distribution protocol's training rows (same seeds), no subjects.
  const split = shuffled(
    mmlu.map((_, i) => i),
    createSeededRandom(seed),
  ).slice(0, trainSize);
  const transfer = trainRouter(
    split.map((i) => at(mmluRows, i)),
    kFolds(trainSize, cvFolds, createSeededRandom(1000 + seed)),
    seed,
  );
  (chosen['MMLU 1,500 →'] ??= []).push(transfer.chosen);
  keep('(b) GSM8K ← MMLU 1,500', metricsOf(transfer.score, gsm8kRows, gsm8k));
  keep('(c) MT-Bench ← MMLU 1,500', metricsOf(transfer.score, mtBenchRows, mtBench));
  log(
    `seed ${seed}: ood ${ood.chosen}, transfer ${transfer.chosen} (${((performance.now() - started) / 1000).toFixed(0)} s)`,
  );
}

const summary: Record<string, unknown> = {};
for (const [setting, byRouter] of Object.entries(results)) {
  summary[setting] = Object.fromEntries(
    Object.entries(byRouter).map(([name, list]) => [
      name,
      {
        apgr: meanAndSd(list.map((m) => m.apgr)),
        cpt50: meanAndSd(list.map((m) => m.cpt50)),
        cpt80: meanAndSd(list.map((m) => m.cpt80)),
      },
    ]),
  );
}

let allMmluSummary: Record<string, unknown> | undefined;
if (allMmlu) {
  // One router on all MMLU questions (random 5-fold CV on them), then GSM8K and MT-Bench.
  const started = performance.now();
  const router = trainRouter(
    mmluRows,
    kFolds(mmluRows.length, cvFolds, createSeededRandom(1000)),
    1,
  );
  const mt = metricsOf(router.score, mtBenchRows, mtBench);
  const scores = mtBenchRows.map((row, i) => router.score(row, i));
  allMmluSummary = {
    chosen: router.chosen,
    '(b) GSM8K ← all MMLU': metricsOf(router.score, gsm8kRows, gsm8k),
    '(c) MT-Bench ← all MMLU': mt,
    '(c) MT-Bench ← all MMLU, router APGR bootstrap 95% CI (1,000 resamples of questions)':
      bootstrapApgr(scores, mtBenchRows),
  };
  log(`all-MMLU router ${router.chosen} (${((performance.now() - started) / 1000).toFixed(0)} s)`);
}

out(
  JSON.stringify(
    {
      protocol: {
        trainSize,
        seeds,
        cvFolds,
        encoder: encoder.id,
        candidates: candidates.map(describePairCandidate),
      },
      chosen,
      summary,
      allMmlu: allMmluSummary,
    },
    null,
    2,
  ),
);
out('\n| setting | router | APGR | CPT(50%) | CPT(80%) |\n|---|---|---|---|---|');
for (const [setting, byRouter] of Object.entries(results)) {
  for (const [name, list] of Object.entries(byRouter)) {
    out(
      `| ${setting} | ${name} | ${formatMeanAndSd(meanAndSd(list.map((m) => m.apgr)), 3)} | ${formatMeanAndSd(meanAndSd(list.map((m) => m.cpt50)), 1)}% | ${formatMeanAndSd(meanAndSd(list.map((m) => m.cpt80)), 1)}% |`,
    );
  }
}

function bootstrapApgr(
  scores: readonly number[],
  rows: readonly PairTrainingRow[],
): { low: number; high: number } {
  const random = createSeededRandom(7);
  const values: number[] = [];
  for (let b = 0; b < 1000; b += 1) {
    const sample = rows.map(() => Math.floor(random.next() * rows.length));
    // A resample where both models tie everywhere has no gap to recover: skip it.
    const strong = sample.reduce((a, i) => a + (rows[i]?.strong ?? 0), 0);
    const weak = sample.reduce((a, i) => a + (rows[i]?.weak ?? 0), 0);
    if (strong === weak) continue;
    values.push(
      routingMetrics(
        sample.map((i) => ({
          score: scores[i] ?? 0,
          strong: rows[i]?.strong ?? 0,
          weak: rows[i]?.weak ?? 0,
        })),
      ).apgr,
    );
  }
  values.sort((a, b) => a - b);
  return {
    low: values[Math.floor(values.length * 0.025)] ?? 0,
    high: values[Math.floor(values.length * 0.975)] ?? 0,
  };
}

function at<T>(list: readonly T[], i: number): T {
  const item = list[i];
  if (item === undefined) throw new RangeError(`no row ${i}`);
  return item;
}
function log(line: string): void {
  process.stderr.write(`${line}\n`);
}
function out(line: string): void {
  process.stdout.write(`${line}\n`);
}
