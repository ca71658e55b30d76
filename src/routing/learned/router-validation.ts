import { z } from 'zod';

/**
 * The optional `validation` section of a router artifact: the router's held-out quality against
 * cost, measured at training time on the out-of-fold predictions of the candidate that
 * cross-validation chose (each training row scored by a model fitted without it). It is part of
 * artifact format version 1: an artifact without it is as valid as before, and a reader that
 * predates it ignores the key (the loaders strip keys they do not know). Every curve holds at most
 * {@link maxValidationPoints} points, so the section stays a few kilobytes.
 *
 * Qualities are the data set's own scores (0..1: correctness, or a judge score scaled to 0..1);
 * shares are fractions (0..1); costs are USD per query.
 */
export const maxValidationPoints = 25;

const quality = z.number();
const share = z.number().min(0).max(1);
const count = z.number().int().positive();

/** One operating point of a strong/weak router: strong-call share, mean quality, PGR. */
const sharePointSchema = z.object({
  strongShare: share,
  quality,
  /** Performance gap recovered: `(quality − weakQuality) / (strongQuality − weakQuality)`. */
  pgr: z.number(),
});

/** RouteLLM's summary figures of a curve (shares 0..1, not percentages). */
const pairFigures = {
  apgr: z.number(),
  cpt50: share,
  cpt80: share,
};

export const pairValidationSchema = z.object({
  method: z.literal('out-of-fold'),
  folds: count,
  rows: count,
  /** Quality of always choosing the weak / the strong model on the same rows. */
  weakQuality: quality,
  strongQuality: quality,
  /**
   * The router's operating points at strong-call shares 0%, 5%, …, 100% (thresholds at the 20
   * quantile cut points of the scores, RouteLLM's rule), ascending by share. Each fold's held-out
   * scores are ranked within the fold first, so a cut point is "the same share of each fold", as
   * a deployed router's calibrated threshold is a share of its own scores.
   */
  points: z.array(sharePointSchema).min(2).max(maxValidationPoints).readonly(),
  ...pairFigures,
  /** The random router on the same rows and cut points: mean over `runs` seeded runs. */
  random: z.object({
    runs: count,
    points: z.array(sharePointSchema).min(2).max(maxValidationPoints).readonly(),
    ...pairFigures,
  }),
});
export type PairValidation = z.infer<typeof pairValidationSchema>;
export type PairValidationPoint = z.infer<typeof sharePointSchema>;

const costPointSchema = z.object({ quality, meanCost: z.number().nonnegative() });

export const multiModelValidationSchema = z.object({
  method: z.literal('out-of-fold'),
  folds: count,
  rows: count,
  /**
   * The router's operating points over the trade-off λ of `argmax quality − λ·cost / max cost`,
   * ascending by λ; repeated (quality, cost) points are dropped before thinning to the limit.
   */
  points: z
    .array(costPointSchema.extend({ tradeoff: z.number().nonnegative() }))
    .min(1)
    .max(maxValidationPoints)
    .readonly(),
  /** Each model alone, in the artifact's `models` order. */
  singles: z.array(costPointSchema.extend({ model: z.string().min(1) })).readonly(),
  /** The best single model's name (highest quality, cheaper on a tie). */
  bestSingle: z.string().min(1),
  /** Perfect foresight: per row the cheapest model among those scoring highest. */
  oracle: costPointSchema,
  /**
   * The baseline that reads no prompt (RouterBench's zero router): the upper convex hull of the
   * single models, reachable by sending random shares of traffic to two neighbouring models.
   */
  zeroRouter: z.array(costPointSchema).min(1).readonly(),
  /** Mean frontier quality from the cheapest model's cost to the best single's (the selection metric). */
  averageQuality: quality,
  /** `1 − cost / best single's cost` at 95% of its quality; null when the curve never gets there. */
  costSavingAt95: z.number().nullable(),
  /** The router's quality at the best single model's cost; null when the curve starts above it. */
  qualityAtBestSingleCost: quality.nullable(),
});
export type MultiModelValidation = z.infer<typeof multiModelValidationSchema>;

/** Either kind, as a runtime and the admin API carry it. */
export type RouterValidation =
  | ({ readonly kind: 'pair' } & PairValidation)
  | ({ readonly kind: 'multi-model' } & MultiModelValidation);
