import type { RankedCandidate, RoutingStrategy } from '../routing-strategy.ts';
import { sortStably } from './sort-stably.ts';

// Module level, so that ranking allocates no closure per call. An unknown cost (undefined score)
// sorts after every known one; then lower priority; the stable sort keeps input order after that.
function byAscendingCost(left: RankedCandidate, right: RankedCandidate): number {
  const leftCost = left.score;
  const rightCost = right.score;
  if (leftCost !== rightCost) {
    if (leftCost === undefined) {
      return 1;
    }
    if (rightCost === undefined) {
      return -1;
    }
    return leftCost - rightCost;
  }
  return left.candidate.deployment.priority - right.candidate.deployment.priority;
}

/**
 * Cheapest estimated cost of this request first, in US dollars at list price:
 * `(estimatedInputTokens × price.input + estimatedOutputTokens × price.output) / 1e6`, an unset
 * output price counting as 0. Deployments without a known input price go after every priced one.
 * Equal costs (and the unpriced ones among themselves) are ordered by ascending priority, then
 * input order. Pure and deterministic: no randomness, no mutation of its arguments. The score is
 * the estimated cost, or undefined when the price is unknown.
 */
export const lowestCostStrategy: RoutingStrategy = {
  name: 'lowest-cost',
  rank(candidates, input) {
    const { estimatedInputTokens, estimatedOutputTokens } = input;
    const ranked: RankedCandidate[] = [];
    for (const candidate of candidates) {
      const price = candidate.deployment.price;
      ranked.push({
        candidate,
        score:
          price?.input === undefined
            ? undefined
            : (estimatedInputTokens * price.input + estimatedOutputTokens * (price.output ?? 0)) /
              1_000_000,
      });
    }
    return sortStably(ranked, byAscendingCost);
  },
};
