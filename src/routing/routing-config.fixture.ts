import { resolveAuditConfig } from '../config/audit-schema.ts';
import type {
  DeploymentTargetConfig,
  GatewayConfig,
  ModelGroupConfig,
  NestedGroupTargetConfig,
  ProviderConfig,
} from '../config/gateway-config.ts';
import { defaultFallbackClasses } from './error-class.ts';
import { defaultRetryPolicy } from './health/backoff-delay.ts';
import { defaultBreakerPolicy } from './health/circuit-breaker.ts';

// Builders of resolved configuration for routing tests: every field at its default, overridable.

/** An OpenAI-type provider at a placeholder address, without credentials. */
export function testProvider(id: string, fields: Partial<ProviderConfig> = {}): ProviderConfig {
  return {
    id,
    type: 'openai',
    baseUrl: `https://${id}.example.invalid`,
    authScheme: 'none',
    credentials: {
      apiKey: undefined,
      aws: undefined,
      gcpServiceAccount: undefined,
      azureEntra: undefined,
    },
    settings: {},
    dropUnsupportedParams: false,
    headers: new Map(),
    timeouts: { connectMs: 1000, firstByteMs: 1000, idleMs: 1000, totalMs: 1000 },
    models: [],
    allowAnyModel: false,
    modelFacts: [],
    mock: undefined,
    ...fields,
  };
}

/** A deployment target with default weight, priority and no limits. */
export function testDeployment(
  id: string,
  provider: string,
  model: string,
  fields: Partial<DeploymentTargetConfig> = {},
): DeploymentTargetConfig {
  return {
    kind: 'deployment',
    id,
    provider,
    model,
    weight: 1,
    priority: 0,
    region: undefined,
    tags: [],
    rpm: undefined,
    tpm: undefined,
    timeouts: { firstTokenMs: undefined, idleMs: undefined, totalMs: undefined },
    ...fields,
  };
}

export function testNested(alias: string, fields: Partial<NestedGroupTargetConfig> = {}) {
  return { kind: 'group', alias, weight: 1, priority: 0, ...fields } as const;
}

/** A model group with the priority strategy and default failure policy. */
export function testGroup(
  alias: string,
  targets: ModelGroupConfig['targets'],
  fields: Partial<ModelGroupConfig> = {},
): ModelGroupConfig {
  return {
    alias,
    description: undefined,
    strategy: 'priority',
    router: undefined,
    targets,
    rules: [],
    semanticRoutes: undefined,
    sessionAffinity: undefined,
    canary: undefined,
    cascade: undefined,
    fallbacks: [],
    fallbackOn: defaultFallbackClasses,
    retries: defaultRetryPolicy,
    ...fields,
  };
}

/** A whole gateway configuration around these providers and groups. */
export function testGatewayConfig(
  providers: readonly ProviderConfig[],
  models: readonly ModelGroupConfig[],
  routing: Partial<GatewayConfig['routing']> = {},
): GatewayConfig {
  return {
    source: { kind: 'default', environmentVariables: [] },
    server: {
      host: '127.0.0.1',
      port: 0,
      maxBodyBytes: 1_000_000,
      requestTimeoutMs: 1000,
      headersTimeoutMs: 1000,
      keepAliveTimeoutMs: 1000,
      shutdownGraceMs: 1000,
      sendStallMs: 1000,
      streamDrainMs: 0,
      ledgerBacklog: 10_000,
      budgetHoldTtlMs: 3_600_000,
    },
    stateDir: '/nonexistent',
    storage: { backend: 'sqlite' },
    limits: [],
    budgets: [],
    rateLimitStorage: { redisUrl: undefined, redisKeyPrefix: undefined, replicas: 1 },
    log: { level: 'silent', requests: false },
    requestLog: { enabled: false, retentionMs: 30 * 86_400_000 },
    audit: resolveAuditConfig(undefined),
    cache: undefined,
    providers,
    routing: {
      retries: defaultRetryPolicy,
      breaker: defaultBreakerPolicy,
      cooldownMs: 5000,
      fallbackOn: defaultFallbackClasses,
      ...routing,
    },
    models,
    routers: [],
  };
}
