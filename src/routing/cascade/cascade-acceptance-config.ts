import type { AcceptanceCheck } from './acceptance-verdict.ts';
import { arithmeticCheck } from './arithmetic-check.ts';
import { judgeCheck, type AnswerJudge } from './judge-check.ts';
import { logprobCheck } from './logprob-check.ts';
import { notRefusalCheck } from './refusal-check.ts';
import { schemaCheck, type AnswerSchemaValidator } from './schema-check.ts';

/**
 * A cascade's acceptance settings: which checks decide whether the cheap model's answer is
 * returned or the request escalates to the strong model. Plain data (the config layer validates
 * it); every field is optional and an empty object accepts any non-empty, non-refusal answer.
 */
export interface CascadeAcceptanceConfig {
  /**
   * Reject empty answers and refusals ("I can't help with that", "As an AI, I cannot…").
   * Default true.
   */
  readonly refusal_check?: boolean;
  /**
   * Validate the answer against the JSON schema the client requested (`response_format`), when
   * it requested one; requests without a schema skip the check. Default true.
   */
  readonly schema_check?: boolean;
  /**
   * The least `exp(mean token logprob)` accepted, in [0, 1]. Applies only when the provider
   * returned log-probabilities; otherwise the check is skipped. Off when absent.
   */
  readonly min_confidence?: number;
  /** The least probability of any single generated token, in [0, 1]. Off when absent. */
  readonly min_token_probability?: number;
  /**
   * Recompute the `a op b = c` steps the answer shows and escalate when one is wrong (useful
   * for maths-heavy traffic). Default false.
   */
  readonly arithmetic_check?: boolean;
  /**
   * The least judge score, in [0, 1], accepted from the judge model. Off (no judge call) when
   * absent. The judge runs last, only when every other check accepted.
   */
  readonly judge_threshold?: number;
  /** What a failing judge means: `escalate` (default) or `accept`. */
  readonly judge_failure?: 'escalate' | 'accept';
}

/** What the caller provides per request: a schema validator (if one was asked for) and a judge. */
export interface CascadeAcceptanceDependencies {
  readonly schemaValidator?: AnswerSchemaValidator | undefined;
  readonly judge?: AnswerJudge | undefined;
}

function checkUnit(name: string, value: number | undefined): void {
  if (value !== undefined && !(value >= 0 && value <= 1)) {
    throw new RangeError(`cascade acceptance: ${name} must be in [0, 1], got ${value}`);
  }
}

/**
 * The checks a config asks for, in running order (see `evaluateAcceptance`). Throws when a
 * threshold is outside [0, 1], or when `judge_threshold` is set but no judge is provided.
 */
export function buildAcceptanceChecks(
  config: CascadeAcceptanceConfig,
  dependencies: CascadeAcceptanceDependencies = {},
): AcceptanceCheck[] {
  checkUnit('min_confidence', config.min_confidence);
  checkUnit('min_token_probability', config.min_token_probability);
  checkUnit('judge_threshold', config.judge_threshold);
  const checks: AcceptanceCheck[] = [];
  if (config.refusal_check ?? true) checks.push(notRefusalCheck());
  if ((config.schema_check ?? true) && dependencies.schemaValidator !== undefined) {
    checks.push(schemaCheck(dependencies.schemaValidator));
  }
  if (config.arithmetic_check === true) checks.push(arithmeticCheck());
  if (config.min_confidence !== undefined || config.min_token_probability !== undefined) {
    checks.push(
      logprobCheck({
        minMeanProbability: config.min_confidence ?? 0,
        minTokenProbability: config.min_token_probability,
      }),
    );
  }
  if (config.judge_threshold !== undefined) {
    if (dependencies.judge === undefined) {
      throw new Error('cascade acceptance: judge_threshold is set but no judge is configured');
    }
    checks.push(
      judgeCheck(dependencies.judge, {
        threshold: config.judge_threshold,
        onJudgeFailure: config.judge_failure,
      }),
    );
  }
  return checks;
}
