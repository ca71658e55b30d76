import type { RoutingDefaultsEntry } from '../../config/routing-schema.ts';
import { isJsonObject, type JsonObject } from '../../lib/json.ts';
import type { StrategyName } from '../../routing/routing-strategy.ts';
import { quote, type ConversionReport, type LitellmPath } from './conversion-report.ts';
import {
  booleanOf,
  secondsAsMilliseconds,
  takeBoolean,
  takeNumber,
  type Located,
} from './settings-reader.ts';

/** A fallback rule of the LiteLLM file: `{from: [to, ...]}`. */
export interface FallbackRule {
  readonly from: string;
  readonly to: readonly string[];
  readonly path: LitellmPath;
}

/** The three fallback lists of LiteLLM, kept apart because Signalbox merges them per group. */
export interface FallbackRules {
  readonly general: readonly FallbackRule[];
  readonly contextWindow: readonly FallbackRule[];
  readonly contentPolicy: readonly FallbackRule[];
  /** `default_fallbacks`: for every group without rules of its own. */
  readonly defaults: FallbackRule | undefined;
}

/** What the router and module settings of a LiteLLM file become. */
export interface RouterSettings {
  readonly routing: RoutingDefaultsEntry | undefined;
  /** The group strategy `routing_strategy` maps to, when it was set. */
  readonly strategy: { readonly name: StrategyName; readonly path: LitellmPath } | undefined;
  readonly fallbacks: FallbackRules;
  /** `model_group_alias` entries: another name for a model group. */
  readonly groupAliases: readonly { alias: string; group: string; path: LitellmPath }[];
  /** Default timeouts for every provider, from `timeout`/`request_timeout` and `stream_timeout`. */
  readonly providerTimeouts: { total_ms?: number; idle_ms?: number } | undefined;
  readonly dropParams: boolean;
}

/** LiteLLM routing strategies and the Signalbox strategy closest to each. */
const strategyByLitellmName: ReadonlyMap<string, StrategyName> = new Map([
  ['simple-shuffle', 'weighted'],
  ['least-busy', 'least-busy'],
  ['usage-based-routing', 'usage-aware'],
  ['usage-based-routing-v2', 'usage-aware'],
  ['latency-based-routing', 'least-latency'],
  ['cost-based-routing', 'lowest-cost'],
]);

const maximumRetries = 5;

/**
 * Reads `router_settings` and the reliability settings of `litellm_settings`. Where both set
 * something, `router_settings` wins, as in LiteLLM. Notes approximations and what it cannot carry.
 */
export function readRouterSettings(root: JsonObject, report: ConversionReport): RouterSettings {
  const router = isJsonObject(root.router_settings) ? root.router_settings : {};
  const module = isJsonObject(root.litellm_settings) ? root.litellm_settings : {};
  const take = (key: string, moduleKey: string = key): Located | undefined => {
    const inRouter = present(router[key])
      ? { value: router[key], path: ['router_settings', key] }
      : undefined;
    const inModule = present(module[moduleKey])
      ? { value: module[moduleKey], path: ['litellm_settings', moduleKey] }
      : undefined;
    if (inRouter !== undefined && inModule !== undefined) {
      report.note(
        inModule.path,
        `not carried: router_settings.${key} takes precedence, as in LiteLLM`,
      );
    }
    const chosen = inRouter ?? inModule;
    if (chosen !== undefined) {
      report.carried(chosen.path);
    }
    return chosen;
  };
  const routing: RoutingDefaultsEntry = {};
  const retries = readRetries(take('num_retries'), take('retry_after'), report);
  if (retries !== undefined) routing.retries = retries;
  const breaker: NonNullable<RoutingDefaultsEntry['breaker']> = {};
  const cooldown = take('cooldown_time');
  const cooldownSeconds = takeNumber(cooldown, report);
  if (cooldownSeconds !== undefined && cooldown !== undefined) {
    const milliseconds = Math.min(Math.round(cooldownSeconds * 1000), 3_600_000);
    if (milliseconds > 0) {
      breaker.open_ms = milliseconds;
      routing.cooldown_ms = milliseconds;
      report.note(
        cooldown.path,
        'carried as routing.breaker.open_ms (after failures) and routing.cooldown_ms (after a rate limit without Retry-After)',
      );
    } else {
      routing.cooldown_ms = 0;
      report.note(
        cooldown.path,
        'carried as routing.cooldown_ms: 0; the breaker keeps its default open time',
      );
    }
  }
  const allowedFails = take('allowed_fails');
  const failures = takeNumber(allowedFails, report);
  if (
    failures !== undefined &&
    allowedFails !== undefined &&
    Number.isInteger(failures) &&
    failures >= 0
  ) {
    breaker.window_ms = 60_000;
    breaker.min_requests = Math.min(failures + 1, 100_000);
    report.note(
      allowedFails.path,
      `approximated: LiteLLM cools a deployment down after more than ${String(failures)} failures in a minute; Signalbox opens its breaker when at least half of ${String(breaker.min_requests)} or more requests in 60 s fail (routing.breaker.window_ms, min_requests)`,
    );
  } else if (allowedFails !== undefined && failures !== undefined) {
    report.note(allowedFails.path, 'not carried: expected a whole number');
  }
  const disable = take('disable_cooldowns');
  if (disable !== undefined) {
    if (booleanOf(disable.value) === true) {
      routing.cooldown_ms = 0;
      report.note(
        disable.path,
        'approximated: routing.cooldown_ms is 0; the per-deployment breaker still opens on repeated failures',
      );
    } else {
      report.carried(disable.path);
    }
  }
  if (Object.keys(breaker).length > 0) {
    routing.breaker = breaker;
  }
  return {
    routing: Object.keys(routing).length > 0 ? routing : undefined,
    strategy: readStrategy(take('routing_strategy'), report),
    fallbacks: {
      general: readFallbackRules(take('fallbacks'), report),
      contextWindow: readFallbackRules(take('context_window_fallbacks'), report),
      contentPolicy: readFallbackRules(take('content_policy_fallbacks'), report),
      defaults: readDefaultFallbacks(take('default_fallbacks'), report),
    },
    groupAliases: readGroupAliases(take('model_group_alias'), report),
    providerTimeouts: readProviderTimeouts(
      take('timeout', 'request_timeout'),
      take('stream_timeout'),
      report,
    ),
    dropParams: takeBoolean(take('drop_params'), report) === true,
  };
}

function present(value: unknown): boolean {
  return value !== undefined && value !== null;
}

function readRetries(
  numRetries: Located | undefined,
  retryAfter: Located | undefined,
  report: ConversionReport,
): RoutingDefaultsEntry['retries'] {
  const retries: NonNullable<RoutingDefaultsEntry['retries']> = {};
  const count = takeNumber(numRetries, report);
  if (count !== undefined && numRetries !== undefined) {
    if (!Number.isInteger(count) || count < 0) {
      report.note(numRetries.path, 'not carried: expected a whole number');
    } else {
      retries.max_retries = Math.min(count, maximumRetries);
      report.note(
        numRetries.path,
        `${count > maximumRetries ? `approximated: capped at ${String(maximumRetries)}, the most Signalbox allows; ` : ''}carried as routing.retries.max_retries (Signalbox retries the same deployment, then moves on to the group's next one)`,
      );
    }
  }
  const seconds = takeNumber(retryAfter, report);
  if (seconds !== undefined && retryAfter !== undefined) {
    const milliseconds = Math.round(seconds * 1000);
    if (milliseconds > 0) {
      retries.initial_delay_ms = Math.min(milliseconds, 60_000);
      report.note(
        retryAfter.path,
        'approximated: carried as routing.retries.initial_delay_ms, the cap of the first backoff (Signalbox waits a random time up to it, doubling per retry, and honours Retry-After)',
      );
    } else {
      report.note(
        retryAfter.path,
        'not carried: 0 is the default (Signalbox backs off from 250 ms)',
      );
    }
  }
  return Object.keys(retries).length > 0 ? retries : undefined;
}

function readStrategy(
  setting: Located | undefined,
  report: ConversionReport,
): RouterSettings['strategy'] {
  if (setting === undefined) {
    return undefined;
  }
  const name =
    typeof setting.value === 'string' ? strategyByLitellmName.get(setting.value) : undefined;
  if (name === undefined) {
    report.note(
      setting.path,
      `not carried: ${quote(String(setting.value))} has no Signalbox strategy; groups use weighted (LiteLLM's default, simple-shuffle)`,
    );
    return undefined;
  }
  if (setting.value === 'usage-based-routing' || setting.value === 'usage-based-routing-v2') {
    report.note(
      setting.path,
      'carried as strategy usage-aware on groups with more than one deployment (it picks the deployment with the most rpm/tpm headroom)',
    );
  }
  return { name, path: setting.path };
}

/** `[{"gpt-4": ["gpt-3.5"]}]`; a single name instead of a list is accepted too. */
function readFallbackRules(setting: Located | undefined, report: ConversionReport): FallbackRule[] {
  if (setting === undefined) {
    return [];
  }
  if (!Array.isArray(setting.value)) {
    report.note(setting.path, 'not carried: expected a list of {model: [fallbacks]} mappings');
    return [];
  }
  const rules: FallbackRule[] = [];
  setting.value.forEach((item: unknown, index) => {
    const itemPath = [...setting.path, index];
    if (!isJsonObject(item)) {
      report.note(itemPath, 'not carried: expected a {model: [fallbacks]} mapping');
      return;
    }
    for (const [from, to] of Object.entries(item)) {
      const list = typeof to === 'string' ? [to] : Array.isArray(to) ? to : undefined;
      if (!list?.every((name): name is string => typeof name === 'string')) {
        report.note([...itemPath, from], 'not carried: expected a list of model names');
        continue;
      }
      rules.push({ from, to: list, path: [...itemPath, from] });
    }
  });
  return rules;
}

function readDefaultFallbacks(
  setting: Located | undefined,
  report: ConversionReport,
): FallbackRule | undefined {
  if (setting === undefined) {
    return undefined;
  }
  const list = typeof setting.value === 'string' ? [setting.value] : setting.value;
  if (!Array.isArray(list) || !list.every((name): name is string => typeof name === 'string')) {
    report.note(setting.path, 'not carried: expected a list of model names');
    return undefined;
  }
  return { from: '*', to: list, path: setting.path };
}

/** `{"gpt-4": "gpt-4o"}` or `{"gpt-4": {"model": "gpt-4o", "hidden": true}}`. */
function readGroupAliases(
  setting: Located | undefined,
  report: ConversionReport,
): RouterSettings['groupAliases'] {
  if (setting === undefined) {
    return [];
  }
  if (!isJsonObject(setting.value)) {
    report.note(setting.path, 'not carried: expected a mapping of alias to model group');
    return [];
  }
  const aliases: { alias: string; group: string; path: LitellmPath }[] = [];
  for (const [alias, value] of Object.entries(setting.value)) {
    const path = [...setting.path, alias];
    const group =
      typeof value === 'string'
        ? value
        : isJsonObject(value) && typeof value.model === 'string'
          ? value.model
          : undefined;
    if (group === undefined) {
      report.note(path, 'not carried: expected a model group name');
      continue;
    }
    if (isJsonObject(value) && booleanOf(value.hidden) === true) {
      report.note([...path, 'hidden'], 'not carried: Signalbox lists every model group');
    }
    aliases.push({ alias, group, path });
  }
  return aliases;
}

function readProviderTimeouts(
  timeout: Located | undefined,
  streamTimeout: Located | undefined,
  report: ConversionReport,
): RouterSettings['providerTimeouts'] {
  const timeouts: NonNullable<RouterSettings['providerTimeouts']> = {};
  const totalMs = secondsAsMilliseconds(timeout, 3_600_000, report);
  if (totalMs !== undefined && timeout !== undefined) {
    timeouts.total_ms = totalMs;
    report.note(
      timeout.path,
      "carried as every provider's timeouts.total_ms (a deployment's own timeout still wins)",
    );
  }
  const idleMs = secondsAsMilliseconds(streamTimeout, 600_000, report);
  if (idleMs !== undefined && streamTimeout !== undefined) {
    timeouts.idle_ms = idleMs;
    report.note(
      streamTimeout.path,
      "approximated: carried as every provider's timeouts.idle_ms, the longest silence between chunks (not as a limit on the first chunk, which would also cut unstreamed answers short)",
    );
  }
  return Object.keys(timeouts).length > 0 ? timeouts : undefined;
}
