import { evaluatePairRouter } from '../evaluation/evaluate-pair-router.ts';

/** One test prompt: the router's score and how each model did (1 right, 0 wrong). */
export interface RoutedOutcome {
  readonly score: number;
  readonly strong: number;
  readonly weak: number;
}

/** The figures the experiments report. */
export interface RoutingMetrics {
  readonly apgr: number;
  /** Strong-call percentages (0..100). */
  readonly cpt50: number;
  readonly cpt80: number;
}

/** RouteLLM's metrics of a strong/weak router (the port in src/routing/evaluation/). */
export function routingMetrics(outcomes: readonly RoutedOutcome[]): RoutingMetrics {
  const evaluation = evaluatePairRouter(
    outcomes.map((outcome) => outcome.score),
    outcomes,
  );
  return { apgr: evaluation.apgr, cpt50: evaluation.cpt50, cpt80: evaluation.cpt80 };
}
