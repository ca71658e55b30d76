import type { JSONWebKeySet } from 'jose';
import type { AuthSchemeId } from '../auth/auth-scheme-id.ts';
import type { ProviderCredentials } from '../auth/create-upstream-authorizer.ts';
import type { SecretValue } from '../lib/secret-value.ts';
import type { ModelFactsLayer } from '../providers/model-facts.ts';
import type { CascadeConfig } from '../routing/cascade/cascade-config.ts';
import type { DeploymentTimeouts } from '../routing/deployment.ts';
import type { ErrorClass } from '../routing/error-class.ts';
import type { BreakerPolicy } from '../routing/health/circuit-breaker.ts';
import type { RetryPolicy } from '../routing/health/backoff-delay.ts';
import type { AnyRouterArtifact } from '../routing/learned/router-artifact.ts';
import type { StrategyName } from '../routing/routing-strategy.ts';

export interface ServerConfig {
  readonly host: string;
  readonly port: number;
  readonly maxBodyBytes: number;
  readonly requestTimeoutMs: number;
  readonly headersTimeoutMs: number;
  readonly keepAliveTimeoutMs: number;
  readonly shutdownGraceMs: number;
  /** How long an answer may wait on a client that reads none of it before it is cut. */
  readonly sendStallMs: number;
  /** How long a stream is read on after its client left, to record its usage (0: cut at once). */
  readonly streamDrainMs: number;
  /** Ledger rows that may wait in memory while the database is down; then requests are refused. */
  readonly ledgerBacklog: number;
  /** How long a budget hold may stay before the reaper settles it: longer than any request. */
  readonly budgetHoldTtlMs: number;
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

/** A deployment target of a model group, with defaults applied. */
export interface DeploymentTargetConfig {
  readonly kind: 'deployment';
  readonly id: string;
  readonly provider: string;
  readonly model: string;
  readonly weight: number;
  readonly priority: number;
  readonly region: string | undefined;
  readonly tags: readonly string[];
  readonly rpm: number | undefined;
  readonly tpm: number | undefined;
  readonly timeouts: DeploymentTimeouts;
}

/** A model group nested in another, chosen among its siblings by the outer group's strategy. */
export interface NestedGroupTargetConfig {
  readonly kind: 'group';
  readonly alias: string;
  readonly weight: number;
  readonly priority: number;
}

export type GroupTargetConfig = DeploymentTargetConfig | NestedGroupTargetConfig;

/** A conditional rule: when `when` holds, route to a target or narrow the eligible deployments. */
export interface RuleConfig {
  readonly name: string;
  readonly when: string;
  readonly routeTo: string | undefined;
  readonly requireTags: readonly string[];
  readonly regions: readonly string[] | undefined;
  readonly exclude: readonly string[];
  /** Reasoning settings a matching rule gives requests that set none. */
  readonly reasoning: ReasoningSettings | undefined;
}

/**
 * Reasoning settings routing may give a request (the shape of the hub's `ReasoningSettings`,
 * which src/config may not import).
 */
export interface ReasoningSettings {
  readonly effort?: 'minimal' | 'low' | 'medium' | 'high' | undefined;
  readonly budgetTokens?: number | undefined;
}

/** One semantic route: requests similar enough to one of its utterances go to `routeTo`. */
export interface SemanticRouteConfig {
  readonly name: string;
  readonly routeTo: string;
  /** Least cosine similarity to match. */
  readonly threshold: number;
  readonly utterances: readonly string[];
}

/** A group's semantic routes; its own targets are the default. */
export interface SemanticRoutesConfig {
  readonly routes: readonly SemanticRouteConfig[];
}

export interface CanaryConfig {
  readonly target: string;
  readonly percent: number;
  readonly sticky: 'key' | 'user' | 'request';
}

/** A model name clients use, mapped to deployments and how to choose among them. */
export interface ModelGroupConfig {
  readonly alias: string;
  readonly description: string | undefined;
  readonly strategy: StrategyName;
  /** The learned router of `strategy: learned`; undefined for every other strategy. */
  readonly router: string | undefined;
  readonly targets: readonly GroupTargetConfig[];
  readonly rules: readonly RuleConfig[];
  readonly semanticRoutes: SemanticRoutesConfig | undefined;
  /** Conversations stay where their prompt cache is warm for this long; undefined: off. */
  readonly sessionAffinity: { readonly ttlMs: number } | undefined;
  readonly canary: CanaryConfig | undefined;
  /** Set when the group is a cascade (tiers in plan order, acceptance checks between them). */
  readonly cascade: CascadeConfig | undefined;
  readonly fallbacks: readonly string[];
  readonly fallbackOn: readonly ErrorClass[];
  readonly retries: RetryPolicy;
}

/** A learned router (`routers:`), its artifact read and checked. */
export interface LearnedRouterConfig {
  readonly name: string;
  readonly artifactPath: string;
  readonly artifact: AnyRouterArtifact;
  /** The first 16 hex digits of the artifact file's SHA-256. */
  readonly version: string;
  /** The artifact's models; a strong/weak router lists the strong model first. */
  readonly models: readonly string[];
  readonly strongShare: number | undefined;
  readonly threshold: number | undefined;
  readonly tradeoff: number | undefined;
  /** Artifact model name to the model name this gateway serves it under. */
  readonly modelNames: ReadonlyMap<string, string>;
  /** Reasoning settings by difficulty, lowest band first. */
  readonly reasoningBands: readonly DifficultyBand[];
  /**
   * A local ONNX encoder (absolute directory) or an embeddings model this gateway serves;
   * undefined: the lexical encoder the artifact names.
   */
  readonly encoder:
    | {
        readonly type: 'onnx';
        readonly directory: string;
        readonly maxTokens: number | undefined;
      }
    | { readonly type: 'embeddings'; readonly model: string }
    | undefined;
}

/** Reasoning settings for requests at least this difficult (0..1, a calibration percentile). */
export interface DifficultyBand {
  readonly minDifficulty: number;
  readonly settings: ReasoningSettings;
}

/** How failures are handled when a group does not say otherwise. */
export interface RoutingDefaults {
  readonly retries: RetryPolicy;
  readonly breaker: BreakerPolicy;
  readonly cooldownMs: number;
  readonly fallbackOn: readonly ErrorClass[];
}

/** What caching does for one alias (or by default). */
export interface CacheSettings {
  readonly enabled: boolean;
  readonly ttlMs: number;
  readonly semantic: boolean;
  /** Undefined: the encoder's default threshold. */
  readonly semanticThreshold: number | undefined;
}

/** The semantic cache's encoder: built-in lexical, an embeddings model, or a local ONNX model. */
export type SemanticEncoderConfig =
  | { readonly type: 'lexical' }
  | { readonly type: 'embeddings'; readonly model: string }
  | { readonly type: 'onnx'; readonly directory: string; readonly maxTokens: number | undefined };

/** The response caches (`cache:`). */
export interface CacheConfig {
  readonly backend: 'memory' | 'sqlite' | 'redis';
  /** Who may share an entry. */
  readonly scope: 'org' | 'team' | 'key' | 'user';
  readonly maxEntries: number;
  readonly maxEntryBytes: number;
  /** Keys with any of these tags bypass the caches. */
  readonly excludeKeyTags: readonly string[];
  readonly defaults: CacheSettings;
  /** Per requested alias, overriding `defaults`. */
  readonly aliases: ReadonlyMap<string, CacheSettings>;
  readonly semantic:
    | {
        readonly encoder: SemanticEncoderConfig;
        readonly maxTemperature: number;
        readonly includeTools: boolean;
        readonly maxEntriesPerPartition: number;
      }
    | undefined;
}

/** The tamper-evident audit trail (`audit:`). */
export interface AuditConfig {
  readonly enabled: boolean;
  readonly checkpointEveryRecords: number;
  readonly checkpointEveryMs: number;
  /** Encrypted payload retention; undefined: prompts and answers are never kept. */
  readonly payloads:
    | {
        /** Payloads older than this are purged, whole checkpoint intervals at a time. */
        readonly retentionMs: number;
        /** Bytes kept of each request and each answer. */
        readonly maxBytes: number;
      }
    | undefined;
}

/** OpenTelemetry traces (`tracing:`), exported over OTLP/HTTP. */
export interface TracingConfig {
  /** The collector's traces URL (admin configuration only). */
  readonly otlpEndpoint: string;
  /** Sent with every export; lower-case names. */
  readonly headers: ReadonlyMap<string, SecretValue>;
  readonly serviceName: string;
  /** Share of new root traces recorded (0..1); a client's sampled traceparent is honoured. */
  readonly sampleRatio: number;
  readonly timeoutMs: number;
}

export interface LogConfig {
  readonly level: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  readonly requests: boolean;
}

/** The request log (`request_log:`), in the state database beside the spend ledger. */
export interface RequestLogConfig {
  readonly enabled: boolean;
  /** Rows older than this are pruned. */
  readonly retentionMs: number;
}

/** Where shared state lives. */
export type StorageConfig =
  | { readonly backend: 'sqlite' }
  | {
      readonly backend: 'postgres';
      readonly url: SecretValue;
      readonly schema: string | undefined;
    };

/**
 * A configured rate limit (`limits:`): per minute, each key, team or requested model separately,
 * or only the one named by `match`. `burst` applies to `rpm`; the token burst is `tpm`.
 */
export interface RateLimitRule {
  readonly scope: 'key' | 'team' | 'model' | 'deployment';
  readonly rpm: number | undefined;
  /** Requests in flight at once; undefined for no such limit. */
  readonly maxConcurrent: number | undefined;
  readonly tpm: number | undefined;
  readonly burst: number | undefined;
  readonly match: string | undefined;
}

/**
 * A configured budget (`budgets:`): the most a key, user, team, organisation, tag or requested
 * model may spend per period, each separately or only the one named by `match`.
 */
export interface BudgetRule {
  readonly scope: 'key' | 'user' | 'team' | 'org' | 'tag' | 'model';
  readonly match: string | undefined;
  /** In nano-dollars (1e-9 USD). */
  readonly limitNanos: number;
  readonly period: 'day' | 'week' | 'month' | 'total';
  readonly hard: boolean;
}

/** Where rate limit state lives: Redis when set (shared by replicas), else each process. */
export interface RateLimitStorageConfig {
  readonly redisUrl: SecretValue | undefined;
  readonly redisKeyPrefix: string | undefined;
  /** Each process enforces 1/replicas of every limit while Redis is unreachable. */
  readonly replicas: number;
}

/** Where the identity provider's public keys come from (`jwks_url` or `jwks_file`). */
export type JwksKeySourceConfig =
  | { readonly kind: 'remote'; readonly url: string }
  | { readonly kind: 'local'; readonly path: string; readonly keySet: JSONWebKeySet };

/** A Signalbox role, as a JWT role claim is mapped to it. */
export type AuthRole = 'admin' | 'team_admin' | 'member' | 'viewer' | 'service';

/**
 * `auth.jwt` with defaults applied and the JWKS file read. Shaped exactly like the pipeline's
 * `JwtAuthSettings` (src/pipeline/identity/jwt-auth-settings.ts), so it is passed to
 * `createJwtVerifier` as is.
 */
export interface JwtAuthConfig {
  readonly issuer: string;
  readonly audience: readonly string[];
  readonly keySource: JwksKeySourceConfig;
  readonly algorithms: readonly string[];
  readonly clockToleranceSeconds: number;
  readonly claims: {
    readonly user: string;
    readonly email: string | undefined;
    readonly team: string | undefined;
    readonly org: string | undefined;
    readonly role: string | undefined;
    readonly agent: string | undefined;
  };
  readonly roles: ReadonlyMap<string, AuthRole> | undefined;
  readonly defaultRole: AuthRole;
  readonly requireRole: boolean;
}

/** How callers may authenticate besides virtual keys (`auth:`). */
export interface AuthConfig {
  /** Undefined when JWTs are not accepted. */
  readonly jwt: JwtAuthConfig | undefined;
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
  readonly storage: StorageConfig;
  readonly log: LogConfig;
  readonly requestLog: RequestLogConfig;
  /** Undefined when the file has no `tracing:` section: no spans are made. */
  readonly tracing?: TracingConfig | undefined;
  readonly audit: AuditConfig;
  /** Undefined when the file has no `cache:` section: nothing is cached. */
  readonly cache: CacheConfig | undefined;
  readonly providers: readonly ProviderConfig[];
  readonly routing: RoutingDefaults;
  readonly models: readonly ModelGroupConfig[];
  /** Learned routers, for `strategy: learned` groups and `router:<name>` requests. */
  readonly routers: readonly LearnedRouterConfig[];
  readonly limits: readonly RateLimitRule[];
  readonly budgets: readonly BudgetRule[];
  readonly rateLimitStorage: RateLimitStorageConfig;
  /** Undefined when the file has no `auth` section: callers use virtual keys only. */
  readonly auth?: AuthConfig | undefined;
}
