import type { Random } from '../../lib/random.ts';
import { codePointLength } from './code-point-length.ts';
import type { PairOutcome } from './routellm-threshold-points.ts';

/**
 * Router scores for the reference rows of `routellm-evals/README.md`, which any learned router
 * is compared with. Higher scores mean "send to the strong model".
 */

/** The no-training baseline: the prompt's length in characters (Unicode code points, as Python's `len`). */
export function promptLengthScores(prompts: readonly string[]): number[] {
  return prompts.map((prompt) => codePointLength(prompt));
}

/**
 * The oracle: prompts ordered by how much the strong model gains over the weak one
 * (`strong − weak`), ties broken at random. The tie-break matters: with raw `strong − weak`
 * (mostly 0) the decile edges collapse and the curve jumps straight from 18% to 95% strong calls;
 * a strict order puts the 11 thresholds at exact deciles, which is how the README's oracle row
 * (APGR 1.268 on MMLU) was computed. Returns each prompt's rank (0 = least gain).
 */
export function oracleScores(outcomes: readonly PairOutcome[], random: Random): number[] {
  const keyed = outcomes.map((outcome, index) => ({
    index,
    gain: outcome.strong - outcome.weak,
    tieBreak: random.next(),
  }));
  keyed.sort((left, right) => left.gain - right.gain || left.tieBreak - right.tieBreak);
  const ranks = new Array<number>(outcomes.length).fill(0);
  keyed.forEach((entry, rank) => {
    ranks[entry.index] = rank;
  });
  return ranks;
}
