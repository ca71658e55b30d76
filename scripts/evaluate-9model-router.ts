// Held-out evaluation of N-model learned routing on LLMRouter's 9-model set
// (shared/data/routing/llmrouter-9model, the train split only; its README keeps the test split
// aside). Per seed: an 80/20 split stratified by task; on the 80%, k-fold CV over the learners
// (ridge regression, kNN, matrix factorisation) picks the router by its cross-validated average
// frontier quality, and the best kNN (k by the same CV) is the baseline; both are refitted on
// the 80% and swept over λ on the 20%. Reports mean ± sd over seeds of: the best single model,
// the oracle, and for each router the cost saving at 95% of the best single model's quality,
// the quality at the best single model's cost and the default-λ operating point.
//
//   ./node_modules/.bin/node scripts/evaluate-9model-router.ts [--seeds 5] [--folds 3] \
//     [--test-share 0.2] [--use-groups] [--words-encoder] [--json out.json]
//
// Costs are estimates (price × (prompt characters / 4 + 256 output tokens), see
// read-llmrouter-examples.ts). --use-groups adds the task as a one-hot feature (off: gateway
// traffic has no task label).
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createSeededRandom } from '../src/lib/random.ts';
import { routingLexicalEncoder } from '../src/pipeline/cache/semantic/lexical-encoder-for-id.ts';
import { LexicalEncoder } from '../src/pipeline/cache/semantic/lexical-encoder.ts';
import { readLlmRouterExamples } from '../src/routing/evaluation/datasets/read-llmrouter-examples.ts';
import { evaluateChoices } from '../src/routing/evaluation/model-cost-quality.ts';
import {
  evaluateMultiModelRouter,
  type MultiModelRouterMetrics,
} from '../src/routing/evaluation/multi-model-router-metrics.ts';
import { chooseByTradeoff, relativeCosts } from '../src/routing/evaluation/tradeoff-sweep.ts';
import { kFolds, stratifiedHoldOut } from '../src/routing/learned/k-fold.ts';
import {
  defaultMultiModelCandidates,
  describeMultiModelCandidate,
  fitMultiModelCandidate,
  type MultiModelCandidate,
} from '../src/routing/learned/multi-model-candidates.ts';
import { multiModelPredictor } from '../src/routing/learned/multi-model-router-artifact.ts';
import {
  crossValidatedPredictions,
  defaultTradeoffFor,
  meanModelCosts,
  selectMultiModelCandidate,
  trainingRowsOf,
} from '../src/routing/learned/train-multi-model-router.ts';

const { values } = parseArgs({
  options: {
    seeds: { type: 'string', default: '5' },
    folds: { type: 'string', default: '3' },
    'test-share': { type: 'string', default: '0.2' },
    'use-groups': { type: 'boolean', default: false },
    'words-encoder': { type: 'boolean', default: false },
    json: { type: 'string' },
    data: {
      type: 'string',
      default: fileURLToPath(
        new URL('../../shared/data/routing/llmrouter-9model/', import.meta.url),
      ),
    },
  },
});
const seeds = Number(values.seeds);
const folds = Number(values.folds);
const testShare = Number(values['test-share']);
const useGroups = values['use-groups'];

/** What one router reaches on one seed's held-out part. */
interface RouterFigures {
  readonly candidate: string;
  readonly costSavingAt95: number | undefined;
  readonly qualityAtBestSingleCost: number | undefined;
  readonly averageQuality: number;
  readonly defaultTradeoff: number;
  readonly defaultQuality: number;
  readonly defaultMeanCost: number;
}

interface SeedResult {
  readonly seed: number;
  readonly trainRows: number;
  readonly testRows: number;
  readonly bestSingle: { model: string; quality: number; meanCost: number };
  readonly oracle: { quality: number; meanCost: number };
  readonly zeroRouterCostSavingAt95: number | undefined;
  readonly routers: Record<string, RouterFigures>;
  readonly seconds: number;
}

const log = (line: string) => process.stderr.write(`${line}\n`);
const at = <T>(items: readonly T[], index: number): T => items[index] as T;

function main(): void {
  const started = performance.now();
  const examples = readLlmRouterExamples(values.data);
  const models = Object.keys(at(examples, 0).scores).sort();
  const encoder = values['words-encoder']
    ? routingLexicalEncoder()
    : new LexicalEncoder({ dimensions: 256 });
  const rows = trainingRowsOf(examples, models, encoder, useGroups);
  const groups = examples.map((example) => example.group ?? 'unknown');
  log(
    `${examples.length} examples, ${models.length} models, ${new Set(groups).size} tasks; encoded in ${seconds(started)} s`,
  );
  const results: SeedResult[] = [];
  for (let seed = 1; seed <= seeds; seed += 1) results.push(runSeed(seed));
  const summary = summarise(results);
  printTable(summary);
  const report = {
    protocol: `llmrouter-9model train split, ${String(seeds)} seeds of a ${String(Math.round((1 - testShare) * 100))}/${String(Math.round(testShare * 100))} split stratified by task, ${String(folds)}-fold CV on the train part${useGroups ? ', task as feature' : ''}`,
    candidates: defaultMultiModelCandidates.map(describeMultiModelCandidate),
    summary,
    seeds: results,
    seconds: Number(seconds(started)),
  };
  if (values.json !== undefined) writeFileSync(values.json, `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(`${JSON.stringify(report)}\n`);

  function runSeed(seed: number): SeedResult {
    const seedStart = performance.now();
    const split = stratifiedHoldOut(groups, testShare, createSeededRandom(seed));
    const trainRows = split.train.map((i) => at(rows, i));
    const trainExamples = split.train.map((i) => at(examples, i));
    const testRows = split.test.map((i) => at(rows, i));
    const testExamples = split.test.map((i) => at(examples, i));
    const fitOptions = { models, useGroups, seed };
    const predictions = crossValidatedPredictions(
      defaultMultiModelCandidates,
      trainRows,
      kFolds(trainRows.length, folds, createSeededRandom(1000 + seed)),
      encoder,
      fitOptions,
    );
    const picks: [string, MultiModelCandidate['type'] | undefined][] = [
      ['router', undefined],
      ['knn', 'knn'],
      ['ridge', 'ridge'],
      ['mf', 'mf'],
    ];
    const relative = relativeCosts(meanModelCosts(trainExamples, models));
    const routers: Record<string, RouterFigures> = {};
    let heldOut: MultiModelRouterMetrics | undefined;
    const heldOutPredictions = new Map<MultiModelCandidate, number[][]>();
    const predictHeldOut = (candidate: MultiModelCandidate) => {
      const trained = fitMultiModelCandidate(candidate, trainRows, encoder, fitOptions);
      const predict = multiModelPredictor(trained.features, models, trained.predictor);
      return testRows.map((row) => predict(row.description));
    };
    for (const [name, type] of picks) {
      const selection = selectMultiModelCandidate(predictions, trainExamples, models, type);
      const { chosen } = selection;
      const defaultTradeoff = defaultTradeoffFor(selection.chosenMetrics);
      // The overall pick is also the best of its type: refit each candidate once.
      const predicted = heldOutPredictions.get(chosen) ?? predictHeldOut(chosen);
      heldOutPredictions.set(chosen, predicted);
      heldOut = evaluateMultiModelRouter(testExamples, predicted, models, relative);
      const atDefault = evaluateChoices(
        testExamples,
        predicted.map((row) => at(models, chooseByTradeoff(row, relative, defaultTradeoff))),
      );
      routers[name] = {
        candidate: describeMultiModelCandidate(chosen),
        costSavingAt95: heldOut.costSavingAt95,
        qualityAtBestSingleCost: heldOut.qualityAtBestSingleCost,
        averageQuality: heldOut.averageQuality,
        defaultTradeoff,
        defaultQuality: atDefault.quality,
        defaultMeanCost: atDefault.meanCost,
      };
    }
    if (heldOut === undefined) throw new Error('no routers evaluated');
    const result: SeedResult = {
      seed,
      trainRows: trainRows.length,
      testRows: testRows.length,
      bestSingle: heldOut.bestSingle,
      oracle: heldOut.oracle,
      zeroRouterCostSavingAt95: heldOut.zeroRouterCostSavingAt95,
      routers,
      seconds: Number(seconds(seedStart)),
    };
    log(
      `seed ${String(seed)}: router ${routers.router?.candidate ?? ''}, knn ${routers.knn?.candidate ?? ''}; ${String(result.seconds)} s`,
    );
    return result;
  }
}

interface Spread {
  readonly mean: number;
  readonly sd: number;
  /** Seeds where the figure exists (a router may never reach 95% of the best model). */
  readonly n: number;
}

function spread(values: readonly (number | undefined)[]): Spread {
  const present = values.filter((value): value is number => value !== undefined);
  const n = present.length;
  const mean = present.reduce((a, b) => a + b, 0) / Math.max(1, n);
  const variance = present.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, n - 1);
  return { mean, sd: n > 1 ? Math.sqrt(variance) : 0, n };
}

function summarise(results: readonly SeedResult[]) {
  const routerNames = Object.keys(results[0]?.routers ?? {});
  const figuresOf = (name: string) =>
    results.flatMap((r) => {
      const figures = r.routers[name];
      return figures === undefined ? [] : [{ ...figures, bestCost: r.bestSingle.meanCost }];
    });
  return {
    bestSingle: {
      models: results.map((r) => r.bestSingle.model),
      quality: spread(results.map((r) => r.bestSingle.quality)),
      meanCost: spread(results.map((r) => r.bestSingle.meanCost)),
    },
    oracle: {
      quality: spread(results.map((r) => r.oracle.quality)),
      meanCost: spread(results.map((r) => r.oracle.meanCost)),
      costSaving: spread(results.map((r) => 1 - r.oracle.meanCost / r.bestSingle.meanCost)),
    },
    zeroRouterCostSavingAt95: spread(results.map((r) => r.zeroRouterCostSavingAt95)),
    routers: Object.fromEntries(
      routerNames.map((name) => {
        const figures = figuresOf(name);
        return [
          name,
          {
            candidates: figures.map((f) => f.candidate),
            costSavingAt95: spread(figures.map((f) => f.costSavingAt95)),
            qualityAtBestSingleCost: spread(figures.map((f) => f.qualityAtBestSingleCost)),
            averageQuality: spread(figures.map((f) => f.averageQuality)),
            defaultTradeoff: spread(figures.map((f) => f.defaultTradeoff)),
            defaultQuality: spread(figures.map((f) => f.defaultQuality)),
            defaultCostShare: spread(figures.map((f) => f.defaultMeanCost / f.bestCost)),
          },
        ];
      }),
    ),
  };
}

function printTable(summary: ReturnType<typeof summarise>): void {
  const pct = (s: Spread) =>
    `${(100 * s.mean).toFixed(1)} ± ${(100 * s.sd).toFixed(1)}%${s.n < seeds ? ` (${String(s.n)}/${String(seeds)} seeds)` : ''}`;
  const q = (s: Spread) => `${s.mean.toFixed(4)} ± ${s.sd.toFixed(4)}`;
  const usd = (s: Spread) =>
    `$${(s.mean * 1e6).toFixed(1)} ± ${(s.sd * 1e6).toFixed(1)} per 1M queries`;
  const lines = [
    `best single model (${[...new Set(summary.bestSingle.models)].join(', ')}): quality ${q(summary.bestSingle.quality)}, cost ${usd(summary.bestSingle.meanCost)}`,
    `oracle (cheapest best model): quality ${q(summary.oracle.quality)}, cost saving ${pct(summary.oracle.costSaving)}`,
    `zero router (mixing single models): cost saving at 95% of best ${pct(summary.zeroRouterCostSavingAt95)}`,
    '',
    '| router | chosen (per seed) | cost saving at 95% of best | quality at best single cost | avg frontier quality | default λ quality | default λ cost / best |',
    '|---|---|---|---|---|---|---|',
    ...Object.entries(summary.routers).map(
      ([name, r]) =>
        `| ${name} | ${[...new Set(r.candidates)].join('; ')} | ${pct(r.costSavingAt95)} | ${q(r.qualityAtBestSingleCost)} | ${q(r.averageQuality)} | ${q(r.defaultQuality)} | ${pct(r.defaultCostShare)} |`,
    ),
  ];
  log(lines.join('\n'));
}

function seconds(since: number): string {
  return ((performance.now() - since) / 1000).toFixed(1);
}

main();
