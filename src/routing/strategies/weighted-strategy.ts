import type { RankedCandidate, RoutingStrategy } from '../routing-strategy.ts';
import { moveEarlier } from './move-earlier.ts';

// Configuration guarantees positive finite weights; anything else is treated as no share at all
// rather than poisoning the running total with NaN or Infinity. Takes `undefined` so that callers
// can pass an indexed read straight in.
function shareOf(entry: RankedCandidate | undefined): number {
  const weight = entry?.candidate.deployment.weight ?? 0;
  return weight > 0 && weight < Infinity ? weight : 0;
}

/**
 * Weighted random sampling without replacement: the first deployment is chosen with probability
 * weight / total, the next among the remaining the same way, and so on, so the fallback order also
 * follows the weights. Deployments without a positive finite weight are never drawn while any
 * weighted one remains; they go last in input order. Pure: it draws only from `input.random`
 * (fewer numbers than there are candidates) and never mutates its arguments. The score is the
 * weight.
 */
export const weightedStrategy: RoutingStrategy = {
  name: 'weighted',
  rank(candidates, input) {
    const ranked: RankedCandidate[] = [];
    let remainingShare = 0;
    for (const candidate of candidates) {
      const entry = { candidate, score: candidate.deployment.weight };
      ranked.push(entry);
      remainingShare += shareOf(entry);
    }
    // Entries before `next` are decided. Each draw picks among the rest and moves the pick to
    // `next`, shifting the others back so that undrawn deployments keep their input order.
    // Quadratic, but groups are small and this allocates nothing.
    for (let next = 0; next < ranked.length - 1 && remainingShare > 0; next += 1) {
      let target = input.random.next() * remainingShare;
      let picked = -1;
      for (let position = next; position < ranked.length; position += 1) {
        const share = shareOf(ranked[position]);
        if (share > 0) {
          picked = position;
          target -= share;
          if (target < 0) {
            break;
          }
        }
      }
      // Rounding can leave `target` just above zero after the last weighted deployment, which is
      // then the pick; or leave a crumb of `remainingShare` when no weighted deployment is left.
      if (picked < 0) {
        break;
      }
      moveEarlier(ranked, picked, next);
      remainingShare -= shareOf(ranked[next]);
    }
    return ranked;
  },
};
