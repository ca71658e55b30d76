import type { GatewayConfig } from '../config/gateway-config.ts';
import type { HealthPolicies } from '../routing/health/deployment-health.ts';
import type { RoutingTable } from '../routing/routing-table.ts';

/** The health policies of a configuration's routing defaults. */
export function healthPolicies(config: GatewayConfig): HealthPolicies {
  return {
    breaker: config.routing.breaker,
    retries: config.routing.retries,
    cooldownMs: config.routing.cooldownMs,
  };
}

/** The health keys a table may use: its deployments and one per provider for unlisted models. */
export function healthKeys(table: RoutingTable): string[] {
  return [
    ...table.catalog.deployments().keys(),
    ...table.config.providers.map((provider) => `${provider.id}/*`),
  ];
}
