import type { RankedCandidate, RoutingStrategy } from '../routing-strategy.ts';
import { sortStably } from './sort-stably.ts';

// Module level, so that ranking allocates no closure per call.
function byAscendingPriority(left: RankedCandidate, right: RankedCandidate): number {
  return left.candidate.deployment.priority - right.candidate.deployment.priority;
}

/**
 * Orders deployments by ascending `priority`; equal priorities keep their input (configuration)
 * order. Pure and deterministic: it draws no randomness and never mutates its arguments. The
 * score is the priority.
 */
export const priorityStrategy: RoutingStrategy = {
  name: 'priority',
  rank(candidates) {
    const ranked: RankedCandidate[] = [];
    for (const candidate of candidates) {
      ranked.push({ candidate, score: candidate.deployment.priority });
    }
    return sortStably(ranked, byAscendingPriority);
  },
};
