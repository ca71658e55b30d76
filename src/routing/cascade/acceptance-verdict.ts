import type { UnifiedFinishReason } from '../../canonical/finish-reason.ts';

/**
 * The shared vocabulary of cascade acceptance: a cascade calls a cheap model first, runs the
 * configured checks over its finished answer, and either returns that answer or escalates the
 * request to the strong model. Everything here is pure data; no check does I/O except the judge,
 * which is injected.
 */

/** The finished answer of the cheap model, in the shape the checks read. */
export interface CascadeAnswer {
  /** The user's question (the last user turn, as text); only the judge reads it. */
  readonly question: string;
  /** The answer's text: the text parts of the first choice, concatenated. */
  readonly text: string;
  /**
   * True when the provider marked the answer as a refusal (a canonical `RefusalPart`), which
   * is trusted over any reading of the text.
   */
  readonly refusal?: boolean | undefined;
  /**
   * Why generation stopped, when known: `length` (cut off at the token limit) and
   * `content-filter` are never accepted by the not-refusal check.
   */
  readonly finishReason?: UnifiedFinishReason | undefined;
  /**
   * Per-token log-probabilities (natural log) of the generated tokens, when the provider returned
   * them. Canonical responses do not carry log-probabilities today (the dialect encoders write
   * `logprobs: null`), so this minimal shape is what a caller fills in once they do.
   */
  readonly logprobs?: readonly number[] | undefined;
}

/** One check's opinion of an answer. */
export interface AcceptanceVerdict {
  /** The check's name (`not-refusal`, `json-schema`, `logprob-confidence`, `judge`, …). */
  readonly check: string;
  readonly accepted: boolean;
  /** Why, in a short sentence that never quotes the answer at length. */
  readonly reason: string;
  /** How confident the check is that the answer is acceptable, in [0, 1], where meaningful. */
  readonly confidence?: number | undefined;
  /** True when the check had nothing to look at (no logprobs, no schema) and so passed. */
  readonly skipped?: boolean | undefined;
}

/**
 * A check over a finished answer. `stage` orders the combinator's work: every `local` check runs
 * before any `model` check (a call to a judge model), so a cheap rejection saves the judge call.
 */
export interface AcceptanceCheck {
  readonly name: string;
  readonly stage: 'local' | 'model';
  run(answer: CascadeAnswer): AcceptanceVerdict | Promise<AcceptanceVerdict>;
}

/** Clamps a number into [0, 1] (NaN becomes 0). */
export function clampUnit(value: number): number {
  if (Number.isNaN(value)) return 0;
  return Math.min(1, Math.max(0, value));
}
