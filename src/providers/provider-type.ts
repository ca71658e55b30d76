import type { DialectId } from '../canonical/dialect-id.ts';

/** How the gateway proves its identity to a provider. Implemented in `src/auth/`. */
export type UpstreamAuthScheme = 'bearer' | 'none';

/** A model a provider type offers out of the box, exposed to clients as `<provider id>/<name>`. */
export interface CatalogModel {
  readonly name: string;
  readonly kind: 'chat' | 'embeddings';
}

/**
 * A kind of provider, as data: which dialect it speaks, where its API lives, how it authenticates
 * and which public models it offers. Adding a provider that speaks an existing dialect is one entry
 * in the registry, never new control flow.
 */
export interface ProviderType {
  readonly type: string;
  /** One line for docs and `signalbox config schema`. */
  readonly title: string;
  readonly dialect: DialectId;
  readonly auth: UpstreamAuthScheme;
  /** The API root that operation paths are appended to; undefined when the operator must set it. */
  readonly defaultBaseUrl: string | undefined;
  /** Whether a configured provider of this type needs `api_key`. */
  readonly requiresApiKey: boolean;
  /** The environment variable whose presence configures this provider when no file is given. */
  readonly apiKeyEnvironmentVariable: string | undefined;
  /** Public model names offered when the operator lists none. */
  readonly catalog: readonly CatalogModel[];
  /**
   * Provider behaviours that differ from the dialect's reference API. Each is a fact about the
   * provider, with a link to where it is documented, never a branch on the provider's name.
   */
  readonly quirks: ProviderQuirks;
}

export interface ProviderQuirks {
  /** Accepts `stream_options: {include_usage: true}` on streamed chat requests. */
  readonly streamUsageOption: boolean;
  /** Serves `POST /embeddings`. */
  readonly embeddings: boolean;
}
