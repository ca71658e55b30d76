import type { CascadeAcceptanceConfig } from './cascade-acceptance-config.ts';

/** The judge model of a cascade: asked to score the cheaper model's answer from 0 to 10. */
export interface CascadeJudgeConfig {
  /** A model group alias or a `<provider>/<model>` name, routed like any request. */
  readonly model: string;
  /** The least score accepted, in [0, 1] (the judge's 0-10 scale divided by 10). */
  readonly threshold: number;
  /** What a judge that fails or answers no number means: escalate (default) or accept. */
  readonly onFailure: 'escalate' | 'accept';
}

/**
 * A model group's cascade (`cascade:` in YAML): its targets are tried in plan order; every tier
 * but the last is asked for a complete answer, which is served only when the acceptance checks
 * pass, and otherwise the request escalates to the next tier. Plain data; see docs/routing.md.
 */
export interface CascadeConfig {
  readonly refusalCheck: boolean;
  readonly schemaCheck: boolean;
  /** The least `exp(mean token logprob)`, in [0, 1]; applied only when logprobs came back. */
  readonly minConfidence: number | undefined;
  /** The least probability of any single token, in [0, 1]; applied only with logprobs. */
  readonly minTokenProbability: number | undefined;
  readonly arithmeticCheck: boolean;
  readonly judge: CascadeJudgeConfig | undefined;
}

/** The acceptance checks' settings (the shape `buildAcceptanceChecks` reads) of a cascade. Pure. */
export function acceptanceConfigOf(config: CascadeConfig): CascadeAcceptanceConfig {
  return {
    refusal_check: config.refusalCheck,
    schema_check: config.schemaCheck,
    arithmetic_check: config.arithmeticCheck,
    ...(config.minConfidence === undefined ? {} : { min_confidence: config.minConfidence }),
    ...(config.minTokenProbability === undefined
      ? {}
      : { min_token_probability: config.minTokenProbability }),
    ...(config.judge === undefined
      ? {}
      : { judge_threshold: config.judge.threshold, judge_failure: config.judge.onFailure }),
  };
}
