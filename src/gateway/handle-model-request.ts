import type { ModelRequestEnvelope } from '../canonical/model-request-envelope.ts';
import { GatewayError } from '../errors/gateway-error.ts';
import { rejectDestinationFields } from '../pipeline/destination-guard.ts';
import { enforceRateLimits } from '../pipeline/limits/enforce-rate-limits.ts';
import { isModelAllowed } from '../pipeline/identity/model-access.ts';
import { estimateRequestTokens, type RouteCaller } from '../routing/build-route-request-facts.ts';
import type { ModelGroup } from '../routing/model-group.ts';
import { routeModelRequest, type RoutingEnvironment } from '../routing/route-model-request.ts';
import type { RateLimitStore } from '../storage/ports.ts';
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

/**
 * What one model request does, independent of HTTP: the checks of `resolveModelRequest`, then the
 * configured rate limits (all charged at once, or none), then routing. Throws `GatewayError`
 * (`SB_ERR_RATE_LIMITED` among them) or `PlanFailedError`; nothing is sent upstream before every
 * check has passed. Token limits are corrected by the actual usage when the exchange settles,
 * and refunded when routing fails.
 */
export async function handleModelRequest(
  context: RequestContext,
  original: ModelRequestEnvelope,
  table: RoutingTable,
  environment: RoutingEnvironment,
  rateLimits: RateLimitStore,
): Promise<RoutedResponse> {
  const { envelope, groups, caller } = resolveModelRequest(context, original, table);
  if (table.config.limits.length === 0) {
    // No limits configured: nothing to charge, nothing to correct.
    const routed = await routeModelRequest(
      table,
      groups,
      envelope,
      caller,
      environment,
      context.cancellation,
    );
    return { ...routed, rateLimitHeaders: {} };
  }
  const estimatedTokens = estimateRequestTokens(envelope);
  const requested = groups[0];
  const admission = await enforceRateLimits(
    rateLimits,
    table.config.limits,
    {
      keyId: context.principal.keyId,
      team: context.principal.team,
      model: envelope.model,
      modelNames: (requested?.members ?? []).map(
        (member) => `${member.deployment.providerId}/${member.deployment.upstreamModel}`,
      ),
    },
    estimatedTokens,
  );
  let routed;
  try {
    routed = await routeModelRequest(
      table,
      groups,
      envelope,
      caller,
      environment,
      context.cancellation,
    );
  } catch (error) {
    void admission.settle(0);
    throw error;
  }
  return {
    ...routed,
    rateLimitHeaders: admission.headers,
    settle(settlement) {
      routed.settle(settlement);
      void admission.settle(settlement.totalTokens);
    },
  };
}
