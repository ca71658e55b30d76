import type { DialectId } from '../canonical/dialect-id.ts';
import type { AuthSchemeId } from '../auth/auth-scheme-id.ts';
import type { EndpointStyleId } from './endpoint-styles.ts';

/** A model a provider type offers out of the box, exposed to clients as `<provider id>/<name>`. */
export interface CatalogModel {
  readonly name: string;
  readonly kind: 'chat' | 'embeddings';
}

/** Settings a provider type needs beyond credentials, named as in the configuration file. */
export type ProviderSetting = 'region' | 'project' | 'api_version';

/** How a provider frames a streamed answer. */
export type StreamFraming = 'sse' | 'aws-event-stream' | 'bedrock-invoke-chunks';

/**
 * A kind of provider, as data: which dialect it speaks, where its API lives and how it is
 * addressed, how it authenticates and which public models it offers. Adding a provider that
 * speaks an existing dialect is one entry in the registry, never new control flow.
 */
export interface ProviderType {
  readonly type: string;
  /** One line for docs and `signalbox config schema`. */
  readonly title: string;
  readonly dialect: DialectId;
  /** How URLs are built from the base URL, the operation and the model. */
  readonly endpoint: EndpointStyleId;
  /** Authentication schemes this type accepts; the first is the default. */
  readonly auth: readonly AuthSchemeId[];
  /**
   * The API root operation paths are appended to, with `{region}` and `{project}` filled from the
   * provider's settings; undefined when the operator must set `base_url`.
   */
  readonly defaultBaseUrl: string | undefined;
  /** Settings this type cannot work without. */
  readonly requiredSettings: readonly ProviderSetting[];
  /** Whether a configured provider of this type needs `api_key` (when its scheme uses one). */
  readonly requiresApiKey: boolean;
  /** The environment variable whose presence configures this provider when no file is given. */
  readonly apiKeyEnvironmentVariable: string | undefined;
  /** Public model names offered when the operator lists none. */
  readonly catalog: readonly CatalogModel[];
  readonly framing: StreamFraming;
  /**
   * Provider behaviours that differ from the dialect's reference API. Each is a fact about the
   * provider, documented where it is set, never a branch on the provider's name.
   */
  readonly quirks: ProviderQuirks;
}

export interface ProviderQuirks {
  /** Accepts `stream_options: {include_usage: true}` on streamed chat requests. */
  readonly streamUsageOption: boolean;
  /** Serves OpenAI-style `POST /embeddings`. */
  readonly embeddings: boolean;
  /** Whether `model` goes in the body (false when the URL names the model). */
  readonly modelInBody: boolean;
  /** Fixed body fields the provider requires (for example `anthropic_version` on Vertex AI). */
  readonly bodyFields: Readonly<Record<string, string>>;
  /** Which spelling of the output limit the provider wants, in dialects that have two. */
  readonly maxTokensField: 'max_tokens' | 'max_completion_tokens';
  /** Whether the body says `stream` (Bedrock InvokeModel refuses it: the URL selects streaming). */
  readonly streamInBody: boolean;
  /**
   * Client headers this provider accepts on same-dialect requests (for example `anthropic-beta`),
   * forwarded when the client's dialect allows them too.
   */
  readonly clientHeaders: readonly string[];
  /** Extra headers every request carries (for example `anthropic-version`). */
  readonly headers: Readonly<Record<string, string>>;
}
