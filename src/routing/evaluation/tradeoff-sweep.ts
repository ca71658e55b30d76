import { evaluateChoices, type CostQualityPoint } from './model-cost-quality.ts';
import type { RoutingExample } from './routing-example.ts';

/**
 * The willingness-to-pay rule of N-model routing (shared/research/routing.md §6.1): per prompt,
 * choose `argmax_m predicted(m) − λ·relativeCost(m)`. Costs are relative to the dearest model
 * (0..1), so λ is "quality a query is willing to give up to avoid the dearest model's price":
 * λ = 0 picks the highest predicted quality, a large λ the cheapest model.
 */
export interface TradeoffPoint extends CostQualityPoint {
  readonly tradeoff: number;
}

/** Each cost divided by the largest (all zeros stay zeros): the unit λ is measured in. */
export function relativeCosts(costs: readonly number[]): number[] {
  const dearest = Math.max(0, ...costs);
  return costs.map((cost) => (dearest > 0 ? cost / dearest : 0));
}

/** The index of the chosen model; ties go to the cheaper model, then to the first. */
export function chooseByTradeoff(
  predicted: ArrayLike<number>,
  relative: readonly number[],
  tradeoff: number,
): number {
  let chosen = 0;
  let best = Number.NEGATIVE_INFINITY;
  for (let m = 0; m < relative.length; m += 1) {
    const value = (predicted[m] ?? Number.NEGATIVE_INFINITY) - tradeoff * (relative[m] ?? 0);
    if (value > best || (value === best && (relative[m] ?? 0) < (relative[chosen] ?? 0))) {
      chosen = m;
      best = value;
    }
  }
  return chosen;
}

/**
 * λ = 0, then 48 steps from 10⁻³ to 10² (ratio ≈ 1.27): fine where the choices change on 0..1
 * quality scales, and large enough at the end to send every prompt to the cheapest model.
 */
export const defaultTradeoffs: readonly number[] = [
  0,
  ...Array.from({ length: 49 }, (_, i) => 10 ** (-3 + (5 * i) / 48)),
];

/** Where the router lands at each λ, scored on the examples' own scores and costs. */
export function sweepTradeoff(
  examples: readonly RoutingExample[],
  /** predicted[i][m]: the router's quality estimate of `models[m]` on `examples[i]`. */
  predicted: readonly ArrayLike<number>[],
  models: readonly string[],
  relative: readonly number[],
  tradeoffs: readonly number[] = defaultTradeoffs,
): TradeoffPoint[] {
  return tradeoffs.map((tradeoff) => ({
    tradeoff,
    ...evaluateChoices(
      examples,
      predicted.map((row) => models[chooseByTradeoff(row, relative, tradeoff)] ?? ''),
    ),
  }));
}
