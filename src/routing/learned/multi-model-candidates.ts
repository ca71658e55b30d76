import { createSeededRandom } from '../../lib/random.ts';
import {
  fitFeatureConfig,
  featureRow,
  type FeatureConfig,
  type PromptDescription,
} from './feature-space.ts';
import { trainMf } from './matrix-factorisation.ts';
import type { MultiModelPredictorPart } from './multi-model-router-artifact.ts';
import { trainRidge } from './ridge-regression.ts';
import type { TextVectoriser } from './router.ts';

/**
 * The N-model learners and their hyper-parameter grid: ridge regression per model on the feature
 * row (one closed-form solve for all models), kNN (the plain mean score of the k most similar
 * training prompts, the literature's strong simple baseline) and matrix factorisation.
 */
export type MultiModelCandidate =
  | { readonly type: 'ridge'; readonly alpha: number }
  | { readonly type: 'knn'; readonly k: number }
  | { readonly type: 'mf'; readonly rank: number; readonly l2: number };

export const defaultMultiModelCandidates: readonly MultiModelCandidate[] = [
  ...[1e-3, 1e-2, 3e-2, 1e-1].map((alpha): MultiModelCandidate => ({ type: 'ridge', alpha })),
  ...[10, 25, 50, 100].map((k): MultiModelCandidate => ({ type: 'knn', k })),
  { type: 'mf', rank: 8, l2: 1e-3 },
];

/** One training prompt, described once, with every model's score in the router's model order. */
export interface MultiModelTrainingRow {
  readonly description: PromptDescription;
  readonly scores: readonly number[];
}

export interface MultiModelFitOptions {
  readonly models: readonly string[];
  readonly useGroups: boolean;
  /** Seeds matrix factorisation's initial weights. */
  readonly seed: number;
}

export interface TrainedMultiModel {
  readonly features: FeatureConfig;
  readonly predictor: MultiModelPredictorPart;
}

export function describeMultiModelCandidate(candidate: MultiModelCandidate): string {
  switch (candidate.type) {
    case 'ridge':
      return `ridge alpha=${candidate.alpha}`;
    case 'knn':
      return `knn k=${candidate.k}`;
    case 'mf':
      return `mf rank=${candidate.rank} l2=${candidate.l2}`;
  }
}

/** Fits one candidate on `rows` (feature standardisation included, from these rows only). */
export function fitMultiModelCandidate(
  candidate: MultiModelCandidate,
  rows: readonly MultiModelTrainingRow[],
  encoder: Pick<TextVectoriser, 'id' | 'dimensions'>,
  options: MultiModelFitOptions,
): TrainedMultiModel {
  const descriptions = rows.map((row) => row.description);
  const features = fitFeatureConfig(encoder, descriptions, {
    encoderWeight: 1,
    useHand: true,
    useGroups: options.useGroups,
  });
  const targets = rows.map((row) => row.scores);
  switch (candidate.type) {
    case 'knn':
      return {
        features,
        predictor: {
          type: 'knn',
          k: candidate.k,
          vectors: descriptions.map((d) => Array.from(d.encoded)),
          scores: targets,
        },
      };
    case 'ridge': {
      const matrix = descriptions.map((d) => featureRow(features, d));
      return {
        features,
        predictor: {
          type: 'ridge',
          alpha: candidate.alpha,
          ...trainRidge(matrix, targets, candidate.alpha),
        },
      };
    }
    case 'mf': {
      const matrix = descriptions.map((d) => featureRow(features, d));
      const { width, rank, projection, embeddings, biases } = trainMf(
        matrix,
        targets,
        options.models,
        { rank: candidate.rank, l2: candidate.l2, iterations: 200 },
        createSeededRandom(options.seed),
      );
      const predictor = {
        type: 'mf',
        l2: candidate.l2,
        width,
        rank,
        projection,
        embeddings,
        biases,
      } as const;
      return { features, predictor };
    }
  }
}
