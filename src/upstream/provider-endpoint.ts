import type { DialectId } from '../canonical/dialect-id.ts';
import type { ModelOperation } from '../canonical/model-operation.ts';
import {
  createUpstreamAuthorizer,
  type AuthorizerContext,
} from '../auth/create-upstream-authorizer.ts';
import type { UpstreamAuthorizer } from '../auth/upstream-authorizer.ts';
import type { ProviderConfig, UpstreamTimeouts } from '../config/gateway-config.ts';
import type { DialectCodec, EgressOptions } from '../dialects/dialect-codec.ts';
import { getDialectCodec } from '../dialects/dialect-registry.ts';
import { buildEndpointUrl } from '../providers/endpoint-styles.ts';
import { getProviderType } from '../providers/provider-registry.ts';
import { modelFactsResolver, type ModelFacts } from '../providers/model-facts.ts';
import type { ProviderType } from '../providers/provider-type.ts';

/**
 * A configured provider, ready for requests: its dialect codec, how its URLs are built, the
 * headers every request carries and the authorizer that adds credentials. Built once per
 * configuration version, so the request path does no configuration work. Immutable.
 */
export interface ProviderEndpoint {
  readonly id: string;
  readonly type: ProviderType;
  readonly dialect: DialectId;
  readonly codec: DialectCodec;
  readonly origin: string;
  readonly timeouts: UpstreamTimeouts;
  /** Headers on every request (content type, the provider's fixed headers, configured headers). */
  readonly headers: Readonly<Record<string, string>>;
  readonly authorizer: UpstreamAuthorizer;
  readonly dropUnsupportedParams: boolean;
  /** The URL of an operation on a model, or undefined when this provider does not serve it. */
  url(operation: ModelOperation, model: string, stream: boolean): URL | undefined;
  /** How this provider wants a request body for the given model. */
  egressOptions(upstreamModel: string): EgressOptions;
  /** What is known about a model at this provider (capabilities, limits, prices). */
  modelFacts(upstreamModel: string): ModelFacts;
}

/**
 * Builds the endpoint of a provider. `baseUrl` comes from configuration (or, for the built-in
 * mock, from the address it listens on); never from a client. Throws when the provider cannot be
 * used (its credentials are incomplete), which configuration validation has already ruled out.
 */
export function createProviderEndpoint(
  config: ProviderConfig,
  baseUrl: string,
  context: AuthorizerContext,
): ProviderEndpoint {
  const type = getProviderType(config.type);
  const codec = getDialectCodec(type.dialect);
  const base = new URL(baseUrl);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: 'application/json, text/event-stream',
    'user-agent': 'signalbox',
    ...type.quirks.headers,
  };
  for (const [name, value] of config.headers) {
    headers[name] = value.reveal();
  }
  const authorizer = createUpstreamAuthorizer(config.authScheme, config.credentials, context);
  const modelFacts = modelFactsResolver(config.modelFacts);
  return {
    id: config.id,
    type,
    dialect: type.dialect,
    codec,
    origin: base.origin,
    timeouts: config.timeouts,
    headers,
    authorizer,
    dropUnsupportedParams: config.dropUnsupportedParams,
    url: (operation, model, stream) =>
      buildEndpointUrl(base, type.endpoint, {
        operation,
        model,
        stream,
        settings: config.settings,
      }),
    egressOptions: (upstreamModel) => ({
      upstreamModel,
      modelInBody: type.quirks.modelInBody,
      bodyFields: type.quirks.bodyFields,
      requestStreamUsage: type.quirks.streamUsageOption,
      maxTokensField: type.quirks.maxTokensField,
      streamInBody: type.quirks.streamInBody,
      defaultMaxOutputTokens: modelFacts(upstreamModel).maxOutputTokens,
    }),
    modelFacts,
  };
}
