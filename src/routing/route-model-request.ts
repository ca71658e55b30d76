import type { AnswerSchemaCheck } from '../canonical/answer-schema-check.ts';
import type { ChatRequest } from '../canonical/chat-request.ts';
import type { ChatResponse } from '../canonical/chat-response.ts';
import { replayCachedAnswer, type CacheOutcome } from './replay-cached-answer.ts';
import type { ResponseFormat } from '../canonical/chat-request.ts';
import type { StreamEventFilter } from '../canonical/stream-event-filter.ts';
import type { ModelRequestEnvelope } from '../canonical/model-request-envelope.ts';
import { GatewayError } from '../errors/gateway-error.ts';
import type { Cancellation } from '../lib/cancellation.ts';
import type { Clock } from '../lib/clock.ts';
import type { Random } from '../lib/random.ts';
import type { RequestTrace } from '../lib/request-trace.ts';
import { callProvider, type ProviderCallResult } from '../upstream/call-provider.ts';
import { RequestTranslation } from '../upstream/request-translation.ts';
import type { UpstreamPool } from '../upstream/upstream-pool.ts';
import { buildRouteRequestFacts, type RouteCaller } from './build-route-request-facts.ts';
import type { DecisionTrace, TraceAttempt } from './decision-trace.ts';
import type { Deployment } from './deployment.ts';
import type { AsyncTextVectoriser } from './learned/router.ts';
import {
  executePlan,
  PlanFailedError,
  type AttemptHealth,
  type AttemptSettlement,
  type ExecutionEnvironment,
} from './execute-plan.ts';
import type { AttemptTicket } from './health/attempt-ticket.ts';
import type { DeploymentHealthRegistry } from './health/deployment-health-registry.ts';
import type { ModelGroup } from './model-group.ts';
import { planRoute, type PlanningEnvironment, type RoutePlan } from './plan-route.ts';
import type { RoutingTable } from './routing-table.ts';
import { askJudge } from './cascade/ask-judge.ts';
import { CascadeRun, type DiscardedAnswer } from './cascade/cascade-run.ts';
import type { SessionAffinityStore } from './sessions/session-affinity-store.ts';

/** What routing needs besides the table: the shared pool, health, time, chance and limits. */
export interface RoutingEnvironment {
  readonly pool: UpstreamPool;
  readonly clock: Clock;
  readonly random: Random;
  readonly health: DeploymentHealthRegistry;
  /** Waits between retries; resolves early when the cancellation fires. */
  readonly wait: (ms: number, cancellation: Cancellation) => Promise<void>;
  readonly maxResponseBytes: number;
  /** How long a stream is read on after its client left, to reach its usage (0: abort at once). */
  readonly streamDrainMs?: number;
  /** Where conversations were last served (session affinity); absent: no affinity. */
  readonly sessions?: SessionAffinityStore | undefined;
}

/**
 * The check answers must pass for the output format a client asked for (undefined: none); throws
 * `GatewayError` (400) for a format it refuses to check.
 */
export type AnswerSchemaCheckFactory = (
  format: ResponseFormat | undefined,
) => AnswerSchemaCheck | undefined;

/** What the caller of `routeModelRequest` adds to routing. */
export interface RouteHooks {
  /**
   * Runs between planning and the first attempt with every deployment the plan may reach; may
   * refuse (by throwing) or cap the output every attempt asks for (by returning the cap).
   */
  readonly beforeDispatch?: (deployments: readonly Deployment[]) => Promise<number | undefined>;
  /** Checks the gateway's own limits on each deployment before it is tried. */
  readonly admitDeployment?: ExecutionEnvironment['admitDeployment'];
  /** A new answer guard per attempt (a policy's `output`), if any. */
  readonly outputGuard?: (() => StreamEventFilter) | undefined;
  /** Validates every attempt's answer against the client's schema (a policy's `output.json_schema`). */
  readonly answerSchemaCheck?: AnswerSchemaCheckFactory | undefined;
  /** The response cache, when the request uses it. */
  readonly cache?: RouteCacheHook | undefined;
  /**
   * The check of the client's requested output format that a cascade's `schema_check` uses (the
   * policy's validator, whatever the policy says about validating); undefined: only a policy's.
   */
  readonly cascadeSchemaCheck?: AnswerSchemaCheckFactory | undefined;
  /** Serve a cascade group's targets as an ordinary plan (a cascade judge's own request). */
  readonly withoutCascade?: boolean | undefined;
  /** Where upstream attempts are traced; absent when tracing is off. */
  readonly trace?: RequestTrace | undefined;
}

/** A stored answer the cache found, and under which producing model. */
export interface CachedAnswer {
  readonly answer: ChatResponse;
  /** `<provider>/<model>` that produced it: one of the targets looked up. */
  readonly target: string;
  readonly outcome: CacheOutcome;
}

/** What routing asks of the response cache. */
export interface RouteCacheHook {
  /**
   * A stored answer under one of `targets` (`<provider>/<model>` of the deployments of the
   * requested alias, in plan order), if any; never rejects.
   */
  lookup(
    targets: readonly string[],
    chatRequest: () => ChatRequest | undefined,
  ): Promise<CachedAnswer | undefined>;
  /** Whether fresh answers will be stored (then every attempt's answer is recorded). */
  readonly records: boolean;
}

/** `<provider>/<model>`: the model identity cache entries are stored under. */
export function cacheTarget(deployment: Deployment): string {
  return `${deployment.providerId}/${deployment.upstreamModel}`;
}

/** A provider's answer together with who gave it, what was tried first and why. */
export type RoutedResponse = ProviderCallResult & {
  readonly deployment: Deployment;
  readonly attempts: readonly TraceAttempt[];
  readonly trace: DecisionTrace;
  /** Reports how the served exchange ended, once, so health and load stay true. */
  readonly settle: (settlement: AttemptSettlement) => void;
  /** How the response cache took part (absent when the request did not use it). */
  readonly cache?: CacheOutcome | undefined;
  /** Answers paid for but not served (a cascade's rejected tiers, its judge): charge them too. */
  readonly discarded?: readonly DiscardedAnswer[] | undefined;
};

/** What a request for some groups could reach: its deployments and its routers' async encoders. */
interface Reachable {
  readonly deployments: Deployment[];
  readonly vectorEncoders: AsyncTextVectoriser[];
}

/** Every deployment a request for these groups could reach: members, nested, rule targets, fallbacks. */
function reachable(table: RoutingTable, groups: readonly ModelGroup[]): Reachable {
  const found: Deployment[] = [];
  const encoders = new Map<string, AsyncTextVectoriser>();
  const seen = new Set<string>();
  const visit = (group: ModelGroup | undefined): void => {
    if (group === undefined || seen.has(group.alias)) {
      return;
    }
    seen.add(group.alias);
    const encoder = group.learned?.router.vectorEncoder;
    if (encoder !== undefined) encoders.set(encoder.id, encoder);
    for (const member of group.members) {
      if (member.nestedAlias === undefined) {
        found.push(member.deployment);
      } else {
        visit(table.catalog.group(member.nestedAlias));
      }
    }
    for (const rule of group.rules) {
      if (rule.routeTo !== undefined) {
        visit(table.catalog.group(rule.routeTo));
      }
    }
    for (const routeTo of group.semantic?.targets ?? []) {
      visit(table.catalog.group(routeTo));
    }
    for (const alias of group.fallbacks) {
      visit(table.catalog.group(alias));
    }
  };
  groups.forEach(visit);
  return { deployments: found, vectorEncoders: [...encoders.values()] };
}

function planningEnvironment(
  table: RoutingTable,
  environment: RoutingEnvironment,
): PlanningEnvironment {
  return {
    health: {
      availability: (deployment, nowMs) =>
        environment.health.get(table.catalog.healthKey(deployment)).availability(nowMs),
      load: (deployment, nowMs) =>
        environment.health.get(table.catalog.healthKey(deployment)).load(nowMs),
    },
    random: environment.random,
    clock: environment.clock,
    sessions: environment.sessions,
  };
}

/**
 * Plans a request without sending it: the decision and its trace. Throws `GatewayError` when no
 * deployment can serve it (see `refuseEmptyPlan`).
 */
export function planModelRequest(
  table: RoutingTable,
  groups: readonly ModelGroup[],
  envelope: ModelRequestEnvelope,
  caller: RouteCaller,
  environment: RoutingEnvironment,
): Promise<{ plan: RoutePlan; estimatedTokens: number }> {
  return planTranslatedRequest(
    table,
    groups,
    new RequestTranslation(envelope),
    caller,
    environment,
  );
}

async function planTranslatedRequest(
  table: RoutingTable,
  groups: readonly ModelGroup[],
  translation: RequestTranslation,
  caller: RouteCaller,
  environment: RoutingEnvironment,
): Promise<{ plan: RoutePlan; estimatedTokens: number }> {
  const { deployments, vectorEncoders } = reachable(table, groups);
  const facts = await buildRouteRequestFacts(translation, caller, deployments, vectorEncoders);
  const plan = planRoute(
    table.catalog,
    groups,
    translation.envelope.model,
    facts,
    planningEnvironment(table, environment),
  );
  if (plan.attempts.length === 0) {
    refuseEmptyPlan(plan, environment.clock);
  }
  return { plan, estimatedTokens: facts.estimatedInputTokens + facts.estimatedOutputTokens };
}

/** Why nothing can serve: too large for every window, all cooling down, or nothing eligible. */
function refuseEmptyPlan(plan: RoutePlan, clock: Clock): never {
  if (plan.tooLargeForEveryWindow) {
    throw new GatewayError('SB_ERR_UPSTREAM_CONTEXT_LENGTH', {
      detail: 'No deployment of this model has a context window large enough.',
    });
  }
  if (plan.unavailableUntilMs !== undefined) {
    throw new GatewayError('SB_ERR_ROUTE_UNAVAILABLE', {
      retryAfterSeconds: Math.max(
        1,
        Math.ceil((plan.unavailableUntilMs - clock.monotonic()) / 1000),
      ),
    });
  }
  throw new GatewayError('SB_ERR_ROUTE_NO_ELIGIBLE_DEPLOYMENT', {
    detail: 'Check x-signalbox-tags and x-signalbox-region against the deployments configured.',
  });
}

/** Starts attempt spans with what the table knows of each deployment's provider. */
function attemptTracer(
  table: RoutingTable,
  trace: RequestTrace,
): NonNullable<ExecutionEnvironment['traceAttempt']> {
  return (deployment, position, retry) => {
    const endpoint = table.endpoints.get(deployment.providerId);
    return trace.startAttempt({
      deployment: deployment.id,
      providerType: endpoint?.type.type ?? deployment.providerId,
      model: deployment.upstreamModel,
      origin: endpoint?.origin ?? '',
      position,
      retry,
    });
  };
}

function attemptHealth(
  table: RoutingTable,
  environment: RoutingEnvironment,
  estimatedTokens: number,
): ExecutionEnvironment['health'] {
  return (deployment) => {
    const health = environment.health.get(table.catalog.healthKey(deployment));
    const adapter: AttemptHealth = {
      begin: (nowMs, tokens, isRetry) => health.begin(nowMs, tokens, isRetry),
      succeeded: (ticket, nowMs, latencyMs) => {
        health.succeeded(ticket as AttemptTicket, nowMs, latencyMs);
      },
      failed: (ticket, nowMs, errorClass, retryAfterMs) => {
        health.failed(ticket as AttemptTicket, nowMs, errorClass, retryAfterMs);
      },
      finished: (ticket, nowMs, actualTokens) => {
        health.finished(ticket as AttemptTicket);
        if (actualTokens !== undefined) {
          health.adjustTokens(nowMs, actualTokens - estimatedTokens);
        }
      },
      tryRetry: (nowMs) => health.tryRetry(nowMs),
    };
    return adapter;
  };
}

/**
 * Serves the request from the cache when an answer is stored under a model of the requested
 * alias (never under a fallback's model: a fallback's answer must not stand in for the primary
 * model's). Turns on answer recording when fresh answers will be stored.
 */
async function lookUpCache(
  cache: RouteCacheHook | undefined,
  translation: RequestTranslation,
  plan: RoutePlan,
  environment: RoutingEnvironment,
): Promise<RoutedResponse | undefined> {
  if (cache === undefined) return undefined;
  if (cache.records) translation.recordAnswers();
  const primary = plan.attempts[0]?.group.alias;
  const deployments = new Map<string, Deployment>();
  for (const attempt of plan.attempts) {
    if (attempt.group.alias !== primary) continue;
    const target = cacheTarget(attempt.deployment);
    if (!deployments.has(target)) deployments.set(target, attempt.deployment);
  }
  const found = await cache.lookup([...deployments.keys()], () => {
    try {
      return translation.chatRequest;
    } catch {
      // A request the hub cannot express is still served; it only skips the semantic cache.
      return undefined;
    }
  });
  const deployment = found === undefined ? undefined : deployments.get(found.target);
  if (found === undefined || deployment === undefined) return undefined;
  return replayCachedAnswer(
    translation,
    found.answer,
    deployment,
    plan.trace,
    found.outcome,
    environment.clock.now(),
  );
}

/**
 * Plans a request and sends it along its plan: retries with backoff, fallbacks before the commit
 * point, health and load recorded for every attempt, with the caller's `hooks`. Throws `GatewayError` when nothing can
 * serve it and `PlanFailedError` (with the trace) when every attempt failed.
 */
export async function routeModelRequest(
  table: RoutingTable,
  groups: readonly ModelGroup[],
  envelope: ModelRequestEnvelope,
  caller: RouteCaller,
  environment: RoutingEnvironment,
  cancellation: Cancellation,
  hooks: RouteHooks = {},
): Promise<RoutedResponse> {
  const admit = hooks.beforeDispatch;
  const translation = new RequestTranslation(envelope);
  translation.guardOutput(hooks.outputGuard);
  translation.checkAnswers(hooks.answerSchemaCheck);
  const { plan, estimatedTokens } = await planTranslatedRequest(
    table,
    groups,
    translation,
    caller,
    environment,
  );
  translation.defaultReasoning(plan.trace.reasoning?.settings);
  const cached = await lookUpCache(hooks.cache, translation, plan, environment);
  if (cached !== undefined) return cached;
  if (admit !== undefined) {
    translation.limitOutputTokens(
      await admit([...new Set(plan.attempts.map((attempt) => attempt.deployment))]),
    );
  }
  const cascade =
    hooks.withoutCascade === true
      ? undefined
      : CascadeRun.prepare(groups[0], plan.attempts, translation, {
          schemaCheck: hooks.cascadeSchemaCheck,
          groupOf: (alias) => table.catalog.group(alias),
          now: () => environment.clock.now(),
          judge: (model, question, answer) =>
            askJudge(model, question, answer, async (judged) => {
              const group = table.catalog.group(model);
              if (group === undefined) throw new GatewayError('SB_ERR_MODEL_NOT_FOUND');
              return routeModelRequest(table, [group], judged, caller, environment, cancellation, {
                admitDeployment: hooks.admitDeployment,
                withoutCascade: true,
                trace: hooks.trace,
              });
            }),
        });
  try {
    const result = await executePlan(
      plan.attempts,
      (deployment, attemptCancellation, traceparent) => {
        const endpoint = table.endpoints.get(deployment.providerId);
        if (endpoint === undefined) {
          // Configuration validation makes this unreachable; fail the attempt, not the process.
          return Promise.reject(
            new GatewayError('SB_ERR_INTERNAL', {
              internalDetail: `no endpoint for ${deployment.providerId}`,
            }),
          );
        }
        const call = (sent: RequestTranslation) =>
          callProvider(endpoint, sent, deployment.upstreamModel, {
            pool: environment.pool,
            cancellation: attemptCancellation,
            clock: environment.clock,
            maxResponseBytes: environment.maxResponseBytes,
            streamDrainMs: environment.streamDrainMs ?? 0,
            timeouts: deployment.timeouts,
            traceparent,
          });
        return cascade === undefined ? call(translation) : cascade.attempt(deployment, call);
      },
      {
        health: attemptHealth(table, environment, estimatedTokens),
        clock: environment.clock,
        random: environment.random,
        wait: environment.wait,
        ...(hooks.admitDeployment === undefined ? {} : { admitDeployment: hooks.admitDeployment }),
        ...(hooks.trace === undefined ? {} : { traceAttempt: attemptTracer(table, hooks.trace) }),
      },
      cancellation,
      estimatedTokens,
    );
    if (plan.sessionKey !== undefined) {
      environment.sessions?.remember(
        plan.sessionKey,
        result.served.deployment.id,
        environment.clock.monotonic(),
      );
    }
    return {
      ...result.value,
      deployment: result.served.deployment,
      attempts: result.attempts,
      trace: cascade?.trace(plan.trace) ?? plan.trace,
      settle: result.settle,
      ...(cascade === undefined ? {} : { discarded: cascade.discarded }),
    };
  } catch (error) {
    if (error instanceof PlanFailedError) {
      throw new PlanFailedError(
        error.lastError,
        error.attempts,
        cascade?.trace(plan.trace) ?? plan.trace,
        cascade?.discarded,
      );
    }
    throw error;
  }
}
