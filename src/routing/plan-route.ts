import type { Clock } from '../lib/clock.ts';
import type { Random } from '../lib/random.ts';
import { canaryVariant } from './canary-variant.ts';
import type { DeploymentAvailability } from './health/deployment-health.ts';
import type {
  DecisionTrace,
  EligibilityFilter,
  LearnedTrace,
  ReasoningDecision,
  SemanticTrace,
  TraceCandidate,
  TraceGroup,
  TraceRule,
} from './decision-trace.ts';
import type { Deployment } from './deployment.ts';
import { idleLoad, type DeploymentLoad } from './deployment-load.ts';
import type { TextVectoriser } from './learned/router.ts';
import { hasEvery, narrow, noNarrowing, type Narrowing } from './plan-narrowing.ts';
import { applySessionAffinity } from './sessions/apply-session-affinity.ts';
import type { SessionAffinityStore, WarmSession } from './sessions/session-affinity-store.ts';
import type { ModelCatalog } from './model-catalog.ts';
import type { GroupMember, ModelGroup } from './model-group.ts';
import type { RouteRequestFacts, WindowFit } from './route-request-facts.ts';
import type { StrategyCandidate } from './routing-strategy.ts';

/** What the planner reads about deployments' health; the health registry in production. */
export interface PlanningHealth {
  availability(deployment: Deployment, nowMs: number): DeploymentAvailability;
  load(deployment: Deployment, nowMs: number): DeploymentLoad;
}

export interface PlanningEnvironment {
  readonly health: PlanningHealth;
  /** Where conversations were last served, for groups with session affinity. */
  readonly sessions?: SessionAffinityStore | undefined;
  readonly random: Random;
  readonly clock: Clock;
}

/** One deployment of a plan, with the group whose failure policy governs its attempts. */
export interface PlannedAttempt {
  readonly deployment: Deployment;
  readonly group: ModelGroup;
}

/** The ordered deployments to try for a request, and why. */
export interface RoutePlan {
  readonly attempts: readonly PlannedAttempt[];
  readonly trace: DecisionTrace;
  /**
   * When the plan is empty because every candidate was cooling down or had its circuit open: the
   * earliest time (monotonic clock, ms) one of them may be tried again.
   */
  readonly unavailableUntilMs: number | undefined;
  /** The plan is empty and a context window was the reason for at least one candidate. */
  readonly tooLargeForEveryWindow: boolean;
  /** The conversation to remember the served deployment for (a group with session affinity). */
  readonly sessionKey: string | undefined;
}

/** Why an eligible deployment was moved to the end of its group's order. */
type Demotion = 'may-not-fit' | 'cooling-down';

/** Groups nest at most 8 deep (configuration validation); fallbacks add a few more levels. */
const maximumDepth = 24;

class Planner {
  readonly attempts: PlannedAttempt[] = [];
  readonly groups: TraceGroup[] = [];
  readonly #planned = new Set<string>();
  readonly #visited = new Set<string>();
  readonly #catalog: ModelCatalog;
  readonly #facts: RouteRequestFacts;
  readonly #environment: PlanningEnvironment;
  readonly #nowMs: number;
  #vectors: Map<TextVectoriser, Float32Array> | undefined;
  reason: string | undefined;
  reasoning: ReasoningDecision | undefined;
  sessionKey: string | undefined;
  soonestMs: number | undefined;
  windowFiltered = false;

  constructor(catalog: ModelCatalog, facts: RouteRequestFacts, environment: PlanningEnvironment) {
    this.#catalog = catalog;
    this.#facts = facts;
    this.#environment = environment;
    // Health keeps monotonic time.
    this.#nowMs = environment.clock.monotonic();
  }

  planGroup(group: ModelGroup, via: TraceGroup['via'], inherited: Narrowing, depth: number): void {
    if (this.#visited.has(group.alias) || depth > maximumDepth) {
      return;
    }
    this.#visited.add(group.alias);
    const sequence = group.sequence;
    group.sequence = sequence + 1;

    const rules: TraceRule[] = [];
    let routeTo: string | undefined;
    let routeRule: string | undefined;
    let narrowing = inherited;
    if (group.rules.length > 0) {
      const context = this.#facts.ruleContext();
      for (const rule of group.rules) {
        const outcome = rule.evaluate(context);
        rules.push(
          outcome.error === undefined
            ? { name: rule.name, matched: outcome.matched }
            : { name: rule.name, matched: false, error: outcome.error },
        );
        if (!outcome.matched) {
          continue;
        }
        if (rule.reasoning !== undefined && this.reasoning === undefined) {
          this.reasoning = { settings: rule.reasoning, source: `rule:${rule.name}` };
        }
        if (rule.routeTo !== undefined && routeTo === undefined) {
          routeTo = rule.routeTo;
          routeRule = rule.name;
        }
        narrowing = narrow(narrowing, rule.requireTags, rule.regions, rule.exclude);
      }
    }
    let semantic: SemanticTrace | undefined;
    if (routeTo === undefined && group.semantic !== undefined) {
      const text = this.#facts.routingText();
      if (text !== '') {
        const started = performance.now();
        const match = group.semantic.match(this.#vectorOf(group.semantic.encoder, text));
        semantic = {
          route: match.route,
          nearest: match.nearest,
          similarity: match.similarity,
          threshold: match.threshold,
          micros: Math.round((performance.now() - started) * 1000),
        };
        routeTo = match.routeTo;
      }
    }
    const variant =
      group.canary === undefined
        ? undefined
        : canaryVariant(group.canary, group.alias, this.#facts);
    this.reason ??= group.direct
      ? 'direct'
      : routeRule !== undefined
        ? `rule:${routeRule}`
        : semantic?.route !== undefined
          ? `semantic:${semantic.route}`
          : variant === 'canary'
            ? 'canary'
            : group.strategy.name;

    const routeToGroup =
      routeTo === undefined || group.members.some((member) => member.deployment.id === routeTo)
        ? undefined
        : this.#catalog.group(routeTo);

    const candidates: StrategyCandidate[] = [];
    const members = new Map<string, GroupMember>();
    const fits = new Map<string, WindowFit>();
    const demoted = new Map<string, Demotion>();
    const traced: { id: string; filteredBy: EligibilityFilter | undefined }[] = [];
    for (const member of group.members) {
      const filteredBy = this.#filter(member, narrowing, group, variant, fits, demoted);
      traced.push({ id: member.deployment.id, filteredBy });
      if (filteredBy === undefined) {
        members.set(member.deployment.id, member);
        candidates.push({
          deployment: member.deployment,
          load:
            member.nestedAlias === undefined
              ? this.#environment.health.load(member.deployment, this.#nowMs)
              : idleLoad,
        });
      }
    }
    let learnedTrace: LearnedTrace | undefined;
    const facts = this.#facts;
    const ranked = group.strategy.rank(candidates, {
      random: this.#environment.random,
      nowMs: this.#nowMs,
      sequence,
      estimatedInputTokens: facts.estimatedInputTokens,
      estimatedOutputTokens: facts.estimatedOutputTokens,
      learned:
        group.learned === undefined
          ? undefined
          : {
              router: group.learned.router,
              modelOfCandidate: group.learned.modelOfCandidate,
              promptText: () => facts.routingText(),
              promptVector: (encoderId) => facts.routingVector(encoderId),
              report: (trace, reasoning) => {
                learnedTrace = trace;
                if (reasoning !== undefined && this.reasoning === undefined) {
                  this.reasoning = { settings: reasoning, source: `learned:${trace.router}` };
                }
              },
            },
    });
    const scores = new Map(ranked.map((entry) => [entry.candidate.deployment.id, entry.score]));
    let order = ranked.map((entry) => entry.candidate.deployment.id);
    // Whatever the strategy: deployments a request may not fit go after those it surely fits,
    // and deployments cooling down after a rate limit go last (tried only if all else fails).
    if (demoted.size > 0) {
      order = [
        ...order.filter((id) => !demoted.has(id)),
        ...order.filter((id) => demoted.get(id) === 'may-not-fit'),
        ...order.filter((id) => demoted.get(id) === 'cooling-down'),
      ];
    }
    const first =
      routeTo !== undefined && members.has(routeTo) && demoted.get(routeTo) !== 'cooling-down'
        ? routeTo
        : variant === 'canary' && group.canary !== undefined && members.has(group.canary.target)
          ? group.canary.target
          : undefined;
    if (first !== undefined) {
      order = [first, ...order.filter((id) => id !== first)];
    }
    const warm = first === undefined ? this.#warmSession(group) : undefined;
    const session =
      warm === undefined
        ? undefined
        : applySessionAffinity(
            { group, order, members, demoted, learned: learnedTrace },
            warm,
            this.#facts,
          );
    if (session?.kept === true) {
      order = [session.warm, ...order.filter((id) => id !== session.warm)];
    }
    const candidatesTrace: TraceCandidate[] = traced.map((entry) => ({
      id: entry.id,
      filteredBy: entry.filteredBy,
      demotedBy: demoted.get(entry.id),
      score: scores.get(entry.id),
    }));
    this.groups.push({
      alias: group.alias,
      strategy: group.strategy.name,
      via,
      rules,
      variant,
      candidates: candidatesTrace,
      order,
      ...(learnedTrace === undefined ? {} : { learned: learnedTrace }),
      ...(semantic === undefined ? {} : { semantic }),
      ...(session === undefined ? {} : { session }),
    });

    if (routeToGroup !== undefined) {
      this.planGroup(routeToGroup, 'rule', narrowing, depth + 1);
    }
    for (const id of order) {
      const member = members.get(id);
      if (member === undefined) {
        continue;
      }
      if (member.nestedAlias !== undefined) {
        const nested = this.#catalog.group(member.nestedAlias);
        if (nested !== undefined) {
          this.planGroup(nested, 'nested', narrowing, depth + 1);
        }
        continue;
      }
      if (!this.#planned.has(id)) {
        this.#planned.add(id);
        this.attempts.push({ deployment: member.deployment, group });
      }
    }
    for (const alias of group.fallbacks) {
      const fallback = this.#catalog.group(alias);
      if (fallback !== undefined) {
        // Narrowing holds for fallbacks too: a "zdr only" rule binds whatever model serves.
        this.planGroup(fallback, 'fallback', narrowing, depth + 1);
      }
    }
  }

  /** Where this request's conversation was served last, for a group with session affinity. */
  #warmSession(group: ModelGroup): WarmSession | undefined {
    const sessions = this.#environment.sessions;
    if (group.sessionTtlMs === undefined || sessions === undefined) return undefined;
    const key = this.#facts.sessionKey();
    if (key === undefined) return undefined;
    this.sessionKey ??= key;
    return sessions.warm(key, this.#nowMs, group.sessionTtlMs);
  }

  /** The request's routing text encoded once per encoder for this plan. */
  #vectorOf(encoder: TextVectoriser, text: string): Float32Array {
    this.#vectors ??= new Map();
    let vector = this.#vectors.get(encoder);
    if (vector === undefined) {
      vector = encoder.encodeOne(text);
      this.#vectors.set(encoder, vector);
    }
    return vector;
  }

  #filter(
    member: GroupMember,
    narrowing: Narrowing,
    group: ModelGroup,
    variant: 'canary' | 'stable' | undefined,
    fits: Map<string, WindowFit>,
    demoted: Map<string, Demotion>,
  ): EligibilityFilter | undefined {
    const deployment = member.deployment;
    const facts = this.#facts;
    if (variant === 'stable' && group.canary?.target === deployment.id) {
      return 'canary-control';
    }
    if (narrowing.exclude.has(deployment.id)) {
      return 'rule-exclude';
    }
    if (member.nestedAlias !== undefined) {
      // A nested group applies the narrowing to its own deployments.
      return this.#filterWindow(deployment, fits);
    }
    if (this.#planned.has(deployment.id)) {
      return 'already-planned';
    }
    if (!hasEvery(deployment.tags, narrowing.tags)) {
      return 'rule-require-tags';
    }
    if (
      narrowing.regions !== undefined &&
      (deployment.region === undefined || !narrowing.regions.has(deployment.region))
    ) {
      return 'rule-regions';
    }
    if (!hasEvery(deployment.tags, facts.requestedTags)) {
      return 'requested-tags';
    }
    if (facts.requestedRegion !== undefined && deployment.region !== facts.requestedRegion) {
      return 'requested-region';
    }
    if (!facts.policyAllows(deployment)) {
      return 'policy';
    }
    if (facts.images && deployment.vision === false) {
      return 'vision';
    }
    const window = this.#filterWindow(deployment, fits);
    if (window !== undefined) {
      return window;
    }
    if (fits.get(deployment.id) === 'unknown') {
      demoted.set(deployment.id, 'may-not-fit');
    }
    const availability = this.#environment.health.availability(deployment, this.#nowMs);
    if (!availability.available && availability.reason === 'cooling-down') {
      // A rate limit says "not now", not "broken": with nothing else to try, trying it beats
      // refusing (a lone deployment must not be locked out for the length of a Retry-After).
      demoted.set(deployment.id, 'cooling-down');
      return undefined;
    }
    if (!availability.available) {
      this.soonestMs =
        this.soonestMs === undefined
          ? availability.untilMs
          : Math.min(this.soonestMs, availability.untilMs);
      return 'circuit-open';
    }
    return undefined;
  }

  #filterWindow(
    deployment: Deployment,
    fits: Map<string, WindowFit>,
  ): EligibilityFilter | undefined {
    const fit = this.#facts.fits(deployment);
    fits.set(deployment.id, fit);
    if (fit === 'too-large') {
      this.windowFiltered = true;
      return 'context-window';
    }
    return undefined;
  }
}

/**
 * Plans a request: for the requested model (then each model of the request's own fallback list),
 * evaluates the group's rules, filters the eligible deployments (rules, requested tags and
 * region, images, context window, health), lets the group's strategy order them, expands nested
 * groups and appends the group's fallbacks. Does no I/O; the only state it changes is each
 * planned group's `sequence`. Never throws for a known model; an empty plan says why in
 * `unavailableUntilMs` and `tooLargeForEveryWindow`.
 */
export function planRoute(
  catalog: ModelCatalog,
  models: readonly ModelGroup[],
  requestedModel: string,
  facts: RouteRequestFacts,
  environment: PlanningEnvironment,
): RoutePlan {
  const started = environment.clock.monotonic();
  const planner = new Planner(catalog, facts, environment);
  models.forEach((group, index) => {
    planner.planGroup(group, index === 0 ? 'request' : 'request-fallback', noNarrowing, 0);
  });
  const empty = planner.attempts.length === 0;
  return {
    attempts: planner.attempts,
    trace: {
      model: requestedModel,
      reason: planner.reason ?? 'none',
      groups: planner.groups,
      planMicros: Math.round((environment.clock.monotonic() - started) * 1000),
      estimatedInputTokens: facts.estimatedInputTokens,
      ...(planner.reasoning === undefined ? {} : { reasoning: planner.reasoning }),
    },
    unavailableUntilMs: empty ? planner.soonestMs : undefined,
    tooLargeForEveryWindow: empty && planner.windowFiltered,
    sessionKey: planner.sessionKey,
  };
}
