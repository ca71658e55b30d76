import type { ModelOperation } from '../canonical/model-operation.ts';
import type { DialectId } from '../canonical/dialect-id.ts';
import type { ProviderConfig, UpstreamTimeouts } from '../config/gateway-config.ts';
import { upstreamAuthSchemes } from '../auth/upstream-auth-schemes.ts';
import { getDialectCodec } from '../dialects/dialect-registry.ts';
import type { DialectCodec } from '../dialects/dialect-codec.ts';
import type { ProviderType } from '../providers/provider-type.ts';
import { getProviderType } from '../providers/provider-registry.ts';

/**
 * A configured provider, ready for requests: its codec, its absolute operation URLs and the
 * headers every request carries (authentication included). Built once per configuration version,
 * so the request path does no URL or header assembly. Immutable.
 */
export interface ProviderEndpoint {
  readonly id: string;
  readonly type: ProviderType;
  readonly dialect: DialectId;
  readonly codec: DialectCodec;
  readonly origin: string;
  readonly timeouts: UpstreamTimeouts;
  readonly headers: Readonly<Record<string, string>>;
  url(operation: ModelOperation): URL;
}

/**
 * Builds the endpoint of a provider. `baseUrl` comes from configuration (or, for the built-in
 * mock, from the address it listens on); never from a client. Throws if the URL is unusable,
 * which configuration validation has already ruled out.
 */
export function createProviderEndpoint(config: ProviderConfig, baseUrl: string): ProviderEndpoint {
  const type = getProviderType(config.type);
  const codec = getDialectCodec(type.dialect);
  const base = new URL(baseUrl);
  const basePath = base.pathname.replace(/\/+$/, '');
  const urls = new Map<ModelOperation, URL>();
  for (const operation of ['chat', 'embeddings'] as const) {
    const url = new URL(base.origin);
    url.pathname = basePath + codec.operationPath(operation);
    if (url.origin !== base.origin) {
      throw new Error(`provider ${config.id}: operation URL left its origin`);
    }
    urls.set(operation, url);
  }
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: 'application/json, text/event-stream',
    'user-agent': 'signalbox',
  };
  for (const [name, value] of config.headers) {
    headers[name] = value.reveal();
  }
  Object.assign(headers, upstreamAuthSchemes[type.auth](config.apiKey));
  return {
    id: config.id,
    type,
    dialect: type.dialect,
    codec,
    origin: base.origin,
    timeouts: config.timeouts,
    headers,
    url(operation) {
      const url = urls.get(operation);
      if (url === undefined) {
        throw new Error(`no URL for operation ${operation}`);
      }
      return url;
    },
  };
}
