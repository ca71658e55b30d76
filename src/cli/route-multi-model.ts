import { evaluateChoices } from '../routing/evaluation/model-cost-quality.ts';
import { evaluateMultiModelRouter } from '../routing/evaluation/multi-model-router-metrics.ts';
import { chooseByTradeoff, relativeCosts } from '../routing/evaluation/tradeoff-sweep.ts';
import type { MultiModelRouterArtifact } from '../routing/learned/multi-model-router-artifact.ts';
import type { TextVectoriser, TradeoffRouter } from '../routing/learned/router.ts';
import type { MultiModelCandidate } from '../routing/learned/multi-model-candidates.ts';
import { trainMultiModelRouter } from '../routing/learned/train-multi-model-router.ts';
import { UsageError } from './cli-io.ts';
import {
  modelsIn,
  readRoutingExamples,
  readRoutingPrompts,
  requireScoresAndCosts,
} from './routing-data-jsonl.ts';

/** The N-model side of `signalbox route`: training, scoring with a trade-off, and the metrics. */

/** `--tradeoff λ`: a non-negative number, else the artifact's default. */
export function tradeoffFlag(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const tradeoff = Number(value);
  if (!Number.isFinite(tradeoff) || tradeoff < 0)
    throw new UsageError('--tradeoff must be a non-negative number');
  return tradeoff;
}

export function trainMultiModel(
  data: string,
  encoder: TextVectoriser,
  options: {
    readonly seed: number;
    readonly folds: number;
    readonly useGroups: boolean;
    readonly candidates?: readonly MultiModelCandidate[];
  },
): { artifact: MultiModelRouterArtifact; summary: Record<string, unknown> } {
  const numbered = readRoutingExamples(data);
  const models = modelsIn(numbered);
  if (models.length < 2) throw new UsageError(`${data}: N-model training needs at least 2 models`);
  const examples = requireScoresAndCosts(numbered, data, models);
  const { artifact, selection } = trainMultiModelRouter(examples, encoder, {
    ...options,
    models,
    dataset: data,
  });
  const summary = {
    examples: examples.length,
    models,
    chosen: artifact.selection.candidate,
    crossValidatedAverageQuality: artifact.selection.value,
    crossValidatedCostSavingAt95: selection.chosenMetrics.costSavingAt95 ?? null,
    defaultTradeoff: artifact.defaultTradeoff,
  };
  return { artifact, summary };
}

/** One `{"scores": {...}, "choice": "<model>"}` line per input prompt. */
export function scoreMultiModel(
  router: TradeoffRouter,
  input: string,
  tradeoff: number,
  print: (line: string) => void,
): void {
  for (const prompt of readRoutingPrompts(input))
    print(JSON.stringify(router.route(prompt, tradeoff)));
}

/** The router's λ sweep on labelled data against the best single model and the oracle. */
export function evaluateMultiModel(
  artifact: MultiModelRouterArtifact,
  router: TradeoffRouter,
  data: string,
  tradeoff: number,
): Record<string, unknown> {
  const { models } = artifact;
  const examples = requireScoresAndCosts(readRoutingExamples(data), data, models);
  const predicted = examples.map((example) => {
    const scores = router.scores(example);
    return models.map((model) => scores[model] ?? 0);
  });
  const relative = relativeCosts(artifact.costs);
  const metrics = evaluateMultiModelRouter(examples, predicted, models, relative);
  const atTradeoff = evaluateChoices(
    examples,
    predicted.map((row) => models[chooseByTradeoff(row, relative, tradeoff)] ?? ''),
  );
  return {
    examples: examples.length,
    models,
    router: artifact.selection.candidate,
    bestSingle: metrics.bestSingle,
    oracle: metrics.oracle,
    costSavingAt95: metrics.costSavingAt95 ?? null,
    zeroRouterCostSavingAt95: metrics.zeroRouterCostSavingAt95 ?? null,
    qualityAtBestSingleCost: metrics.qualityAtBestSingleCost ?? null,
    averageQuality: metrics.averageQuality,
    atTradeoff: { tradeoff, ...atTradeoff },
    singles: metrics.singles,
    curve: metrics.curve,
    frontier: metrics.frontier,
  };
}
