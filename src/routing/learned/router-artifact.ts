import { z } from 'zod';
import { isJsonObject, safeParseJson } from '../../lib/json.ts';
import { describePrompt, featureRow, type FeatureConfig } from './feature-space.ts';
import { featureConfigSchema, numbers } from './feature-config-schema.ts';
import { knnScore } from './knn.ts';
import { logisticLogit } from './logistic-regression.ts';
import { mfLogits } from './matrix-factorisation.ts';
import { pairValidationSchema } from './router-validation.ts';
import {
  multiModelRouterArtifactKind,
  multiModelRouterFromArtifact,
  validateMultiModelRouterArtifact,
  type MultiModelRouterArtifact,
} from './multi-model-router-artifact.ts';
import type { RouterInput, StrongWeakRouter, TextVectoriser, TradeoffRouter } from './router.ts';

/**
 * The on-disk form of a trained strong/weak router. Versioned: a loader refuses versions it does
 * not know instead of guessing. It names the encoder (a router trained on one encoder's vectors
 * is meaningless on another's), the feature config, the weights, the calibration quantiles,
 * what it was trained on and, optionally, its held-out quality curve (`validation`).
 */
export const routerArtifactKind = 'signalbox.learned-router';
export const routerArtifactVersion = 1;

/** What the target of training was (RouteLLM uses strong-better). */
export const labelKinds = ['strong-better', 'weak-wrong', 'gain'] as const;
export type LabelKind = (typeof labelKinds)[number];

const modelSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('logistic'), weights: numbers, bias: z.number() }),
  z.object({
    type: z.literal('knn'),
    k: z.number().int().positive(),
    priorStrength: z.number().nonnegative(),
    useGroupPrior: z.boolean(),
    vectors: z.array(numbers).readonly(),
    labels: numbers,
    globalRate: z.number(),
    groupRates: z.record(z.string(), z.number()),
  }),
  z.object({
    type: z.literal('mf'),
    models: z.array(z.string()).min(2).readonly(),
    strongModel: z.string(),
    weakModel: z.string(),
    width: z.number().int().positive(),
    rank: z.number().int().positive(),
    projection: numbers,
    embeddings: numbers,
    biases: numbers,
  }),
]);
export const routerArtifactSchema = z.object({
  kind: z.literal(routerArtifactKind),
  version: z.literal(routerArtifactVersion),
  encoderId: z.string(),
  label: z.enum(labelKinds),
  features: featureConfigSchema,
  model: modelSchema,
  calibration: z.object({
    quantiles: z.array(z.number()).length(101).readonly(),
    sampleCount: z.number().int().nonnegative(),
  }),
  trainedOn: z.object({
    dataset: z.string(),
    rows: z.number().int().nonnegative(),
    notes: z.string(),
  }),
  /** The two models the router chooses between (the score is the strong model's benefit). */
  models: z.object({ strong: z.string().min(1), weak: z.string().min(1) }).optional(),
  /** Held-out quality against strong-call share (router-validation.ts); absent in older artifacts. */
  validation: pairValidationSchema.optional(),
});
export type RouterArtifact = z.infer<typeof routerArtifactSchema>;
export type RouterModelPart = z.infer<typeof modelSchema>;

export function serialiseRouterArtifact(artifact: RouterArtifact): string {
  return `${JSON.stringify(routerArtifactSchema.parse(artifact))}\n`;
}

export type ArtifactLoad =
  | { readonly ok: true; readonly artifact: RouterArtifact }
  | { readonly ok: false; readonly message: string };

export function parseRouterArtifact(text: string): ArtifactLoad {
  const json = safeParseJson(text);
  if (!json.ok) return { ok: false, message: `router artifact: ${json.message}` };
  return validateRouterArtifact(json.value);
}

/** Schema and shape checks of an already parsed strong/weak artifact. */
function validateRouterArtifact(value: unknown): ArtifactLoad {
  const parsed = routerArtifactSchema.safeParse(value);
  if (!parsed.success) return { ok: false, message: `router artifact: ${parsed.error.message}` };
  const { artifact, problem } = { artifact: parsed.data, problem: shapeProblem(parsed.data) };
  return problem === undefined
    ? { ok: true, artifact }
    : { ok: false, message: `router artifact: ${problem}` };
}

/** Checks the schema cannot express: lengths that must agree with the feature config. */
function shapeProblem(artifact: RouterArtifact): string | undefined {
  const f = artifact.features;
  if (f.encoderId !== artifact.encoderId) return 'encoder id differs from the feature config';
  if (f.handMeans.length !== f.handScales.length) return 'hand feature statistics differ in length';
  const width =
    (f.encoderWeight > 0 ? f.encoderDimensions : 0) +
    (f.useHand ? f.handMeans.length : 0) +
    f.groups.length;
  const model = artifact.model;
  if (model.type === 'logistic' && model.weights.length !== width)
    return 'weights do not match the feature width';
  if (model.type === 'knn') {
    if (model.vectors.length !== model.labels.length)
      return 'knn vectors and labels differ in count';
    if (model.vectors.some((vector) => vector.length !== f.encoderDimensions))
      return 'knn vector of the wrong size';
  }
  if (model.type === 'mf') {
    if (model.width !== width || model.projection.length !== model.rank * width)
      return 'mf projection does not match';
    if (
      model.embeddings.length !== model.models.length * model.rank ||
      model.biases.length !== model.models.length
    ) {
      return 'mf embeddings do not match the models';
    }
    if (!model.models.includes(model.strongModel) || !model.models.includes(model.weakModel))
      return 'mf strong/weak model unknown';
  }
  return undefined;
}

/** Turns a model part into a scorer over prompt descriptions (shared by training code and loading). */
export function scorerFor(
  features: FeatureConfig,
  model: RouterModelPart,
): (description: Parameters<typeof featureRow>[1]) => number {
  switch (model.type) {
    case 'logistic':
      return (description) => logisticLogit(model, featureRow(features, description));
    case 'knn': {
      const knn = {
        options: {
          k: model.k,
          priorStrength: model.priorStrength,
          useGroupPrior: model.useGroupPrior,
        },
        vectors: model.vectors.map((vector) => Float32Array.from(vector)),
        labels: model.labels,
        globalRate: model.globalRate,
        groupRates: model.groupRates,
      };
      return (description) => knnScore(knn, description.encoded, description.group);
    }
    case 'mf': {
      const strong = model.models.indexOf(model.strongModel);
      const weak = model.models.indexOf(model.weakModel);
      return (description) => {
        const logits = mfLogits(model, featureRow(features, description));
        return (logits[strong] ?? 0) - (logits[weak] ?? 0);
      };
    }
  }
}

/** Either kind of router artifact: strong/weak (this file) or N-model (multi-model-router-artifact.ts). */
export type AnyRouterArtifact = RouterArtifact | MultiModelRouterArtifact;

export type AnyArtifactLoad =
  | { readonly ok: true; readonly artifact: AnyRouterArtifact }
  | { readonly ok: false; readonly message: string };

/** Loads either kind, told apart by `kind`; the strong/weak format is read exactly as before. */
export function parseAnyRouterArtifact(text: string): AnyArtifactLoad {
  const json = safeParseJson(text);
  if (!json.ok) return { ok: false, message: `router artifact: ${json.message}` };
  const value = json.value;
  return isJsonObject(value) && value.kind === multiModelRouterArtifactKind
    ? validateMultiModelRouterArtifact(value)
    : validateRouterArtifact(value);
}

export function isMultiModelRouterArtifact(
  artifact: AnyRouterArtifact,
): artifact is MultiModelRouterArtifact {
  return artifact.kind === multiModelRouterArtifactKind;
}

/**
 * A ready router from a loaded artifact: a strong/weak router for a pair artifact, an N-model
 * router for an N-model one. Refuses an encoder other than the one it was trained with.
 */
export function routerFromArtifact(
  artifact: RouterArtifact,
  encoder: TextVectoriser,
): StrongWeakRouter;
export function routerFromArtifact(
  artifact: MultiModelRouterArtifact,
  encoder: TextVectoriser,
): TradeoffRouter;
export function routerFromArtifact(
  artifact: AnyRouterArtifact,
  encoder: TextVectoriser,
): StrongWeakRouter | TradeoffRouter;
export function routerFromArtifact(
  artifact: AnyRouterArtifact,
  encoder: TextVectoriser,
): StrongWeakRouter | TradeoffRouter {
  if (isMultiModelRouterArtifact(artifact)) return multiModelRouterFromArtifact(artifact, encoder);
  if (encoder.id !== artifact.encoderId) {
    throw new Error(`router artifact wants encoder ${artifact.encoderId}, got ${encoder.id}`);
  }
  const score = scorerFor(artifact.features, artifact.model);
  return { score: (input: RouterInput) => score(describePrompt(encoder, input)) };
}
