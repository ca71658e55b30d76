import { costQualityHull, costSavingAtQualityShare } from './cost-quality-frontier.ts';
import {
  bestSingleModel,
  evaluateChoices,
  oracleChoices,
  singleModelPoints,
  type CostQualityPoint,
  type ModelPoint,
} from './model-cost-quality.ts';
import type { RoutingExample } from './routing-example.ts';
import { defaultTradeoffs, sweepTradeoff, type TradeoffPoint } from './tradeoff-sweep.ts';

/**
 * The figures of an N-model router on labelled examples. The router's operating points are its
 * λ sweep; its frontier is their upper convex hull (mixing two λ at random realises any point
 * between them, as RouterBench's zero router mixes models), and every figure reads the frontier.
 */
export interface MultiModelRouterMetrics {
  readonly curve: readonly TradeoffPoint[];
  readonly frontier: readonly TradeoffPoint[];
  readonly singles: readonly ModelPoint[];
  readonly bestSingle: ModelPoint;
  readonly oracle: CostQualityPoint;
  /** `1 − cost / best single's cost` at 95% of the best single's quality; undefined if never reached. */
  readonly costSavingAt95: number | undefined;
  /** The same for RouterBench's zero router (random mixes of single models, no prompt reading). */
  readonly zeroRouterCostSavingAt95: number | undefined;
  /** The router's quality at the best single model's mean cost. */
  readonly qualityAtBestSingleCost: number | undefined;
  /** Mean frontier quality over costs from the cheapest model's to the best single's (RouterBench's AIQ). */
  readonly averageQuality: number;
}

/** The frontier's quality at `cost` (linear between vertices, flat after the last); undefined below its start. */
export function qualityAtCost(
  frontier: readonly CostQualityPoint[],
  cost: number,
): number | undefined {
  const first = frontier[0];
  if (first === undefined || cost < first.meanCost) return undefined;
  for (let i = 1; i < frontier.length; i += 1) {
    const [low, high] = [frontier[i - 1], frontier[i]];
    if (low === undefined || high === undefined || cost > high.meanCost) continue;
    const share = (cost - low.meanCost) / (high.meanCost - low.meanCost);
    return low.quality + share * (high.quality - low.quality);
  }
  return frontier.at(-1)?.quality;
}

/**
 * Mean quality over 101 evenly spaced costs in `from..to`; below the frontier's start it counts
 * the start's quality (the λ sweep ends at "always the cheapest model", so that gap is only the
 * noise of per-prompt costs).
 */
export function averageQualityOverCosts(
  frontier: readonly CostQualityPoint[],
  from: number,
  to: number,
): number {
  const start = frontier[0]?.quality ?? 0;
  let total = 0;
  for (let i = 0; i <= 100; i += 1) {
    total += qualityAtCost(frontier, from + ((to - from) * i) / 100) ?? start;
  }
  return total / 101;
}

export function evaluateMultiModelRouter(
  examples: readonly RoutingExample[],
  predicted: readonly ArrayLike<number>[],
  models: readonly string[],
  relative: readonly number[],
  tradeoffs: readonly number[] = defaultTradeoffs,
): MultiModelRouterMetrics {
  const curve = sweepTradeoff(examples, predicted, models, relative, tradeoffs);
  const frontier = costQualityHull(curve);
  const singles = singleModelPoints(examples, models);
  const bestSingle = bestSingleModel(singles);
  const cheapest = Math.min(...singles.map((point) => point.meanCost));
  return {
    curve,
    frontier,
    singles,
    bestSingle,
    oracle: evaluateChoices(examples, oracleChoices(examples, models)),
    costSavingAt95: costSavingAtQualityShare(frontier, bestSingle, 0.95),
    zeroRouterCostSavingAt95: costSavingAtQualityShare(costQualityHull(singles), bestSingle, 0.95),
    qualityAtBestSingleCost: qualityAtCost(frontier, bestSingle.meanCost),
    averageQuality: averageQualityOverCosts(frontier, cheapest, bestSingle.meanCost),
  };
}
