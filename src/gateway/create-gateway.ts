import { GatewayError } from '../errors/gateway-error.ts';
import type { KeyAuthenticator } from '../pipeline/identity/key-authenticator.ts';
import type { VirtualKeyService } from '../pipeline/identity/virtual-key-service.ts';
import type { RoutingEnvironment } from '../routing/route-model-request.ts';
import type { RoutingTable } from '../routing/routing-table.ts';
import type { RateLimitStore, VirtualKeyStore } from '../storage/ports.ts';
import type { Gateway } from './gateway.ts';
import { handleModelRequest } from './handle-model-request.ts';
import { listModels } from './list-models.ts';
import { listDeploymentStatus } from './deployment-status.ts';
import { recommendRoute } from './recommend-route.ts';

export interface GatewayDependencies {
  readonly authenticator: KeyAuthenticator;
  readonly keyService: VirtualKeyService;
  readonly keyStore: VirtualKeyStore;
  /** The routing table in force now; each request reads it once and keeps it to the end. */
  readonly routingTable: () => RoutingTable;
  readonly routing: RoutingEnvironment;
  /** Where configured rate limits (`limits:`) are counted. */
  readonly rateLimits: RateLimitStore;
}

/** Assembles the gateway use cases from their parts. */
export function createGateway(dependencies: GatewayDependencies): Gateway {
  const { authenticator, keyService, keyStore, routingTable, routing, rateLimits } = dependencies;
  return {
    authenticate: (keyText) => authenticator.authenticate(keyText),
    handleModelRequest: (context, envelope) =>
      handleModelRequest(context, envelope, routingTable(), routing, rateLimits),
    recommendRoute: (context, envelope) =>
      recommendRoute(context, envelope, routingTable(), routing),
    deployments: () => listDeploymentStatus(routingTable(), routing.health, routing.clock),
    listModels: (principal) => listModels(routingTable(), principal),
    keys: {
      async create(request) {
        const catalog = routingTable().catalog;
        for (const [index, pattern] of (request.models ?? []).entries()) {
          if (!catalog.matchesAnything(pattern)) {
            throw new GatewayError('SB_ERR_REQUEST_INVALID', {
              param: `models[${index}]`,
              detail: `\`${pattern}\` matches no configured model; GET /v1/models lists them.`,
            });
          }
        }
        return keyService.create({
          name: request.name,
          allowedModels: request.models,
          expiresAt: request.expiresAt,
          team: request.team,
          tags: request.tags,
        });
      },
      list: (includeRevoked) => keyService.list(includeRevoked),
      get: (id) => keyService.get(id),
      async revoke(id) {
        const existing = await keyService.get(id);
        if (existing === undefined) {
          return undefined;
        }
        await keyService.revoke(id);
        return keyService.get(id);
      },
    },
    async isReady() {
      try {
        await keyStore.changeMarker();
        return true;
      } catch {
        return false;
      }
    },
  };
}
