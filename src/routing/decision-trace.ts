/** Why a candidate was left out of a group's choice. */
export type EligibilityFilter =
  | 'rule-require-tags'
  | 'rule-regions'
  | 'rule-exclude'
  | 'requested-tags'
  | 'requested-region'
  | 'policy'
  | 'vision'
  | 'context-window'
  | 'circuit-open'
  | 'canary-control'
  | 'already-planned';

/** One candidate of a group as the planner saw it. */
export interface TraceCandidate {
  readonly id: string;
  /** Undefined when eligible. */
  readonly filteredBy: EligibilityFilter | undefined;
  /**
   * Set when eligible but moved after the others: the request may not fit its window (not
   * provable either way), or it is cooling down after a rate limit.
   */
  readonly demotedBy?: 'may-not-fit' | 'cooling-down' | undefined;
  /** The strategy's score (weight, latency ms, in-flight, cost USD, headroom), when it ranked it. */
  readonly score: number | undefined;
}

/** One rule of a group and how it evaluated. */
export interface TraceRule {
  readonly name: string;
  readonly matched: boolean;
  /** Why the expression could not be evaluated (it then counts as not matched). */
  readonly error?: string | undefined;
}

/** How one model group ordered its candidates. */
export interface TraceGroup {
  readonly alias: string;
  readonly strategy: string;
  /** Why the group was planned: the requested model, a rule, a nested target or a fallback. */
  readonly via: 'request' | 'request-fallback' | 'rule' | 'nested' | 'fallback';
  readonly rules: readonly TraceRule[];
  /** The canary variant this request fell in, when the group has a canary. */
  readonly variant: 'canary' | 'stable' | undefined;
  readonly candidates: readonly TraceCandidate[];
  /** Ids in the order they will be tried. */
  readonly order: readonly string[];
}

/** One attempt as executed. */
export interface TraceAttempt {
  readonly deployment: string;
  readonly provider: string;
  readonly model: string;
  /** 0 for the first try of a deployment, then 1, 2... for retries of it. */
  readonly retry: number;
  readonly outcome: 'success' | 'failure' | 'skipped';
  readonly errorClass: string | undefined;
  readonly errorCode: string | undefined;
  /** The provider's HTTP status, when it answered with an error status. */
  readonly status: number | undefined;
  readonly durationMs: number;
  /** The backoff waited before this attempt, ms. */
  readonly delayMs: number;
}

/**
 * Everything the router decided for one request and why: kept with the request record and
 * returned by POST /v1/route. Holds ids, names and numbers only; never prompt content.
 */
export interface DecisionTrace {
  readonly model: string;
  /** Short reason for x-signalbox-route: the strategy, `rule:<name>` or `canary`. */
  readonly reason: string;
  readonly groups: readonly TraceGroup[];
  /** Microseconds spent planning (no I/O). */
  readonly planMicros: number;
  readonly estimatedInputTokens: number;
}
