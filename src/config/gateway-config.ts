import type { AuthSchemeId } from '../auth/auth-scheme-id.ts';
import type { ProviderCredentials } from '../auth/create-upstream-authorizer.ts';
import type { SecretValue } from '../lib/secret-value.ts';
import type { ModelFactsLayer } from '../providers/model-facts.ts';

export interface ServerConfig {
  readonly host: string;
  readonly port: number;
  readonly maxBodyBytes: number;
  readonly requestTimeoutMs: number;
  readonly headersTimeoutMs: number;
  readonly keepAliveTimeoutMs: number;
  readonly shutdownGraceMs: number;
}

export interface UpstreamTimeouts {
  readonly connectMs: number;
  readonly firstByteMs: number;
  readonly idleMs: number;
  readonly totalMs: number;
}

export interface MockProviderOptions {
  readonly latencyMs: number;
  readonly tokensPerSecond: number | undefined;
}

/** A provider after validation, with defaults applied and secrets resolved. */
export interface ProviderConfig {
  readonly id: string;
  readonly type: string;
  /** Undefined only for the built-in mock, whose address is known once it listens. */
  readonly baseUrl: string | undefined;
  readonly authScheme: AuthSchemeId;
  readonly credentials: ProviderCredentials;
  readonly settings: ProviderSettings;
  /** Drop (and report) parameters the provider cannot honour instead of refusing the request. */
  readonly dropUnsupportedParams: boolean;
  readonly headers: ReadonlyMap<string, SecretValue>;
  readonly timeouts: UpstreamTimeouts;
  /** Model names exposed to clients as `<id>/<name>`. */
  readonly models: readonly string[];
  readonly allowAnyModel: boolean;
  /**
   * Model capabilities and prices, lowest precedence first: the built-in table for the type, the
   * operator's file (by type, then by provider id), then the provider's own `model_facts`.
   */
  readonly modelFacts: readonly ModelFactsLayer[];
  readonly mock: MockProviderOptions | undefined;
}

/** Provider settings that shape URLs: cloud region and project, API version. */
export interface ProviderSettings {
  readonly region?: string | undefined;
  readonly project?: string | undefined;
  readonly apiVersion?: string | undefined;
}

export interface ModelTarget {
  readonly provider: string;
  readonly model: string;
}

export interface ModelAliasConfig {
  readonly alias: string;
  readonly description: string | undefined;
  readonly targets: readonly ModelTarget[];
}

export interface LogConfig {
  readonly level: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  readonly requests: boolean;
}

/** Where a configuration came from. */
export type ConfigSource =
  | { readonly kind: 'file'; readonly path: string }
  | { readonly kind: 'default'; readonly environmentVariables: readonly string[] };

/** The gateway's whole configuration, ready to use. Immutable: a reload builds a new one. */
export interface GatewayConfig {
  readonly source: ConfigSource;
  readonly server: ServerConfig;
  readonly stateDir: string;
  readonly log: LogConfig;
  readonly providers: readonly ProviderConfig[];
  readonly models: readonly ModelAliasConfig[];
}
