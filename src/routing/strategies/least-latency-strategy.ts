import type { RoutingStrategy } from '../routing-strategy.ts';
import { moveEarlier } from './move-earlier.ts';
import type { ScoredCandidate } from './scored-candidate.ts';
import { sortStably } from './sort-stably.ts';

// Module level, so that ranking allocates no closure per call.
function byAscendingCost(left: ScoredCandidate, right: ScoredCandidate): number {
  return left.score - right.score;
}

// Guards against a source returning exactly 1, which `Random` excludes but costs nothing here.
function drawIndex(uniform: number, count: number): number {
  const index = Math.floor(uniform * count);
  return index < count ? index : count - 1;
}

/**
 * Power of two choices over a PeakEWMA-like latency cost, `latencyEwmaMs × (inFlight + 1)`: the
 * latency a new request should expect, inflated by the queue it would join. Two distinct
 * candidates are drawn uniformly and the cheaper one is the choice, a tie settled by a coin;
 * sampling two rather than taking the minimum keeps replicas that share stale load snapshots
 * from stampeding onto one deployment. The rest follow by ascending cost, ties in input order.
 *
 * A deployment with no latency sample yet costs 0, so it wins every pair it is drawn into until it
 * has one: new or recovered deployments get explored instead of starved.
 *
 * Pure: it draws only from `input.random` (at most three numbers) and never mutates its arguments.
 * The score is the cost.
 */
export const leastLatencyStrategy: RoutingStrategy = {
  name: 'least-latency',
  rank(candidates, input) {
    const ranked: ScoredCandidate[] = [];
    for (const candidate of candidates) {
      const { latencyEwmaMs, inFlight } = candidate.load;
      ranked.push({
        candidate,
        score: latencyEwmaMs === undefined ? 0 : latencyEwmaMs * (inFlight + 1),
      });
    }
    const count = ranked.length;
    if (count < 2) {
      return ranked;
    }
    const first = drawIndex(input.random.next(), count);
    // Drawing from count - 1 and skipping `first` makes the second distinct without retrying.
    const drawn = drawIndex(input.random.next(), count - 1);
    const second = drawn < first ? drawn : drawn + 1;
    const firstCost = ranked[first]?.score ?? 0;
    const secondCost = ranked[second]?.score ?? 0;
    const chosen =
      ranked[
        firstCost < secondCost || (firstCost === secondCost && input.random.next() < 0.5)
          ? first
          : second
      ];
    sortStably(ranked, byAscendingCost);
    if (chosen !== undefined) {
      moveEarlier(ranked, ranked.indexOf(chosen), 0);
    }
    return ranked;
  },
};
