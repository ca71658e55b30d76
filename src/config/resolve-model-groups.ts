import { defaultFallbackClasses } from '../routing/error-class.ts';
import { defaultBreakerPolicy } from '../routing/health/circuit-breaker.ts';
import { defaultRetryPolicy, type RetryPolicy } from '../routing/health/backoff-delay.ts';
import { resolveCascade } from './cascade-schema.ts';
import { deploymentIdOf } from './check-model-groups.ts';
import type { ConfigFile } from './config-schema.ts';
import type {
  GroupTargetConfig,
  ModelGroupConfig,
  ReasoningSettings,
  RoutingDefaults,
} from './gateway-config.ts';
import type { GroupTargetEntry, ModelGroupEntry } from './model-group-schema.ts';
import type { RoutingDefaultsEntry } from './routing-schema.ts';

/** Least similarity of a semantic route when neither the route nor its group sets one. */
const defaultSemanticThreshold = 0.5;

/** How long a rate-limited deployment is skipped when the provider named no time. */
const defaultCooldownMs = 5_000;

type RetriesEntry = RoutingDefaultsEntry['retries'];

function resolveRetries(entry: RetriesEntry, base: RetryPolicy): RetryPolicy {
  return {
    maxRetries: entry?.max_retries ?? base.maxRetries,
    initialDelayMs: entry?.initial_delay_ms ?? base.initialDelayMs,
    maxDelayMs: entry?.max_delay_ms ?? base.maxDelayMs,
    retryAfterCapMs: entry?.retry_after_cap_ms ?? base.retryAfterCapMs,
    budgetRatio: entry?.budget_ratio ?? base.budgetRatio,
    minRetriesPerSecond: entry?.min_retries_per_second ?? base.minRetriesPerSecond,
  };
}

/** The routing defaults of a validated file, with built-in defaults for what it leaves out. */
export function resolveRoutingDefaults(file: ConfigFile): RoutingDefaults {
  const entry = file.routing;
  return {
    retries: resolveRetries(entry?.retries, defaultRetryPolicy),
    breaker: {
      windowMs: entry?.breaker?.window_ms ?? defaultBreakerPolicy.windowMs,
      minRequests: entry?.breaker?.min_requests ?? defaultBreakerPolicy.minRequests,
      failureRate: entry?.breaker?.failure_rate ?? defaultBreakerPolicy.failureRate,
      openMs: entry?.breaker?.open_ms ?? defaultBreakerPolicy.openMs,
      halfOpenProbes: entry?.breaker?.half_open_probes ?? defaultBreakerPolicy.halfOpenProbes,
    },
    cooldownMs: entry?.cooldown_ms ?? defaultCooldownMs,
    fallbackOn: entry?.fallback_on ?? defaultFallbackClasses,
  };
}

function resolveTarget(target: GroupTargetEntry): GroupTargetConfig {
  if ('alias' in target) {
    return {
      kind: 'group',
      alias: target.alias,
      weight: target.weight ?? 1,
      priority: target.priority ?? 0,
    };
  }
  return {
    kind: 'deployment',
    id: deploymentIdOf(target),
    provider: target.provider,
    model: target.model,
    weight: target.weight ?? 1,
    priority: target.priority ?? 0,
    region: target.region,
    tags: [...new Set(target.tags ?? [])],
    rpm: target.rpm,
    tpm: target.tpm,
    timeouts: {
      firstTokenMs: target.timeouts?.first_token_ms,
      idleMs: target.timeouts?.idle_ms,
      totalMs: target.timeouts?.total_ms,
    },
  };
}

/** Reasoning settings from `reasoning_effort` / `thinking_budget_tokens`; undefined when neither is set. */
export function reasoningOf(entry: {
  readonly reasoning_effort?: ReasoningSettings['effort'];
  readonly thinking_budget_tokens?: number | undefined;
}): ReasoningSettings | undefined {
  if (entry.reasoning_effort === undefined && entry.thinking_budget_tokens === undefined) {
    return undefined;
  }
  return { effort: entry.reasoning_effort, budgetTokens: entry.thinking_budget_tokens };
}

/** The model groups of a validated file, with defaults applied. Pure. */
export function resolveModelGroups(
  groups: readonly ModelGroupEntry[],
  defaults: RoutingDefaults,
): ModelGroupConfig[] {
  return groups.map((group) => ({
    alias: group.alias,
    description: group.description,
    strategy: group.strategy ?? 'priority',
    router: group.router,
    targets: group.targets.map(resolveTarget),
    rules: (group.rules ?? []).map((rule, index) => ({
      name: rule.name ?? `rule-${index + 1}`,
      when: rule.when,
      routeTo: rule.route_to,
      requireTags: rule.require_tags ?? [],
      regions: rule.regions,
      exclude: rule.exclude ?? [],
      reasoning: reasoningOf(rule),
    })),
    semanticRoutes:
      group.semantic_routes === undefined
        ? undefined
        : {
            routes: group.semantic_routes.routes.map((route) => ({
              name: route.name,
              routeTo: route.route_to,
              threshold:
                route.threshold ?? group.semantic_routes?.threshold ?? defaultSemanticThreshold,
              utterances: route.utterances,
            })),
          },
    sessionAffinity:
      group.session_affinity === undefined
        ? undefined
        : { ttlMs: (group.session_affinity.ttl_seconds ?? 300) * 1000 },
    canary:
      group.canary === undefined
        ? undefined
        : {
            target: group.canary.target,
            percent: group.canary.percent,
            sticky: group.canary.sticky ?? 'key',
          },
    cascade: resolveCascade(group.cascade),
    fallbacks: group.fallbacks ?? [],
    fallbackOn: group.fallback_on ?? defaults.fallbackOn,
    retries: resolveRetries(group.retries, defaults.retries),
  }));
}
