import type { ModelRequestEnvelope } from '../canonical/model-request-envelope.ts';
import type { DecisionTrace } from '../routing/decision-trace.ts';
import type { Deployment } from '../routing/deployment.ts';
import { planModelRequest, type RoutingEnvironment } from '../routing/route-model-request.ts';
import type { RoutingTable } from '../routing/routing-table.ts';
import type { CompiledPolicy } from '../pipeline/policy/compiled-policy.ts';
import { applyRequestPolicy } from './apply-request-policy.ts';
import { resolveModelRequest } from './handle-model-request.ts';
import type { RequestContext } from './request-context.ts';

/** A routing decision without the call: what would serve the request, and what would follow. */
export interface RouteRecommendation {
  readonly model: string;
  readonly deployment: Deployment;
  readonly reason: string;
  readonly variant: 'canary' | 'stable' | undefined;
  /** The rest of the plan, in the order it would be tried after the choice. */
  readonly alternatives: readonly Deployment[];
  readonly decision: DecisionTrace;
}

/**
 * Plans a request exactly as serving it would (same checks, rules, filters, health and strategy)
 * and returns the decision instead of calling a model. The only state it changes is a group's
 * round-robin position. Throws `GatewayError` as serving would before the first attempt.
 */
export async function recommendRoute(
  context: RequestContext,
  original: ModelRequestEnvelope,
  table: RoutingTable,
  environment: RoutingEnvironment,
  policy: CompiledPolicy | undefined,
): Promise<RouteRecommendation> {
  const { envelope, groups, caller } = applyRequestPolicy(
    context,
    resolveModelRequest(context, original, table),
    policy,
    environment.clock,
  );
  const { plan } = await planModelRequest(table, groups, envelope, caller, environment);
  const [chosen, ...rest] = plan.attempts;
  if (chosen === undefined) {
    throw new Error('planModelRequest returned an empty plan');
  }
  return {
    model: envelope.model,
    deployment: chosen.deployment,
    reason: plan.trace.reason,
    variant: plan.trace.groups.find((group) => group.variant !== undefined)?.variant,
    alternatives: rest.map((attempt) => attempt.deployment),
    decision: plan.trace,
  };
}
