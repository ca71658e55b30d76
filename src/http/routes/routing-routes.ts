import type { ModelOperation } from '../../canonical/model-operation.ts';
import type { IngressCodec } from '../../dialects/dialect-codec.ts';
import { anthropicMessagesIngress } from '../../dialects/anthropic-messages/anthropic-messages-codec.ts';
import { openAiChatIngress } from '../../dialects/openai-chat/openai-chat-codec.ts';
import { openAiResponsesIngress } from '../../dialects/openai-responses/openai-responses-codec.ts';
import type {
  DecisionTrace,
  Deployment,
  DeploymentStatus,
  RouteRecommendation,
} from '../../gateway/gateway.ts';
import type { Route } from '../router.ts';
import { readModelRequest } from './model-operation-handler.ts';
import type { RouteHandler } from './route-handler.ts';

function deploymentSummary(deployment: Deployment) {
  return {
    deployment: deployment.id,
    provider: deployment.providerId,
    upstream_model: deployment.upstreamModel,
    region: deployment.region ?? null,
    tags: deployment.tags,
  };
}

/** The decision trace on the wire, in the API's snake_case. */
export function wireDecisionTrace(trace: DecisionTrace) {
  return {
    model: trace.model,
    reason: trace.reason,
    plan_micros: trace.planMicros,
    estimated_input_tokens: trace.estimatedInputTokens,
    ...(trace.reasoning === undefined
      ? {}
      : {
          reasoning: {
            effort: trace.reasoning.settings.effort ?? null,
            budget_tokens: trace.reasoning.settings.budgetTokens ?? null,
            source: trace.reasoning.source,
          },
        }),
    ...(trace.cascade === undefined
      ? {}
      : {
          cascade: {
            group: trace.cascade.group,
            escalated: trace.cascade.escalated,
            tiers: trace.cascade.tiers.map((tier) => ({
              deployment: tier.deployment,
              accepted: tier.accepted,
              final: tier.final,
              reasons: tier.reasons,
              confidence: tier.confidence ?? null,
            })),
          },
        }),
    groups: trace.groups.map((group) => ({
      alias: group.alias,
      strategy: group.strategy,
      via: group.via,
      variant: group.variant ?? null,
      rules: group.rules.map((rule) => ({
        name: rule.name,
        matched: rule.matched,
        ...(rule.error === undefined ? {} : { error: rule.error }),
      })),
      candidates: group.candidates.map((candidate) => ({
        deployment: candidate.id,
        eligible: candidate.filteredBy === undefined,
        filtered_by: candidate.filteredBy ?? null,
        demoted_by: candidate.demotedBy ?? null,
        score: candidate.score ?? null,
      })),
      order: group.order,
      ...(group.learned === undefined
        ? {}
        : {
            learned: {
              router: group.learned.router,
              version: group.learned.version,
              choice: group.learned.choice ?? null,
              score: group.learned.score ?? null,
              threshold: group.learned.threshold ?? null,
              difficulty: group.learned.difficulty ?? null,
              micros: group.learned.micros,
            },
          }),
      ...(group.session === undefined
        ? {}
        : {
            session: {
              warm: group.session.warm,
              kept: group.session.kept,
              reason: group.session.reason,
              stay_usd: group.session.stayUsd ?? null,
              switch_usd: group.session.switchUsd ?? null,
            },
          }),
      ...(group.semantic === undefined
        ? {}
        : {
            semantic: {
              route: group.semantic.route ?? null,
              nearest: group.semantic.nearest ?? null,
              similarity: group.semantic.similarity,
              threshold: group.semantic.threshold ?? null,
              micros: group.semantic.micros,
            },
          }),
    })),
  };
}

function wireRecommendation(recommendation: RouteRecommendation) {
  return {
    object: 'route',
    model: recommendation.model,
    ...deploymentSummary(recommendation.deployment),
    reason: recommendation.reason,
    variant: recommendation.variant ?? null,
    alternatives: recommendation.alternatives.map(deploymentSummary),
    decision: wireDecisionTrace(recommendation.decision),
  };
}

/**
 * `POST /v1/route` (and `/v1/route/messages`, `/v1/route/responses` for Anthropic Messages and
 * Responses bodies): the routing decision for a request body, without calling any model. Same
 * authentication, model access and checks as the serving route.
 */
function recommendHandler(ingress: IngressCodec, operation: ModelOperation): RouteHandler {
  return async function recommend(exchange, dependencies) {
    const { context, envelope } = await readModelRequest(
      exchange,
      dependencies,
      ingress,
      operation,
    );
    const recommendation = await dependencies.gateway.recommendRoute(context, envelope);
    exchange.sendJson(200, wireRecommendation(recommendation));
    return {
      status: 200,
      outcome: 'completed',
      requestedModel: envelope.model,
      decision: recommendation.decision,
    };
  };
}

function wireDeploymentStatus(status: DeploymentStatus) {
  const health = status.health;
  return {
    ...deploymentSummary(status.deployment),
    groups: status.groups,
    weight: status.deployment.weight,
    priority: status.deployment.priority,
    rpm: status.deployment.rpm ?? null,
    tpm: status.deployment.tpm ?? null,
    context_window: status.deployment.contextWindow ?? null,
    circuit: health.circuit,
    circuit_until:
      health.circuitUntilMs === undefined ? null : new Date(health.circuitUntilMs).toISOString(),
    cooling_down_until:
      health.coolingDownUntilMs === undefined
        ? null
        : new Date(health.coolingDownUntilMs).toISOString(),
    latency_ewma_ms:
      health.latencyEwmaMs === undefined ? null : Math.round(health.latencyEwmaMs * 1000) / 1000,
    in_flight: health.inFlight,
    requests_last_minute: health.requestsLastMinute,
    tokens_last_minute: health.tokensLastMinute,
    error_rate: Math.round(health.errorRate * 10_000) / 10_000,
    consecutive_failures: health.consecutiveFailures,
  };
}

/** `GET /admin/deployments`: every deployment with its circuit, latency, load and error rate. */
const listDeployments: RouteHandler = (exchange, dependencies) => {
  const data = dependencies.gateway.deployments().map(wireDeploymentStatus);
  exchange.sendJson(200, { object: 'list', data });
  return Promise.resolve({ status: 200, outcome: 'completed' });
};

/** Routing routes: recommendations for other gateways, and deployment health for operators. */
export const routingRoutes: readonly Route<RouteHandler>[] = [
  {
    method: 'POST',
    path: '/v1/route',
    access: 'model',
    modelRoute: 'route',
    errorCodec: openAiChatIngress,
    handler: recommendHandler(openAiChatIngress, 'chat'),
  },
  {
    method: 'POST',
    path: '/v1/route/messages',
    access: 'model',
    modelRoute: 'route',
    errorCodec: anthropicMessagesIngress,
    handler: recommendHandler(anthropicMessagesIngress, 'chat'),
  },
  {
    method: 'POST',
    path: '/v1/route/responses',
    access: 'model',
    modelRoute: 'route',
    errorCodec: openAiResponsesIngress,
    handler: recommendHandler(openAiResponsesIngress, 'chat'),
  },
  {
    method: 'GET',
    path: '/admin/deployments',
    access: 'platform',
    handler: listDeployments,
  },
];
