import type { LearnedRouterStatus } from '../../gateway/learned-router-status.ts';

type Validation = NonNullable<LearnedRouterStatus['validation']>;
type PairValidation = Extract<Validation, { kind: 'pair' }>;
type MultiModelValidation = Extract<Validation, { kind: 'multi-model' }>;

function sharePoints(points: PairValidation['points']) {
  return points.map((point) => ({
    strong_share: point.strongShare,
    quality: point.quality,
    pgr: point.pgr,
  }));
}

function costPoint(point: { readonly quality: number; readonly meanCost: number }) {
  return { quality: point.quality, mean_cost: point.meanCost };
}

function pairJson(validation: PairValidation) {
  return {
    kind: 'pair',
    method: 'out_of_fold',
    folds: validation.folds,
    rows: validation.rows,
    weak_quality: validation.weakQuality,
    strong_quality: validation.strongQuality,
    apgr: validation.apgr,
    cpt50: validation.cpt50,
    cpt80: validation.cpt80,
    points: sharePoints(validation.points),
    random: {
      runs: validation.random.runs,
      apgr: validation.random.apgr,
      cpt50: validation.random.cpt50,
      cpt80: validation.random.cpt80,
      points: sharePoints(validation.random.points),
    },
  };
}

function multiModelJson(validation: MultiModelValidation) {
  return {
    kind: 'multi_model',
    method: 'out_of_fold',
    folds: validation.folds,
    rows: validation.rows,
    points: validation.points.map((point) => ({ tradeoff: point.tradeoff, ...costPoint(point) })),
    singles: validation.singles.map((single) => ({ model: single.model, ...costPoint(single) })),
    best_single: validation.bestSingle,
    oracle: costPoint(validation.oracle),
    zero_router: validation.zeroRouter.map(costPoint),
    average_quality: validation.averageQuality,
    cost_saving_at_95: validation.costSavingAt95,
    quality_at_best_single_cost: validation.qualityAtBestSingleCost,
  };
}

/**
 * The `validation` object of `GET /admin/routing/routers/:name/curve`, snake_case: a router's
 * held-out quality against strong-call share (strong/weak) or against mean cost per query over λ
 * (N-model), as its artifact stores it; null for an artifact trained before curves were kept.
 */
export function routerValidationJson(validation: Validation | undefined) {
  if (validation === undefined) return null;
  return validation.kind === 'pair' ? pairJson(validation) : multiModelJson(validation);
}
