import type { RoutingStrategy } from '../routing-strategy.ts';
import type { ScoredCandidate } from './scored-candidate.ts';
import { sortStably } from './sort-stably.ts';

// Module level, so that ranking allocates no closure per call. Two headrooms of -Infinity (zero
// limits) subtract to NaN, which `||` treats like a tie.
function byDescendingHeadroom(left: ScoredCandidate, right: ScoredCandidate): number {
  return (
    right.score - left.score ||
    left.candidate.deployment.priority - right.candidate.deployment.priority
  );
}

// The fraction of a per-minute limit still free once `used` is counted; 1 without a limit.
// Configuration guarantees positive limits; a zero or negative one is read as no capacity, which
// also keeps 0 / 0 from producing a NaN that would break the sort.
function headroomUnder(limit: number | undefined, used: number): number {
  if (limit === undefined) {
    return 1;
  }
  return limit > 0 ? 1 - used / limit : -Infinity;
}

/**
 * Most headroom first, where headroom is the fraction of a deployment's per-minute capacity left
 * after this request: the lower of `1 − (requestsLastMinute + 1) / rpm` and
 * `1 − (tokensLastMinute + estimatedInputTokens + estimatedOutputTokens) / tpm`, an unset limit
 * counting as 1. Like LiteLLM's usage-based routing v2 it keeps deployments under their limits,
 * but it compares fractions rather than raw token counts, so a small deployment is not flooded
 * just because it has served fewer tokens than a large one, and both limits count.
 *
 * Deployments this request would push over a limit (headroom below 0) fall after all others by
 * the same order: they are a last resort, not dropped, since whether to try them is the
 * executor's call. Ties go to lower priority, then input order. Pure and deterministic: no
 * randomness, no mutation of its arguments. The score is the headroom.
 */
export const usageAwareStrategy: RoutingStrategy = {
  name: 'usage-aware',
  rank(candidates, input) {
    const requestTokens = input.estimatedInputTokens + input.estimatedOutputTokens;
    const ranked: ScoredCandidate[] = [];
    for (const candidate of candidates) {
      const { deployment, load } = candidate;
      const requestHeadroom = headroomUnder(deployment.rpm, load.requestsLastMinute + 1);
      const tokenHeadroom = headroomUnder(deployment.tpm, load.tokensLastMinute + requestTokens);
      ranked.push({
        candidate,
        score: requestHeadroom < tokenHeadroom ? requestHeadroom : tokenHeadroom,
      });
    }
    return sortStably(ranked, byDescendingHeadroom);
  },
};
