import type { ModelRequestEnvelope } from '../canonical/model-request-envelope.ts';
import { GatewayError } from '../errors/gateway-error.ts';
import type { Cancellation } from '../lib/cancellation.ts';
import type { Clock } from '../lib/clock.ts';
import { callProvider, type ProviderCallResult } from '../upstream/call-provider.ts';
import { RequestTranslation } from '../upstream/request-translation.ts';
import type { UpstreamPool } from '../upstream/upstream-pool.ts';
import { executePlan, type AttemptRecord } from './execute-plan.ts';
import type { ModelResolution, PlannedTarget } from './model-catalog.ts';
import type { RoutingTable } from './routing-table.ts';

/** What routing needs besides the table: the shared pool, time, and response limits. */
export interface RoutingEnvironment {
  readonly pool: UpstreamPool;
  readonly clock: Clock;
  readonly maxResponseBytes: number;
}

/** A provider's answer together with who gave it and what was tried first. */
export type RoutedResponse = ProviderCallResult & {
  readonly target: PlannedTarget;
  readonly attempts: readonly AttemptRecord[];
};

/**
 * Sends a request along its plan: each target in order, falling back while nothing has reached
 * the client. Throws `PlanFailedError` when every target failed.
 */
export async function routeModelRequest(
  table: RoutingTable,
  resolution: ModelResolution,
  envelope: ModelRequestEnvelope,
  environment: RoutingEnvironment,
  cancellation: Cancellation,
): Promise<RoutedResponse> {
  const translation = new RequestTranslation(envelope);
  const result = await executePlan(
    resolution.targets,
    (target) => {
      const endpoint = table.endpoints.get(target.providerId);
      if (endpoint === undefined) {
        // Configuration validation makes this unreachable; fail the attempt, not the process.
        return Promise.reject(
          new GatewayError('SB_ERR_INTERNAL', {
            internalDetail: `no endpoint for ${target.providerId}`,
          }),
        );
      }
      return callProvider(endpoint, translation, target.upstreamModel, {
        pool: environment.pool,
        cancellation,
        clock: environment.clock,
        maxResponseBytes: environment.maxResponseBytes,
      });
    },
    environment.clock,
  );
  return { ...result.value, target: result.target, attempts: result.attempts };
}
