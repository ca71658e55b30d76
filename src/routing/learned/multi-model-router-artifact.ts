import { z } from 'zod';
import { safeParseJson } from '../../lib/json.ts';
import { chooseByTradeoff, relativeCosts } from '../evaluation/tradeoff-sweep.ts';
import { checkedFeatureWidth, featureConfigSchema, numbers } from './feature-config-schema.ts';
import {
  describePrompt,
  featureRow,
  type FeatureConfig,
  type PromptDescription,
} from './feature-space.ts';
import { sigmoid } from './logistic-regression.ts';
import { mfLogits } from './matrix-factorisation.ts';
import { meanOfNeighbours, nearestNeighbours } from './nearest-neighbours.ts';
import { ridgePredict } from './ridge-regression.ts';
import type { RouterInput, TextVectoriser, TradeoffRouter } from './router.ts';
import { multiModelValidationSchema } from './router-validation.ts';

/**
 * The on-disk form of a trained N-model router: its own kind next to the strong/weak artifact
 * (router-artifact.ts), versioned the same way. It holds the model list, each model's mean cost
 * per query (the trade-off's costs), the default λ, the encoder id, the feature config and one of
 * three quality predictors, each giving a predicted quality per model in `models` order.
 */
export const multiModelRouterArtifactKind = 'signalbox.learned-multi-model-router';
export const multiModelRouterArtifactVersion = 1;

const predictorSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('ridge'),
    alpha: z.number().positive(),
    weights: z.array(numbers).readonly(),
    biases: numbers,
  }),
  z.object({
    type: z.literal('knn'),
    k: z.number().int().positive(),
    vectors: z.array(numbers).readonly(),
    /** scores[r][m]: training prompt r's score for models[m]. */
    scores: z.array(numbers).readonly(),
  }),
  z.object({
    type: z.literal('mf'),
    l2: z.number().nonnegative(),
    width: z.number().int().positive(),
    rank: z.number().int().positive(),
    projection: numbers,
    embeddings: numbers,
    biases: numbers,
  }),
]);

export const multiModelRouterArtifactSchema = z.object({
  kind: z.literal(multiModelRouterArtifactKind),
  version: z.literal(multiModelRouterArtifactVersion),
  encoderId: z.string(),
  models: z.array(z.string().min(1)).min(2).readonly(),
  /** Mean USD per query of each model on the training data, `models` order. */
  costs: z.array(z.number().nonnegative()).readonly(),
  /** λ of `argmax quality − λ·cost / max cost` when the caller names none. */
  defaultTradeoff: z.number().nonnegative(),
  features: featureConfigSchema,
  predictor: predictorSchema,
  selection: z.object({
    candidate: z.string(),
    metric: z.string(),
    value: z.number(),
  }),
  trainedOn: z.object({
    dataset: z.string(),
    rows: z.number().int().nonnegative(),
    notes: z.string(),
  }),
  /** Held-out quality against cost over λ (router-validation.ts); absent in older artifacts. */
  validation: multiModelValidationSchema.optional(),
});
export type MultiModelRouterArtifact = z.infer<typeof multiModelRouterArtifactSchema>;
export type MultiModelPredictorPart = z.infer<typeof predictorSchema>;

export function serialiseMultiModelRouterArtifact(artifact: MultiModelRouterArtifact): string {
  return `${JSON.stringify(multiModelRouterArtifactSchema.parse(artifact))}\n`;
}

export type MultiModelArtifactLoad =
  | { readonly ok: true; readonly artifact: MultiModelRouterArtifact }
  | { readonly ok: false; readonly message: string };

export function parseMultiModelRouterArtifact(text: string): MultiModelArtifactLoad {
  const json = safeParseJson(text);
  if (!json.ok) return { ok: false, message: `router artifact: ${json.message}` };
  return validateMultiModelRouterArtifact(json.value);
}

/** Schema and shape checks of an already parsed JSON value. */
export function validateMultiModelRouterArtifact(value: unknown): MultiModelArtifactLoad {
  const parsed = multiModelRouterArtifactSchema.safeParse(value);
  if (!parsed.success) return { ok: false, message: `router artifact: ${parsed.error.message}` };
  const problem = shapeProblem(parsed.data);
  return problem === undefined
    ? { ok: true, artifact: parsed.data }
    : { ok: false, message: `router artifact: ${problem}` };
}

/** Lengths the schema cannot relate: to the model count and the feature width. */
function shapeProblem(artifact: MultiModelRouterArtifact): string | undefined {
  const count = artifact.models.length;
  if (new Set(artifact.models).size !== count) return 'model names repeat';
  if (artifact.costs.length !== count) return 'costs do not match the models';
  const singles = artifact.validation?.singles.map((single) => single.model);
  if (singles !== undefined && singles.join('\n') !== artifact.models.join('\n'))
    return 'validation models differ from the models';
  if (artifact.features.encoderId !== artifact.encoderId)
    return 'encoder id differs from the feature config';
  const width = checkedFeatureWidth(artifact.features);
  if (typeof width === 'string') return width;
  const p = artifact.predictor;
  if (p.type === 'ridge') {
    if (p.weights.length !== count || p.biases.length !== count)
      return 'ridge outputs do not match the models';
    if (p.weights.some((w) => w.length !== width)) return 'ridge weights do not match the width';
  }
  if (p.type === 'knn') {
    if (p.vectors.length !== p.scores.length) return 'knn vectors and scores differ in count';
    if (p.vectors.some((v) => v.length !== artifact.features.encoderDimensions))
      return 'knn vector of the wrong size';
    if (p.scores.some((s) => s.length !== count)) return 'knn scores do not match the models';
  }
  if (p.type === 'mf') {
    if (p.width !== width || p.projection.length !== p.rank * width)
      return 'mf projection does not match';
    if (p.embeddings.length !== count * p.rank || p.biases.length !== count)
      return 'mf embeddings do not match the models';
  }
  return undefined;
}

/** Predicted quality per model (`models` order) of a prompt description. */
export function multiModelPredictor(
  features: FeatureConfig,
  models: readonly string[],
  predictor: MultiModelPredictorPart,
): (description: PromptDescription) => number[] {
  switch (predictor.type) {
    case 'ridge':
      return (description) => ridgePredict(predictor, featureRow(features, description));
    case 'knn': {
      const vectors = predictor.vectors.map((vector) => Float32Array.from(vector));
      return (description) =>
        meanOfNeighbours(
          nearestNeighbours(vectors, description.encoded, predictor.k),
          predictor.scores,
          predictor.k,
          models.length,
        );
    }
    case 'mf': {
      const mf = { ...predictor, models };
      return (description) => mfLogits(mf, featureRow(features, description)).map(sigmoid);
    }
  }
}

/** A ready N-model router; refuses an encoder other than the one it was trained with. */
export function multiModelRouterFromArtifact(
  artifact: MultiModelRouterArtifact,
  encoder: TextVectoriser,
): TradeoffRouter {
  if (encoder.id !== artifact.encoderId) {
    throw new Error(`router artifact wants encoder ${artifact.encoderId}, got ${encoder.id}`);
  }
  const predict = multiModelPredictor(artifact.features, artifact.models, artifact.predictor);
  const relative = relativeCosts(artifact.costs);
  const { models } = artifact;
  const scores = (input: RouterInput) => {
    const predicted = predict(describePrompt(encoder, input));
    return Object.fromEntries(models.map((model, m) => [model, predicted[m] ?? 0]));
  };
  return {
    models,
    costs: Object.fromEntries(models.map((model, m) => [model, artifact.costs[m] ?? 0])),
    defaultTradeoff: artifact.defaultTradeoff,
    scores,
    route(input, tradeoff = artifact.defaultTradeoff) {
      const predicted = scores(input);
      const row = models.map((model) => predicted[model] ?? 0);
      return { scores: predicted, choice: models[chooseByTradeoff(row, relative, tradeoff)] ?? '' };
    },
  };
}
