import type { ReasoningSettings } from '../canonical/chat-request.ts';

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

/** What a learned router decided for one group (`strategy: learned`). */
export interface LearnedTrace {
  readonly router: string;
  /** The artifact's version (first 16 hex digits of its SHA-256). */
  readonly version: string;
  /** The artifact model chosen; undefined when the request had no text to score. */
  readonly choice: string | undefined;
  /** Strong/weak routers: the strong model's predicted benefit, and the threshold it met or not. */
  readonly score: number | undefined;
  readonly threshold: number | undefined;
  /** The score's place among the calibration scores, 0 (easiest) to 1 (hardest). */
  readonly difficulty?: number | undefined;
  /** N-model routers: each model's predicted quality and the trade-off λ applied. */
  readonly scores?: Readonly<Record<string, number>> | undefined;
  readonly tradeoff?: number | undefined;
  /** Microseconds spent encoding and scoring. */
  readonly micros: number;
}

/** How a group's semantic routes matched the request. */
export interface SemanticTrace {
  /** The route taken; undefined when none was similar enough (the group's targets serve). */
  readonly route: string | undefined;
  /** The most similar route and its similarity, taken or not, and that route's threshold. */
  readonly nearest: string | undefined;
  readonly similarity: number;
  readonly threshold: number | undefined;
  /** Microseconds spent encoding and comparing. */
  readonly micros: number;
}

/** Whether a conversation stayed on the deployment whose prompt cache is warm, and why. */
export interface SessionTrace {
  /** The deployment that served the conversation last. */
  readonly warm: string;
  readonly kept: boolean;
  readonly reason:
    'cache-warm' | 'switch-saves' | 'price-unknown' | 'router-choice' | 'not-eligible';
  /** The turn's estimated cost staying (prefix cached) and moving (prefix uncached), USD. */
  readonly stayUsd: number | undefined;
  readonly switchUsd: number | undefined;
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
  /** Set when the group's strategy is a learned router. */
  readonly learned?: LearnedTrace | undefined;
  /** Set when the group has semantic routes and the request had text to compare. */
  readonly semantic?: SemanticTrace | undefined;
  /** Set when the group keeps conversations warm and this one was served before. */
  readonly session?: SessionTrace | undefined;
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
  /** Short reason for x-signalbox-route: the strategy, `rule:<name>`, `semantic:<name>` or `canary`. */
  readonly reason: string;
  readonly groups: readonly TraceGroup[];
  /** Microseconds spent planning (no I/O). */
  readonly planMicros: number;
  readonly estimatedInputTokens: number;
  /** Reasoning settings routing gives the request (when it set none), and who decided. */
  readonly reasoning?: ReasoningDecision | undefined;
  /** Set when the request was served (or failed) on a cascade group: each tier's verdict. */
  readonly cascade?: CascadeTrace | undefined;
}

/** One tier of a cascade that answered, and what its acceptance checks made of the answer. */
export interface CascadeTierVerdict {
  readonly deployment: string;
  /** True when the answer was served (the last tier is served without checks). */
  readonly accepted: boolean;
  /** One line per check that ran: `<check>: <reason>`; never quotes the answer. */
  readonly reasons: readonly string[];
  /** The weakest confidence a check reported, in [0, 1], when one did. */
  readonly confidence: number | undefined;
  /** True for the last tier, whose answer is served as it comes (it may stream). */
  readonly final: boolean;
}

/** How a cascade went: each tier that answered, in order. */
export interface CascadeTrace {
  readonly group: string;
  readonly tiers: readonly CascadeTierVerdict[];
  /** True when a tier's answer was rejected and a later tier was asked. */
  readonly escalated: boolean;
}

/** Reasoning settings decided by a rule (`rule:<name>`) or a learned router (`learned:<name>`). */
export interface ReasoningDecision {
  readonly settings: ReasoningSettings;
  readonly source: string;
}

/**
 * The decision's reason in short: the first group's (strategy, `rule:<name>`, `semantic:<name>`,
 * `canary`, `direct`), or `cascade` / `cascade; escalated` when a cascade ran. What the request
 * record keeps and `x-signalbox-route` starts with.
 */
export function decisionReason(trace: DecisionTrace): string {
  const cascade = trace.cascade;
  if (cascade === undefined) return trace.reason;
  return cascade.escalated ? 'cascade; escalated' : 'cascade';
}
