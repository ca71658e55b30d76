// Trains and measures learned strong/weak routers on RouteLLM's MMLU outcome tables
// (GPT-4-1106 vs Mixtral-8x7B), with the protocol of shared/research/routing.md §6.2:
// per seed, a random 1,500 questions train (hyper-parameters picked by 5-fold CV on those only),
// the rest test; 5 seeds; mean ± sd of APGR, CPT(50%), CPT(80%); prompt length and random on the
// same test rows.
//
//   ./node_modules/.bin/node scripts/train-routellm-mmlu.ts [--seeds 5] [--seed-offset 0] [--no-groups] [--words-encoder] [--subject-prior-only] [--artifact out.json]
//
// --seed-offset N runs seeds N+1..N+seeds: fresh splits (e.g. --seed-offset 5 for seeds 6-10), to
// check that a router designed on seeds 1-5 is not tuned to them.
//
// --words-encoder: the routing encoder `signalbox route train` uses (words and word pairs, no
// character grams); default the full lexical encoder.
//
// With groups, the grid adds the subject-prior candidates (train-pair-router.ts): the empirical-Bayes
// shrunk mean gain of the subject plus λ·(group-free logistic), λ picked by the same CV; it is a
// plain logistic artifact (the subject one-hot weights carry the prior). --artifact writes it.
// --subject-prior-only cross-validates only the subject-prior grid (its row, prompt length and
// random; about 1.5 min for 5 seeds).
//
// --no-groups drops the subject (from the file name) from features and priors: the realistic
// setting for gateway traffic, where nobody labels the subject.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createSeededRandom } from '../src/lib/random.ts';
import { readRouteLlmMmlu } from '../src/routing/evaluation/datasets/read-routellm-mmlu-gsm8k.ts';
import {
  routeLlmStrongModel,
  routeLlmWeakModel,
  type RouteLlmPairRow,
} from '../src/routing/evaluation/datasets/routellm-pair-rows.ts';
import { routingLexicalEncoder } from '../src/pipeline/cache/semantic/lexical-encoder-for-id.ts';
import { LexicalEncoder } from '../src/pipeline/cache/semantic/lexical-encoder.ts';
import { describePrompt, type PromptDescription } from '../src/routing/learned/feature-space.ts';
import { kFolds, shuffled } from '../src/routing/learned/k-fold.ts';
import { routingMetrics, type RoutingMetrics } from '../src/routing/learned/routellm-metrics.ts';
import { scorerFor, serialiseRouterArtifact } from '../src/routing/learned/router-artifact.ts';
import {
  bestPairCandidate,
  crossValidatePairCandidates,
  defaultPairCandidates,
  describePairCandidate,
  subjectPriorCandidates,
  fitPairCandidate,
  pairRouterArtifact,
  type PairTrainingRow,
} from '../src/routing/learned/train-pair-router.ts';
import { formatMeanAndSd, mean, meanAndSd } from './seed-statistics.ts';

const evalsDirectory = fileURLToPath(
  new URL('../../shared/data/routing/routellm-evals/', import.meta.url),
);
const trainSize = 1500;
const cvFolds = 5;

type Row = RouteLlmPairRow;

function evaluate(
  score: (i: number) => number,
  rows: readonly Row[],
  indices: readonly number[],
): RoutingMetrics {
  return routingMetrics(
    indices.map((i) => ({
      score: score(i),
      strong: rows[i]?.strong ?? 0,
      weak: rows[i]?.weak ?? 0,
    })),
  );
}

function main(): void {
  const args = process.argv.slice(2);
  const seeds = Number(args[args.indexOf('--seeds') + 1] ?? 5) || 5;
  const seedOffset = args.includes('--seed-offset')
    ? Number(args[args.indexOf('--seed-offset') + 1] ?? 0) || 0
    : 0;
  const useGroups = !args.includes('--no-groups');
  const subjectPriorOnly = useGroups && args.includes('--subject-prior-only');
  const artifactPath = args.includes('--artifact')
    ? args[args.indexOf('--artifact') + 1]
    : undefined;
  const rows = readRouteLlmMmlu(evalsDirectory);
  const encoder = process.argv.includes('--words-encoder')
    ? routingLexicalEncoder()
    : new LexicalEncoder({ dimensions: 256 });
  const descriptions = rows.map((r) =>
    describePrompt(encoder, { prompt: r.prompt, group: useGroups ? r.group : undefined }),
  );
  const pairRows: PairTrainingRow[] = rows.map((r, i) => ({
    description: descAt(descriptions, i),
    strong: r.strong,
    weak: r.weak,
  }));
  log(
    `rows ${rows.length}, strong ${(rows.reduce((a, r) => a + r.strong, 0) / rows.length).toFixed(4)}, weak ${(rows.reduce((a, r) => a + r.weak, 0) / rows.length).toFixed(4)}`,
  );
  const results: Record<string, RoutingMetrics[]> = {};
  const chosen: Record<string, string[]> = {};
  const record = (name: string, metrics: RoutingMetrics, choice?: string) => {
    (results[name] ??= []).push(metrics);
    if (choice !== undefined) (chosen[name] ??= []).push(choice);
  };
  for (let seed = seedOffset + 1; seed <= seedOffset + seeds; seed += 1) {
    const order = shuffled(
      rows.map((_, i) => i),
      createSeededRandom(seed),
    );
    const train = order.slice(0, trainSize);
    const test = order.slice(trainSize);
    const folds = kFolds(train.length, cvFolds, createSeededRandom(1000 + seed));
    const trainRows = train.map((i) => pairRowAt(pairRows, i));
    const fitOptions = {
      strongModel: routeLlmStrongModel,
      weakModel: routeLlmWeakModel,
      useGroups,
      seed,
    };
    const cvScore = crossValidatePairCandidates(
      subjectPriorOnly
        ? subjectPriorCandidates
        : useGroups
          ? [...defaultPairCandidates, ...subjectPriorCandidates]
          : defaultPairCandidates,
      trainRows,
      folds,
      encoder,
      fitOptions,
    );
    const testScores = new Map<string, Float64Array>();
    let overall: { name: string; cv: number } | undefined;
    for (const type of ['logistic', 'knn', 'mf', 'subject-prior'] as const) {
      const candidate = bestPairCandidate(cvScore, type);
      if (!candidate) continue;
      const trained = fitPairCandidate(candidate, trainRows, encoder, fitOptions);
      const score = scorerFor(trained.features, trained.model);
      const scores = new Float64Array(rows.length);
      for (const i of test) scores[i] = score(descAt(descriptions, i));
      testScores.set(type, scores);
      record(
        type,
        evaluate((i) => scores[i] ?? 0, rows, test),
        describePairCandidate(candidate),
      );
      const cv = cvScore.get(candidate) ?? 0;
      if (!overall || cv > overall.cv) overall = { name: type, cv };
      if (
        seed === seedOffset + 1 &&
        artifactPath !== undefined &&
        type === (useGroups ? 'subject-prior' : 'logistic')
      ) {
        const artifact = pairRouterArtifact(
          trained,
          encoder.id,
          trainRows,
          {
            dataset: 'RouteLLM MMLU (lm-sys/RouteLLM@0b64fda), decontaminated',
            rows: train.length,
            notes: `seed ${String(seed)}, ${describePairCandidate(candidate)}, groups ${String(useGroups)}`,
          },
          { strong: 'gpt-4-1106-preview', weak: 'mistralai/Mixtral-8x7B-Instruct-v0.1' },
        );
        writeFileSync(artifactPath, serialiseRouterArtifact(artifact));
      }
    }
    const selected = overall ? testScores.get(overall.name) : undefined;
    if (overall && selected && !subjectPriorOnly)
      record(
        'selected by CV',
        evaluate((i) => selected[i] ?? 0, rows, test),
        overall.name,
      );
    // Rank-average ensemble of logistic, kNN and MF (not the subject prior): different errors (global linear vs local neighbours).
    const ranks = [...testScores]
      .filter(([type]) => type !== 'subject-prior')
      .map(([, scores]) => {
        const sorted = test.map((i) => scores[i] ?? 0).sort((a, b) => a - b);
        return (i: number) => lowerBound(sorted, scores[i] ?? 0) / sorted.length;
      });
    if (ranks.length > 0)
      record(
        'ensemble (rank mean)',
        evaluate((i) => ranks.reduce((a, rank) => a + rank(i), 0), rows, test),
      );
    record(
      'prompt length',
      evaluate((i) => rows[i]?.prompt.length ?? 0, rows, test),
    );
    const random = createSeededRandom(5000 + seed);
    const runs = Array.from({ length: 10 }, () => {
      const draw = Float64Array.from(rows, () => random.next());
      return evaluate((i) => draw[i] ?? 0, rows, test);
    });
    record('random (10 runs)', {
      apgr: mean(runs.map((r) => r.apgr)),
      cpt50: mean(runs.map((r) => r.cpt50)),
      cpt80: mean(runs.map((r) => r.cpt80)),
    });
    log(
      `seed ${seed}: ${Object.entries(results)
        .map(([n, m]) => `${n} ${(m.at(-1)?.apgr ?? 0).toFixed(3)}`)
        .join(', ')}`,
    );
  }
  const summary = Object.fromEntries(
    Object.entries(results).map(([name, list]) => [
      name,
      {
        apgr: meanAndSd(list.map((m) => m.apgr)),
        cpt50: meanAndSd(list.map((m) => m.cpt50)),
        cpt80: meanAndSd(list.map((m) => m.cpt80)),
        chosen: chosen[name] ?? [],
      },
    ]),
  );
  out(
    JSON.stringify(
      {
        protocol: {
          trainSize,
          seeds,
          seedOffset,
          cvFolds,
          useGroups,
          encoder: encoder.id,
          testRows: rows.length - trainSize,
        },
        summary,
      },
      null,
      2,
    ),
  );
  out('\n| router | APGR | CPT(50%) | CPT(80%) |\n|---|---|---|---|');
  for (const [name, s] of Object.entries(summary)) {
    out(
      `| ${name} | ${formatMeanAndSd(s.apgr, 3)} | ${formatMeanAndSd(s.cpt50, 1)}% | ${formatMeanAndSd(s.cpt80, 1)}% |`,
    );
  }
}

/** Indexing that fails loudly: every index here comes from the data itself. */
function pairRowAt(list: readonly PairTrainingRow[], i: number): PairTrainingRow {
  const row = list[i];
  if (!row) throw new RangeError(`no row ${i}`);
  return row;
}
function descAt(list: readonly PromptDescription[], i: number): PromptDescription {
  const description = list[i];
  if (!description) throw new RangeError(`no description ${i}`);
  return description;
}
function log(line: string): void {
  process.stderr.write(`${line}\n`);
}
function out(line: string): void {
  process.stdout.write(`${line}\n`);
}

function lowerBound(sorted: readonly number[], value: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if ((sorted[mid] ?? 0) < value) low = mid + 1;
    else high = mid;
  }
  return low;
}
main();
