import type { ModelRequestEnvelope } from '../canonical/model-request-envelope.ts';
import { GatewayError } from '../errors/gateway-error.ts';
import { rejectDestinationFields } from '../pipeline/destination-guard.ts';
import { isModelAllowed } from '../pipeline/identity/model-access.ts';
import {
  routeModelRequest,
  type RoutedResponse,
  type RoutingEnvironment,
} from '../routing/route-model-request.ts';
import type { RoutingTable } from '../routing/routing-table.ts';
import type { RequestContext } from './request-context.ts';

/**
 * What one model request does, independent of HTTP: refuse client-chosen destinations, check the
 * key may use the model, resolve the model, and route it. Throws `GatewayError` or
 * `PlanFailedError`; nothing is sent upstream before every check has passed.
 */
export function handleModelRequest(
  context: RequestContext,
  envelope: ModelRequestEnvelope,
  table: RoutingTable,
  environment: RoutingEnvironment,
): Promise<RoutedResponse> {
  rejectDestinationFields(envelope.body.value, context.headerNames);
  if (!isModelAllowed(context.principal.allowedModels, envelope.model)) {
    throw new GatewayError('SB_ERR_AUTH_MODEL_NOT_ALLOWED', {
      param: 'model',
      detail: `This key may not use \`${envelope.model}\`.`,
    });
  }
  const resolution = table.catalog.resolve(envelope.model);
  if (resolution === undefined) {
    throw new GatewayError('SB_ERR_MODEL_NOT_FOUND', {
      param: 'model',
      detail: `\`${envelope.model}\` is not configured; GET /v1/models lists what this key may use.`,
    });
  }
  return routeModelRequest(table, resolution, envelope, environment, context.cancellation);
}
