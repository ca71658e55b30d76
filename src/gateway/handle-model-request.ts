import type { StreamEventFilter } from '../canonical/stream-event-filter.ts';
import type { AnswerSchemaCheckFactory } from '../routing/route-model-request.ts';
import type { ModelRequestEnvelope } from '../canonical/model-request-envelope.ts';
import { GatewayError } from '../errors/gateway-error.ts';
import { rejectDestinationFields } from '../pipeline/destination-guard.ts';
import { admitLimits, type LimitStores } from '../pipeline/limits/admit-request-limits.ts';
import type { CompiledPolicy } from '../pipeline/policy/compiled-policy.ts';
import { applyRequestPolicy } from './apply-request-policy.ts';
import { admitDeploymentLimits } from '../pipeline/limits/admit-deployment-limits.ts';
import { isModelAllowed } from '../pipeline/identity/model-access.ts';
import { requestedMaxTokens } from '../canonical/requested-max-tokens.ts';
import { estimateRequestTokens, type RouteCaller } from '../routing/build-route-request-facts.ts';
import type { Deployment } from '../routing/deployment.ts';
import {
  admitSpend,
  type SpendAdmission,
  type SpendEnvironment,
} from '../pipeline/budgets/admit-spend.ts';
import type { ModelGroup } from '../routing/model-group.ts';
import {
  routeModelRequest,
  type RoutedResponse as RoutedProviderResponse,
  type RoutingEnvironment,
} from '../routing/route-model-request.ts';
import type { DiscardedAnswer } from '../routing/cascade/cascade-run.ts';
import { PlanFailedError } from '../routing/execute-plan.ts';
import { compileAnswerSchemaCheck } from '../pipeline/policy/answer-schema-check.ts';
import type { Usage } from '../canonical/usage.ts';
import { recordCacheHitSpend } from '../pipeline/budgets/record-cache-hit-spend.ts';
import type { BudgetRule } from '../pipeline/budgets/plan-budget-lines.ts';
import type { ResponseCache } from '../pipeline/cache/response-cache.ts';
import { rememberFreshAnswer, requestCache } from './response-cache-hook.ts';
import type { SpendSubject } from '../storage/ports.ts';
import type { RoutedResponse } from './gateway.ts';
import type { RoutingTable } from '../routing/routing-table.ts';
import { readPlacementHeaders } from './read-placement-headers.ts';
import type { RequestContext } from './request-context.ts';
import { takeRequestFallbacks } from './take-request-fallbacks.ts';

/** A request ready to plan: its groups (requested model first), without its fallback list. */
export interface ResolvedModelRequest {
  readonly envelope: ModelRequestEnvelope;
  readonly groups: readonly ModelGroup[];
  readonly caller: RouteCaller;
  /** A new answer guard per attempt, when the policy in force guards answers. */
  readonly outputGuard?: (() => StreamEventFilter) | undefined;
  /** When the policy in force validates structured output: the check for a format. */
  readonly answerSchemaCheck?: AnswerSchemaCheckFactory | undefined;
}

/**
 * Everything checked before routing, the same for serving and for recommending: no
 * client-chosen destination, every model named (the requested one and each of `models`) allowed
 * for the key and configured, placement headers well formed. Throws `GatewayError`.
 */
export function resolveModelRequest(
  context: RequestContext,
  original: ModelRequestEnvelope,
  table: RoutingTable,
): ResolvedModelRequest {
  rejectDestinationFields(original.body.value, context.headerNames);
  const { envelope, models } = takeRequestFallbacks(original);
  const names = [envelope.model, ...models];
  const groups = names.map((name, index) => {
    const param = index === 0 ? 'model' : `models[${index - 1}]`;
    if (!isModelAllowed(context.principal.allowedModels, name)) {
      throw new GatewayError('SB_ERR_AUTH_MODEL_NOT_ALLOWED', {
        param,
        detail: `This key may not use \`${name}\`.`,
      });
    }
    const group = table.catalog.group(name);
    if (group === undefined) {
      throw new GatewayError('SB_ERR_MODEL_NOT_FOUND', {
        param,
        detail: `\`${name}\` is not configured; GET /v1/models lists what this key may use.`,
      });
    }
    return group;
  });
  const placement = readPlacementHeaders(context.headers);
  const principal = context.principal;
  return {
    envelope,
    groups,
    caller: {
      requestId: context.requestId,
      key: {
        id: principal.keyId,
        name: principal.keyName,
        team: principal.team,
        tags: principal.tags,
      },
      headers: context.headers,
      requestedTags: placement.tags,
      requestedRegion: placement.region,
    },
  };
}

/** Where a model request's limits and spend are counted. */
export interface ModelRequestAccounting extends LimitStores {
  /** The policy in force now (undefined: none). */
  readonly policy: () => CompiledPolicy | undefined;
  /** The response cache in force now (undefined: none configured). */
  readonly cache?: () => ResponseCache | undefined;
  readonly spend: SpendEnvironment;
  /** The budgets in force now (configured plus API-made); the same array until one changes. */
  readonly budgets: () => readonly BudgetRule[];
}

/** Who a request is charged as, for budgets and the ledger. */
function spendSubject(context: RequestContext, model: string): SpendSubject {
  const principal = context.principal;
  return {
    keyId: principal.keyId,
    user: principal.userId ?? null,
    org: principal.org,
    team: principal.team ?? null,
    tags: principal.tags,
    model,
  };
}

/** Input plus output tokens, when both are known. */
function totalTokensOf(usage: Usage | undefined): number | undefined {
  const input = usage?.inputTokens.total;
  const output = usage?.outputTokens.total;
  return input === undefined || output === undefined ? undefined : input + output;
}

/**
 * The tokens a request used in all: the served exchange's and every discarded answer's (a
 * cascade's rejected tiers, its judge), for the token limits.
 */
function tokensWithDiscarded(
  served: number | undefined,
  discarded: readonly DiscardedAnswer[],
): number | undefined {
  if (discarded.length === 0 || served === undefined) return served;
  return discarded.reduce((sum, answer) => sum + (totalTokensOf(answer.usage) ?? 0), served);
}

/** The lower of two optional limits. */
function lowerLimit(first: number | undefined, second: number | undefined): number | undefined {
  if (first === undefined) return second;
  return second === undefined ? first : Math.min(first, second);
}

/**
 * What one model request does, independent of HTTP: the checks of `resolveModelRequest`, then the
 * configured rate limits (all charged at once, or none), then routing; between planning and the
 * first attempt, the request's cost bound is reserved on every budget that applies and the
 * output every attempt asks for is capped to what was reserved (and to the key's own cap).
 * Throws `GatewayError` (`SB_ERR_RATE_LIMITED`, `SB_ERR_BUDGET_EXCEEDED` among them) or
 * `PlanFailedError`; nothing is sent upstream before every check has passed. When the exchange
 * is over, token limits are corrected by the actual usage and the ledger row is written with
 * the actual cost; a request that fails is written at no cost and its hold released.
 */
export async function handleModelRequest(
  context: RequestContext,
  original: ModelRequestEnvelope,
  table: RoutingTable,
  environment: RoutingEnvironment,
  accounting: ModelRequestAccounting,
): Promise<RoutedResponse> {
  const policy = accounting.policy();
  const { envelope, groups, caller, outputGuard, answerSchemaCheck } = applyRequestPolicy(
    context,
    resolveModelRequest(context, original, table),
    policy,
    environment.clock,
  );
  context.onForwarded?.(envelope);
  const cache = accounting.cache?.();
  const usedCache =
    cache === undefined ? undefined : requestCache(cache, context, envelope, policy?.version);
  const estimatedTokens = estimateRequestTokens(envelope);
  const deploymentRules = table.config.limits.filter((rule) => rule.scope === 'deployment');
  const requestRules = table.config.limits.filter((rule) => rule.scope !== 'deployment');
  const limitSubject = {
    keyId: context.principal.keyId,
    team: context.principal.team,
    model: envelope.model,
    modelNames: (groups[0]?.members ?? []).map(
      (member) => `${member.deployment.providerId}/${member.deployment.upstreamModel}`,
    ),
  };
  const limits =
    requestRules.length === 0
      ? undefined
      : await admitLimits(
          accounting,
          requestRules,
          limitSubject,
          estimatedTokens,
          context.requestId,
        );
  const keyCap = context.principal.maxOutputTokens ?? undefined;
  let spend: SpendAdmission | undefined;
  const admit = async (deployments: readonly Deployment[]): Promise<number | undefined> => {
    spend = await admitSpend(accounting.spend, accounting.budgets(), {
      requestId: context.requestId,
      audited: context.unaudited !== true,
      subject: spendSubject(context, envelope.model),
      envelope,
      requestedMaxTokens: lowerLimit(requestedMaxTokens(envelope.body.value), keyCap),
      deployments,
    });
    return lowerLimit(spend.outputTokenCap, keyCap);
  };
  let routed;
  try {
    routed = await routeModelRequest(
      table,
      groups,
      envelope,
      caller,
      environment,
      context.cancellation,
      {
        beforeDispatch: admit,
        outputGuard,
        answerSchemaCheck,
        // A cascade checks answers against the requested schema whatever the policy says.
        cascadeSchemaCheck: (format) => compileAnswerSchemaCheck(format, 'fallback'),
        cache: usedCache?.hook,
        trace: context.trace,
        ...(deploymentRules.length === 0
          ? {}
          : {
              admitDeployment: (deployment: Deployment) =>
                admitDeploymentLimits(
                  accounting,
                  deploymentRules,
                  { ...limitSubject, deployment: deployment.id },
                  estimatedTokens,
                  `${context.requestId}/${deployment.id}`,
                ),
            }),
      },
    );
  } catch (error) {
    // A cascade's rejected answers were paid for even when no later tier could answer.
    const discarded = error instanceof PlanFailedError ? error.discarded : [];
    limits?.release(tokensWithDiscarded(0, discarded));
    spend?.settle({ outcome: 'failed', usage: undefined, deployment: undefined, discarded });
    throw error;
  }
  if (routed.cache?.status === 'hit' || routed.cache?.status === 'semantic-hit') {
    return servedFromCache(routed, limits, accounting, context, envelope.model);
  }
  const served =
    usedCache?.hook !== undefined
      ? rememberFreshAnswer(usedCache, routed)
      : {
          ...routed,
          cache: usedCache === undefined || 'decision' in usedCache ? undefined : usedCache.outcome,
        };
  return {
    ...served,
    rateLimitHeaders: { ...limits?.headers, ...spend?.headers },
    settle(settlement) {
      served.settle(settlement);
      const discarded = served.discarded ?? [];
      limits?.release(tokensWithDiscarded(settlement.totalTokens, discarded));
      spend?.settle({
        outcome:
          settlement.clientClosed === true
            ? 'client-closed'
            : settlement.failed === undefined
              ? 'completed'
              : 'failed',
        usage: settlement.usageFinal === false ? undefined : settlement.usage,
        deployment: served.deployment,
        discarded,
        baseline: groups[0]?.strongest,
      });
    },
  };
}

/**
 * A request answered from the cache: no budget was held and no provider called, so its ledger
 * row costs nothing and its token limits are given back in full.
 */
function servedFromCache(
  routed: RoutedProviderResponse,
  limits:
    | { release(tokens: number | undefined): void; headers: Readonly<Record<string, string>> }
    | undefined,
  accounting: ModelRequestAccounting,
  context: RequestContext,
  model: string,
): RoutedResponse {
  recordCacheHitSpend(accounting.spend, {
    requestId: context.requestId,
    subject: spendSubject(context, model),
    deployment: routed.deployment,
    savedNanos:
      routed.cache?.savedUsd === undefined ? undefined : Math.round(routed.cache.savedUsd * 1e9),
  });
  let settled = false;
  return {
    ...routed,
    rateLimitHeaders: { ...limits?.headers },
    settle() {
      if (settled) return;
      settled = true;
      limits?.release(0);
    },
  };
}
