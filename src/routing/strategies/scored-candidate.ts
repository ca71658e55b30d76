import type { RankedCandidate } from '../routing-strategy.ts';

/** A ranked candidate whose strategy always has a number to rank it by. */
export interface ScoredCandidate extends RankedCandidate {
  readonly score: number;
}
