import type { ReasoningSettings } from '../canonical/chat-request.ts';
import type { CanaryConfig } from '../config/gateway-config.ts';
import type { CascadeConfig } from './cascade/cascade-config.ts';
import type { Deployment } from './deployment.ts';
import type { ErrorClass } from './error-class.ts';
import type { RetryPolicy } from './health/backoff-delay.ts';
import type { LearnedRouterRuntime } from './learned/learned-router-runtime.ts';
import type { RoutingStrategy } from './routing-strategy.ts';
import type { SemanticRouteSet } from './semantic/semantic-route-set.ts';
import type { RuleOutcome } from './rules/compile-rule-expression.ts';
import type { RuleFacts } from './rules/rule-facts.ts';

/**
 * A target of a group as its strategy sees it. A nested group stands in as a deployment-shaped
 * entry (id `group:<alias>`, its weight and priority, its cheapest price and largest window) so
 * that one strategy interface ranks both; the nested group then orders its own members.
 */
export interface GroupMember {
  readonly deployment: Deployment;
  /** The alias of the nested group this member stands for; undefined for a real deployment. */
  readonly nestedAlias: string | undefined;
}

/** A learned group's router, and the artifact model each member id stands for. */
export interface LearnedGroupRouting {
  readonly router: LearnedRouterRuntime;
  readonly modelOfCandidate: ReadonlyMap<string, string>;
}

/** A rule ready to evaluate. */
export interface CompiledRule {
  readonly name: string;
  readonly evaluate: (facts: RuleFacts) => RuleOutcome;
  /** A deployment id of the group, or another group's alias. */
  readonly routeTo: string | undefined;
  readonly requireTags: readonly string[];
  readonly regions: readonly string[] | undefined;
  readonly exclude: ReadonlySet<string>;
  /** Reasoning settings for requests that set none. */
  readonly reasoning: ReasoningSettings | undefined;
}

/**
 * A model name and how requests for it are routed: members, strategy, rules, canary, fallbacks
 * and the failure policy of its attempts. Built once per configuration version; only `sequence`
 * changes (round robin's position).
 */
export interface ModelGroup {
  readonly alias: string;
  readonly strategy: RoutingStrategy;
  readonly members: readonly GroupMember[];
  readonly rules: readonly CompiledRule[];
  /** Semantic routes, tried after the rules when no rule routed the request. */
  readonly semantic?: SemanticRouteSet | undefined;
  /** Conversations stay on their warm deployment this long (ms); undefined: no affinity. */
  readonly sessionTtlMs?: number | undefined;
  readonly canary: CanaryConfig | undefined;
  readonly fallbacks: readonly string[];
  readonly fallbackOn: ReadonlySet<ErrorClass>;
  readonly retries: RetryPolicy;
  /** Set for `<provider>/<model>` names, which have one deployment and no configuration of their own. */
  readonly direct: boolean;
  /** Set when the group is a cascade: acceptance checks decide whether to escalate. */
  readonly cascade?: CascadeConfig | undefined;
  /** For `strategy: learned`: the router and which artifact model each member stands for. */
  readonly learned?: LearnedGroupRouting | undefined;
  /**
   * The group's most expensive deployment at list price (input + output), nested groups
   * included, when its deployments serve at least two priced models: what always using the
   * strongest model would cost, the baseline of routing savings. Undefined otherwise.
   */
  readonly strongest?: Deployment | undefined;
  /** How many requests this group has planned (round robin reads it). */
  sequence: number;
}
