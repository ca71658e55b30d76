import type { AcceptanceCheck, AcceptanceVerdict, CascadeAnswer } from './acceptance-verdict.ts';

/**
 * Confidence from the generated tokens' log-probabilities: the mean token log-probability turned
 * back into a probability (the geometric mean of the token probabilities, `exp(mean logprob)`),
 * and the least likely token's probability (`exp(min logprob)`).
 */
export interface LogprobSummary {
  readonly tokens: number;
  /** `exp(mean logprob)`, in [0, 1]. */
  readonly meanProbability: number;
  /** `exp(min logprob)`, in [0, 1]. */
  readonly minProbability: number;
}

/**
 * Summarises natural-log token probabilities; undefined when there are none or any is not a
 * log-probability (NaN, or above 0 beyond rounding noise). `-Infinity` (probability 0) is valid.
 */
export function summariseLogprobs(logprobs: readonly number[]): LogprobSummary | undefined {
  if (logprobs.length === 0) return undefined;
  let sum = 0;
  let min = 0;
  for (const value of logprobs) {
    if (Number.isNaN(value) || value > 1e-6) return undefined;
    const logprob = Math.min(0, value);
    sum += logprob;
    min = Math.min(min, logprob);
  }
  return {
    tokens: logprobs.length,
    meanProbability: Math.exp(sum / logprobs.length),
    minProbability: Math.exp(min),
  };
}

export interface LogprobCheckOptions {
  /** The least `exp(mean logprob)` accepted, in [0, 1]. */
  readonly minMeanProbability: number;
  /** The least probability any single token may have, in [0, 1]; off when undefined. */
  readonly minTokenProbability?: number | undefined;
  /** Reject answers without log-probabilities instead of skipping the check (default false). */
  readonly requireLogprobs?: boolean | undefined;
}

function format(probability: number): string {
  return probability.toFixed(3);
}

export function checkLogprobConfidence(
  answer: CascadeAnswer,
  options: LogprobCheckOptions,
): AcceptanceVerdict {
  const check = 'logprob-confidence';
  const summary = answer.logprobs === undefined ? undefined : summariseLogprobs(answer.logprobs);
  if (summary === undefined) {
    const reason =
      answer.logprobs === undefined || answer.logprobs.length === 0
        ? 'the provider returned no log-probabilities'
        : 'the log-probabilities are malformed';
    return options.requireLogprobs === true
      ? { check, accepted: false, reason, confidence: 0 }
      : { check, accepted: true, reason: `${reason}; not applied`, skipped: true };
  }
  const confidence = summary.meanProbability;
  if (summary.meanProbability < options.minMeanProbability) {
    return {
      check,
      accepted: false,
      reason: `mean token probability ${format(summary.meanProbability)} is below ${format(options.minMeanProbability)}`,
      confidence,
    };
  }
  const minToken = options.minTokenProbability;
  if (minToken !== undefined && summary.minProbability < minToken) {
    return {
      check,
      accepted: false,
      reason: `least likely token probability ${format(summary.minProbability)} is below ${format(minToken)}`,
      confidence,
    };
  }
  return {
    check,
    accepted: true,
    reason: `mean token probability ${format(summary.meanProbability)} over ${summary.tokens} tokens`,
    confidence,
  };
}

export function logprobCheck(options: LogprobCheckOptions): AcceptanceCheck {
  return {
    name: 'logprob-confidence',
    stage: 'local',
    run: (answer) => checkLogprobConfidence(answer, options),
  };
}
