import { createSeededRandom } from '../../lib/random.ts';
import { bestSingleModel, singleModelPoints } from '../evaluation/model-cost-quality.ts';
import {
  evaluateMultiModelRouter,
  type MultiModelRouterMetrics,
} from '../evaluation/multi-model-router-metrics.ts';
import type { RoutingExample } from '../evaluation/routing-example.ts';
import { relativeCosts } from '../evaluation/tradeoff-sweep.ts';
import { describePrompt } from './feature-space.ts';
import { kFolds } from './k-fold.ts';
import {
  defaultMultiModelCandidates,
  describeMultiModelCandidate,
  fitMultiModelCandidate,
  type MultiModelCandidate,
  type MultiModelFitOptions,
  type MultiModelTrainingRow,
} from './multi-model-candidates.ts';
import {
  multiModelPredictor,
  multiModelRouterArtifactKind,
  multiModelRouterArtifactVersion,
  type MultiModelRouterArtifact,
} from './multi-model-router-artifact.ts';
import { meanOfNeighbours, nearestNeighbours } from './nearest-neighbours.ts';
import type { TextVectoriser } from './router.ts';
import { multiModelValidationCurve } from './validation-curves.ts';

/**
 * Training of an N-model router: k-fold cross-validation of every candidate, selection by the
 * cross-validated average quality of the λ-sweep frontier over the cost range from the cheapest
 * model to the best single model (RouterBench's AIQ: one number for the whole trade-off, defined
 * even where a router never reaches 95% of the best model), a refit on all examples and the
 * artifact. Shared by `signalbox route train` and scripts/evaluate-9model-router.ts.
 */
export const multiModelSelectionMetric =
  'cross-validated average quality of the lambda-sweep frontier, cheapest model to best single model cost';

export type MultiModelPredictions = number[][];

/** Each example's scores in `models` order; a missing score is an error. */
export function trainingRowsOf(
  examples: readonly RoutingExample[],
  models: readonly string[],
  encoder: TextVectoriser,
  useGroups: boolean,
): MultiModelTrainingRow[] {
  return examples.map((example, index) => ({
    description: describePrompt(encoder, {
      prompt: example.prompt,
      group: useGroups ? example.group : undefined,
    }),
    scores: models.map((model) => {
      const score = example.scores[model];
      if (score === undefined) throw new RangeError(`example ${index} has no score for ${model}`);
      return score;
    }),
  }));
}

/**
 * Out-of-fold predictions of every candidate (row order): fit on the other folds, predict the
 * held-out one. kNN candidates share one neighbour search per fold (at the largest k).
 */
export function crossValidatedPredictions(
  candidates: readonly MultiModelCandidate[],
  rows: readonly MultiModelTrainingRow[],
  folds: readonly (readonly number[])[],
  encoder: Pick<TextVectoriser, 'id' | 'dimensions'>,
  options: MultiModelFitOptions,
): Map<MultiModelCandidate, MultiModelPredictions> {
  const outOfFold = candidates.map(() => new Array<number[]>(rows.length));
  const largestK = Math.max(0, ...candidates.map((c) => (c.type === 'knn' ? c.k : 0)));
  for (const fold of folds) {
    const held = new Set(fold);
    const fitRows = rows.filter((_, position) => !held.has(position));
    const heldRows = rows.filter((_, position) => held.has(position));
    const fitVectors = fitRows.map((row) => row.description.encoded);
    const fitScores = fitRows.map((row) => row.scores);
    const neighbours =
      largestK > 0
        ? heldRows.map((row) => nearestNeighbours(fitVectors, row.description.encoded, largestK))
        : [];
    candidates.forEach((candidate, c) => {
      let predicted: number[][];
      if (candidate.type === 'knn') {
        predicted = neighbours.map((list) =>
          meanOfNeighbours(list, fitScores, candidate.k, options.models.length),
        );
      } else {
        const trained = fitMultiModelCandidate(candidate, fitRows, encoder, options);
        const predict = multiModelPredictor(trained.features, options.models, trained.predictor);
        predicted = heldRows.map((row) => predict(row.description));
      }
      // heldRows ascend by position, so the sorted fold pairs up with them.
      [...fold]
        .sort((a, b) => a - b)
        .forEach((position, i) => ((outOfFold[c] ?? [])[position] = predicted[i] ?? []));
    });
  }
  return new Map(candidates.map((candidate, c) => [candidate, outOfFold[c] ?? []]));
}

/** Each model's mean cost per query over the examples (every example must carry the cost). */
export function meanModelCosts(
  examples: readonly RoutingExample[],
  models: readonly string[],
): number[] {
  return singleModelPoints(examples, models).map((point) => point.meanCost);
}

export interface CandidateSelection {
  readonly chosen: MultiModelCandidate;
  /** The selection metric of each candidate. */
  readonly scores: ReadonlyMap<MultiModelCandidate, number>;
  readonly metrics: ReadonlyMap<MultiModelCandidate, MultiModelRouterMetrics>;
  /** The chosen candidate's cross-validated figures. */
  readonly chosenMetrics: MultiModelRouterMetrics;
}

/** Scores each candidate's out-of-fold predictions and picks the best (optionally of one type). */
export function selectMultiModelCandidate(
  predictions: ReadonlyMap<MultiModelCandidate, MultiModelPredictions>,
  examples: readonly RoutingExample[],
  models: readonly string[],
  type?: MultiModelCandidate['type'],
): CandidateSelection {
  const relative = relativeCosts(meanModelCosts(examples, models));
  const metrics = new Map<MultiModelCandidate, MultiModelRouterMetrics>();
  const scores = new Map<MultiModelCandidate, number>();
  let best: { candidate: MultiModelCandidate; metrics: MultiModelRouterMetrics } | undefined;
  for (const [candidate, predicted] of predictions) {
    if (type !== undefined && candidate.type !== type) continue;
    const result = evaluateMultiModelRouter(examples, predicted, models, relative);
    metrics.set(candidate, result);
    scores.set(candidate, result.averageQuality);
    if (best === undefined || result.averageQuality > best.metrics.averageQuality)
      best = { candidate, metrics: result };
  }
  if (best === undefined) throw new RangeError('no candidate models to select from');
  return { chosen: best.candidate, scores, metrics, chosenMetrics: best.metrics };
}

/**
 * The default λ: the largest swept λ whose (cross-validated) quality still reaches the best
 * single model's, i.e. the cheapest operating point that gives up nothing; 0 when none does.
 */
export function defaultTradeoffFor(metrics: MultiModelRouterMetrics): number {
  const target = bestSingleModel(metrics.singles).quality;
  return Math.max(
    0,
    ...metrics.curve.filter((point) => point.quality >= target).map((point) => point.tradeoff),
  );
}

export interface TrainMultiModelRouterOptions {
  readonly models: readonly string[];
  readonly useGroups: boolean;
  readonly seed: number;
  readonly folds?: number;
  readonly candidates?: readonly MultiModelCandidate[];
  readonly dataset: string;
}

export interface TrainedMultiModelRouter {
  readonly artifact: MultiModelRouterArtifact;
  readonly selection: CandidateSelection;
}

/**
 * Picks the best candidate by k-fold CV (folds seeded from `seed`) and refits it on all examples.
 * The artifact carries the chosen candidate's held-out λ sweep (its out-of-fold predictions).
 */
export function trainMultiModelRouter(
  examples: readonly RoutingExample[],
  encoder: TextVectoriser,
  options: TrainMultiModelRouterOptions,
): TrainedMultiModelRouter {
  const folds = options.folds ?? 5;
  if (examples.length < folds * 2) {
    throw new RangeError(`training needs at least ${folds * 2} examples for ${folds} folds`);
  }
  const { models } = options;
  const rows = trainingRowsOf(examples, models, encoder, options.useGroups);
  const foldPositions = kFolds(rows.length, folds, createSeededRandom(1000 + options.seed));
  const predictions = crossValidatedPredictions(
    options.candidates ?? defaultMultiModelCandidates,
    rows,
    foldPositions,
    encoder,
    options,
  );
  const selection = selectMultiModelCandidate(predictions, examples, models);
  const { chosen } = selection;
  const trained = fitMultiModelCandidate(chosen, rows, encoder, options);
  const description = describeMultiModelCandidate(chosen);
  const artifact: MultiModelRouterArtifact = {
    kind: multiModelRouterArtifactKind,
    version: multiModelRouterArtifactVersion,
    encoderId: encoder.id,
    models,
    costs: meanModelCosts(examples, models),
    defaultTradeoff: defaultTradeoffFor(selection.chosenMetrics),
    features: trained.features,
    predictor: trained.predictor,
    selection: {
      candidate: description,
      metric: multiModelSelectionMetric,
      value: selection.scores.get(chosen) ?? 0,
    },
    trainedOn: {
      dataset: options.dataset,
      rows: rows.length,
      notes: `${description}; ${String(folds)}-fold CV, seed ${String(options.seed)}${options.useGroups ? ', with groups' : ''}`,
    },
    validation: multiModelValidationCurve(selection.chosenMetrics, folds, rows.length),
  };
  return { artifact, selection };
}
