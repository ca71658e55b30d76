import type { RankedCandidate, RoutingStrategy } from '../routing-strategy.ts';

/**
 * Rotates the candidates by `input.sequence` modulo their number: request `sequence` starts at
 * candidate `sequence % n` and falls back through the following ones, wrapping around. It rotates
 * over the candidates it is given, which may be a filtered subset of the group, so every eligible
 * deployment takes its turn. Pure and deterministic: no randomness, no mutation of its arguments.
 * A fractional or negative sequence is read by its integer part (modulo n), a non-finite one as 0.
 * The score is the candidate's position in the input.
 */
export const roundRobinStrategy: RoutingStrategy = {
  name: 'round-robin',
  rank(candidates, input) {
    const count = candidates.length;
    const turn = Number.isFinite(input.sequence) ? Math.trunc(input.sequence) % count : 0;
    // `%` keeps the sign of the dividend, so a negative turn is brought back into range.
    const start = turn < 0 ? turn + count : turn;
    const ranked: RankedCandidate[] = [];
    for (let offset = 0; offset < count; offset += 1) {
      const position = start + offset < count ? start + offset : start + offset - count;
      const candidate = candidates[position];
      if (candidate !== undefined) {
        ranked.push({ candidate, score: position });
      }
    }
    return ranked;
  },
};
