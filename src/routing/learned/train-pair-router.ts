import { createSeededRandom } from '../../lib/random.ts';
import { calibrate } from './calibration.ts';
import {
  describePrompt,
  fitFeatureConfig,
  featureRow,
  type FeatureConfig,
  type PromptDescription,
} from './feature-space.ts';
import { kFolds } from './k-fold.ts';
import { trainKnn } from './knn.ts';
import { trainLogistic } from './logistic-regression.ts';
import { trainMf } from './matrix-factorisation.ts';
import { fitSubjectPrior } from './fit-subject-prior.ts';
import type { TextVectoriser } from './router.ts';
import {
  routerArtifactKind,
  routerArtifactVersion,
  scorerFor,
  type LabelKind,
  type RouterArtifact,
  type RouterModelPart,
} from './router-artifact.ts';
import { routingMetrics } from './routellm-metrics.ts';
import type { PairValidation } from './router-validation.ts';
import { pairValidationCurve } from './validation-curves.ts';

/**
 * Training of a strong/weak router (issue 8): k-fold selection among logistic regression, kNN and
 * matrix factorisation, calibration on the training scores, and the artifact. Shared by
 * `signalbox route train` and scripts/train-routellm-mmlu.ts. The encoder is injected.
 */

/** One training prompt, described once, with both models' outcomes (0..1). */
export interface PairTrainingRow {
  readonly description: PromptDescription;
  readonly strong: number;
  readonly weak: number;
}

export type PairCandidate =
  | { readonly type: 'logistic'; readonly label: LabelKind; readonly l2: number }
  | {
      readonly type: 'knn';
      readonly label: LabelKind;
      readonly k: number;
      readonly priorStrength: number;
    }
  | { readonly type: 'mf'; readonly rank: number; readonly l2: number }
  | {
      /**
       * Subject prior + within-subject text model: the empirical-Bayes shrunk mean gain of the
       * prompt's group plus `lambda` times a group-free logistic (gain label), both z-scored on the
       * training rows. Folded into a plain logistic artifact (group one-hot weights carry the prior).
       * Needs groups; without them it is the group-free logistic.
       */
      readonly type: 'subject-prior';
      readonly l2: number;
      readonly lambda: number;
    };

/** The grid of scripts/train-routellm-mmlu.ts. */
export const defaultPairCandidates: readonly PairCandidate[] = [
  ...(['strong-better', 'weak-wrong', 'gain'] as const).flatMap((label) =>
    [3e-3, 3e-2].map((l2): PairCandidate => ({ type: 'logistic', label, l2 })),
  ),
  ...(['weak-wrong', 'gain'] as const).flatMap((label) =>
    [20, 60].flatMap((k) =>
      [2, 8].map((priorStrength): PairCandidate => ({ type: 'knn', label, k, priorStrength })),
    ),
  ),
  ...[3e-3, 3e-2].map((l2): PairCandidate => ({ type: 'mf', rank: 8, l2 })),
];

/** The subject-prior grid (fixed a priori; λ picked by CV). Only useful with groups. */
export const subjectPriorCandidates: readonly PairCandidate[] = [0, 0.2, 0.35, 0.5, 1].map(
  (lambda): PairCandidate => ({ type: 'subject-prior', l2: 3e-2, lambda }),
);

export interface PairFitOptions {
  readonly strongModel: string;
  readonly weakModel: string;
  readonly useGroups: boolean;
  /** Seeds matrix factorisation's initial weights. */
  readonly seed: number;
}

export interface TrainedPairModel {
  readonly features: FeatureConfig;
  readonly model: RouterModelPart;
  readonly label: LabelKind;
}

export function pairLabel(kind: LabelKind, row: Pick<PairTrainingRow, 'strong' | 'weak'>): number {
  if (kind === 'strong-better') return row.strong === 1 && row.weak === 0 ? 1 : 0;
  if (kind === 'weak-wrong') return 1 - row.weak;
  return (row.strong - row.weak + 1) / 2;
}

export function describePairCandidate(candidate: PairCandidate): string {
  if (candidate.type === 'subject-prior')
    return `subject-prior l2=${candidate.l2} lambda=${candidate.lambda}`;
  return candidate.type === 'mf'
    ? `mf rank=${candidate.rank} l2=${candidate.l2}`
    : candidate.type === 'knn'
      ? `knn ${candidate.label} k=${candidate.k} prior=${candidate.priorStrength}`
      : `logistic ${candidate.label} l2=${candidate.l2}`;
}

/** Fits one candidate on `rows` (feature standardisation included, from these rows only). */
export function fitPairCandidate(
  candidate: PairCandidate,
  rows: readonly PairTrainingRow[],
  encoder: Pick<TextVectoriser, 'id' | 'dimensions'>,
  options: PairFitOptions,
): TrainedPairModel {
  const descriptions = rows.map((row) => row.description);
  const features = fitFeatureConfig(encoder, descriptions, {
    encoderWeight: 1,
    useHand: true,
    useGroups: options.useGroups,
  });
  const matrix = () => descriptions.map((d) => featureRow(features, d));
  if (candidate.type === 'subject-prior') {
    return {
      features,
      label: 'gain',
      model: fitSubjectPrior(candidate, rows, features),
    };
  }
  if (candidate.type === 'logistic') {
    const model = trainLogistic(
      matrix(),
      rows.map((r) => pairLabel(candidate.label, r)),
      { l2: candidate.l2, iterations: 250 },
    );
    return { features, label: candidate.label, model: { type: 'logistic', ...model } };
  }
  if (candidate.type === 'knn') {
    const knn = trainKnn(
      descriptions.map((d) => d.encoded),
      rows.map((r) => pairLabel(candidate.label, r)),
      descriptions.map((d) => d.group),
      { k: candidate.k, priorStrength: candidate.priorStrength, useGroupPrior: options.useGroups },
    );
    return {
      features,
      label: candidate.label,
      model: {
        type: 'knn',
        k: candidate.k,
        priorStrength: candidate.priorStrength,
        useGroupPrior: options.useGroups,
        vectors: knn.vectors.map((v) => Array.from(v)),
        labels: [...knn.labels],
        globalRate: knn.globalRate,
        groupRates: knn.groupRates,
      },
    };
  }
  const models = [options.strongModel, options.weakModel];
  const mf = trainMf(
    matrix(),
    rows.map((r) => [r.strong, r.weak]),
    models,
    { rank: candidate.rank, l2: candidate.l2, iterations: 200 },
    createSeededRandom(options.seed),
  );
  return {
    features,
    label: 'gain',
    model: {
      type: 'mf',
      ...mf,
      models,
      strongModel: options.strongModel,
      weakModel: options.weakModel,
    },
  };
}

/** What k-fold cross-validation of the candidates gives. */
export interface PairCrossValidation {
  /** Each candidate's mean validation APGR over the folds. */
  readonly apgr: Map<PairCandidate, number>;
  /** Each candidate's out-of-fold scores in row order: each row scored by the fold model without it. */
  readonly outOfFold: Map<PairCandidate, number[]>;
}

/**
 * Cross-validation of each candidate over `folds` (positions into `rows`): fit on the other
 * folds, score the held-out one, keep its APGR and its scores.
 */
export function crossValidatePairScores(
  candidates: readonly PairCandidate[],
  rows: readonly PairTrainingRow[],
  folds: readonly (readonly number[])[],
  encoder: Pick<TextVectoriser, 'id' | 'dimensions'>,
  options: PairFitOptions,
): PairCrossValidation {
  const apgr = new Map<PairCandidate, number>();
  const outOfFold = new Map<PairCandidate, number[]>();
  for (const candidate of candidates) {
    let total = 0;
    const scores = new Array<number>(rows.length).fill(0);
    for (const fold of folds) {
      const held = new Set(fold);
      const fitRows = rows.filter((_, position) => !held.has(position));
      const trained = fitPairCandidate(candidate, fitRows, encoder, options);
      const score = scorerFor(trained.features, trained.model);
      const outcomes = fold.map((position) => {
        const row = rowAt(rows, position);
        const value = score(row.description);
        scores[position] = value;
        return { score: value, strong: row.strong, weak: row.weak };
      });
      total += routingMetrics(outcomes).apgr / folds.length;
    }
    apgr.set(candidate, total);
    outOfFold.set(candidate, scores);
  }
  return { apgr, outOfFold };
}

/** Mean validation APGR of each candidate over `folds` (see {@link crossValidatePairScores}). */
export function crossValidatePairCandidates(
  candidates: readonly PairCandidate[],
  rows: readonly PairTrainingRow[],
  folds: readonly (readonly number[])[],
  encoder: Pick<TextVectoriser, 'id' | 'dimensions'>,
  options: PairFitOptions,
): Map<PairCandidate, number> {
  return crossValidatePairScores(candidates, rows, folds, encoder, options).apgr;
}

/** The candidate of `type` (or of any type) with the best cross-validated APGR. */
export function bestPairCandidate(
  cvScore: ReadonlyMap<PairCandidate, number>,
  type?: PairCandidate['type'],
): PairCandidate | undefined {
  return [...cvScore]
    .filter(([candidate]) => type === undefined || candidate.type === type)
    .sort((a, b) => b[1] - a[1])[0]?.[0];
}

/**
 * The artifact of a trained model, calibrated on the scores of `calibrationRows`, with its
 * held-out quality curve when one is given.
 */
export function pairRouterArtifact(
  trained: TrainedPairModel,
  encoderId: string,
  calibrationRows: readonly PairTrainingRow[],
  trainedOn: RouterArtifact['trainedOn'],
  models?: RouterArtifact['models'],
  validation?: PairValidation,
): RouterArtifact {
  const score = scorerFor(trained.features, trained.model);
  return {
    kind: routerArtifactKind,
    version: routerArtifactVersion,
    encoderId,
    label: trained.label,
    features: trained.features,
    model: trained.model,
    calibration: calibrate(calibrationRows.map((row) => score(row.description))),
    trainedOn,
    ...(models === undefined ? {} : { models }),
    ...(validation === undefined ? {} : { validation }),
  };
}

/** One prompt of a training set with both models' outcomes, before encoding. */
export interface PairExample {
  readonly prompt: string;
  readonly group?: string | undefined;
  readonly strong: number;
  readonly weak: number;
}

export interface TrainPairRouterOptions extends PairFitOptions {
  readonly folds?: number;
  readonly candidates?: readonly PairCandidate[];
  readonly dataset: string;
}

export interface TrainedPairRouter {
  readonly artifact: RouterArtifact;
  readonly chosen: PairCandidate;
  readonly crossValidatedApgr: number;
  /** The held-out curve stored in the artifact (undefined when both models score alike). */
  readonly validation: PairValidation | undefined;
}

/**
 * Picks the best candidate by k-fold CV (folds seeded from `seed`), refits it on all examples and
 * calibrates it on their scores. The artifact names the strong and weak model and carries the
 * chosen candidate's held-out quality curve, from the out-of-fold scores CV already computed.
 */
export function trainPairRouter(
  examples: readonly PairExample[],
  encoder: TextVectoriser,
  options: TrainPairRouterOptions,
): TrainedPairRouter {
  const folds = options.folds ?? 5;
  if (examples.length < folds * 2) {
    throw new RangeError(`training needs at least ${folds * 2} examples for ${folds} folds`);
  }
  const rows: PairTrainingRow[] = examples.map((example) => ({
    description: describePrompt(encoder, {
      prompt: example.prompt,
      group: options.useGroups ? example.group : undefined,
    }),
    strong: example.strong,
    weak: example.weak,
  }));
  const foldPositions = kFolds(rows.length, folds, createSeededRandom(1000 + options.seed));
  const candidates =
    options.candidates ??
    (options.useGroups
      ? [...defaultPairCandidates, ...subjectPriorCandidates]
      : defaultPairCandidates);
  const cv = crossValidatePairScores(candidates, rows, foldPositions, encoder, options);
  const chosen = bestPairCandidate(cv.apgr);
  if (!chosen) throw new RangeError('no candidate models to train');
  const trained = fitPairCandidate(chosen, rows, encoder, options);
  const notes = `${describePairCandidate(chosen)}; ${String(folds)}-fold CV, seed ${String(options.seed)}${options.useGroups ? ', with groups' : ''}`;
  const validation = pairValidationCurve(cv.outOfFold.get(chosen) ?? [], rows, foldPositions);
  const artifact = pairRouterArtifact(
    trained,
    encoder.id,
    rows,
    { dataset: options.dataset, rows: rows.length, notes },
    { strong: options.strongModel, weak: options.weakModel },
    validation,
  );
  return { artifact, chosen, crossValidatedApgr: cv.apgr.get(chosen) ?? 0, validation };
}

function rowAt(rows: readonly PairTrainingRow[], position: number): PairTrainingRow {
  const row = rows[position];
  if (!row) throw new RangeError(`no row ${position}`);
  return row;
}
