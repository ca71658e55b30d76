import type { ReasoningSettings } from '../canonical/chat-request.ts';
import type { Random } from '../lib/random.ts';
import type { Deployment } from './deployment.ts';
import type { DeploymentLoad } from './deployment-load.ts';
import type { LearnedTrace } from './decision-trace.ts';
import type { LearnedRouterRuntime } from './learned/learned-router-runtime.ts';

/** The names of the strategies a model group can use. */
export const strategyNames = [
  'priority',
  'weighted',
  'round-robin',
  'least-latency',
  'least-busy',
  'lowest-cost',
  'usage-aware',
  'learned',
] as const;

export type StrategyName = (typeof strategyNames)[number];

/** A deployment a strategy may choose, with its load when the plan was made. */
export interface StrategyCandidate {
  readonly deployment: Deployment;
  readonly load: DeploymentLoad;
}

/** The request facts and the injected sources a strategy decides with. */
export interface StrategyInput {
  readonly random: Random;
  /** Wall-clock milliseconds when the plan is made. */
  readonly nowMs: number;
  /** How many requests this group planned before this one (round robin's position). */
  readonly sequence: number;
  /** A cheap estimate of the request's input tokens. */
  readonly estimatedInputTokens: number;
  /** The output tokens to expect: the request's max tokens, else a default. */
  readonly estimatedOutputTokens: number;
  /** For `strategy: learned`: the group's router and the request's text. */
  readonly learned?: LearnedStrategyInput | undefined;
}

/** What the learned strategy reads besides the candidates. */
export interface LearnedStrategyInput {
  readonly router: LearnedRouterRuntime;
  /** Candidate (deployment or `group:<alias>`) id to the artifact model it stands for. */
  readonly modelOfCandidate: ReadonlyMap<string, string>;
  /** The text the router scores (the last user turn); empty when the request has none. */
  promptText(): string;
  /** The text's vector from an asynchronous encoder, computed before planning; else undefined. */
  promptVector(encoderId: string): Float32Array | undefined;
  /**
   * Receives the decision, for the decision trace and the audit record, and the reasoning
   * settings the router's difficulty band gives the request, if any.
   */
  report(trace: LearnedTrace, reasoning?: ReasoningSettings): void;
}

/** A candidate in the order a strategy prefers, with the number it was ranked by, if any. */
export interface RankedCandidate {
  readonly candidate: StrategyCandidate;
  /** What the strategy compared (weight, latency ms, in-flight, cost USD, headroom); for traces. */
  readonly score: number | undefined;
}

/**
 * Orders a group's eligible deployments, most preferred first: the first is the choice and the
 * rest are the order of fallback within the group. Implementations are pure: they read only their
 * arguments (randomness and time come in `input`), never mutate them, and return every candidate
 * exactly once.
 */
export interface RoutingStrategy {
  readonly name: StrategyName;
  rank(candidates: readonly StrategyCandidate[], input: StrategyInput): RankedCandidate[];
}
