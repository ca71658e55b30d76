import type { RoutingStrategy } from '../routing-strategy.ts';
import { moveEarlier } from './move-earlier.ts';
import type { ScoredCandidate } from './scored-candidate.ts';
import { sortStably } from './sort-stably.ts';

// Module level, so that ranking allocates no closure per call.
function byAscendingInFlight(left: ScoredCandidate, right: ScoredCandidate): number {
  return left.score - right.score;
}

/**
 * Fewest requests in flight first. Among the deployments tied for the fewest, the choice is drawn
 * uniformly, so that idle deployments share new traffic instead of the first in the list taking
 * it all; the rest follow by ascending in-flight count, ties in input order. Pure: it draws only
 * from `input.random` (one number, and only when there is a tie) and never mutates its arguments.
 * The score is the in-flight count.
 */
export const leastBusyStrategy: RoutingStrategy = {
  name: 'least-busy',
  rank(candidates, input) {
    const ranked: ScoredCandidate[] = [];
    for (const candidate of candidates) {
      ranked.push({ candidate, score: candidate.load.inFlight });
    }
    sortStably(ranked, byAscendingInFlight);
    const fewest = ranked[0]?.score;
    let tied = 0;
    for (const entry of ranked) {
      if (entry.score !== fewest) {
        break;
      }
      tied += 1;
    }
    if (tied > 1) {
      const drawn = Math.floor(input.random.next() * tied);
      moveEarlier(ranked, drawn < tied ? drawn : tied - 1, 0);
    }
    return ranked;
  },
};
