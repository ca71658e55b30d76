import type { AuthorizerContext } from '../auth/create-upstream-authorizer.ts';
import type { GatewayConfig } from '../config/gateway-config.ts';
import { createProviderEndpoint, type ProviderEndpoint } from '../upstream/provider-endpoint.ts';
import { ModelCatalog, type RoutingExtensions } from './model-catalog.ts';

/**
 * Everything routing needs from one configuration version: the model catalogue and a ready
 * endpoint per provider. Immutable; a reload builds a new table and swaps it in whole, while
 * requests already running keep the table they started with.
 */
export interface RoutingTable {
  readonly config: GatewayConfig;
  readonly catalog: ModelCatalog;
  readonly endpoints: ReadonlyMap<string, ProviderEndpoint>;
}

/**
 * Builds the routing table of a configuration. `runtimeBaseUrls` supplies base URLs known only at
 * run time (the built-in mock provider's listening address), by provider id; `extensions` the
 * learned routers and the semantic routes' encoder (see `RoutingExtensions`).
 */
export function buildRoutingTable(
  config: GatewayConfig,
  authorizerContext: AuthorizerContext,
  runtimeBaseUrls: ReadonlyMap<string, string> = new Map(),
  extensions: RoutingExtensions = {},
): RoutingTable {
  const endpoints = new Map<string, ProviderEndpoint>();
  for (const provider of config.providers) {
    const baseUrl = runtimeBaseUrls.get(provider.id) ?? provider.baseUrl;
    if (baseUrl === undefined) {
      throw new Error(`provider ${provider.id} has no base URL`);
    }
    endpoints.set(provider.id, createProviderEndpoint(provider, baseUrl, authorizerContext));
  }
  return { config, catalog: new ModelCatalog(config, extensions), endpoints };
}
