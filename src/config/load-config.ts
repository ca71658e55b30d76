import { resolveAuditConfig } from './audit-schema.ts';
import { resolveCacheConfig } from './cache-schema.ts';
import { resolveModelGroups, resolveRoutingDefaults } from './resolve-model-groups.ts';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { checkLearnedGroupTargets, resolveLearnedRouters } from './resolve-learned-routers.ts';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { getProviderType } from '../providers/provider-registry.ts';
import type { ProviderCredentials } from '../auth/create-upstream-authorizer.ts';
import {
  parseServiceAccountKey,
  type ServiceAccountKey,
} from '../auth/gcp-service-account-authorizer.ts';
import type { SecretValue } from '../lib/secret-value.ts';
import { configFileSchema, type ConfigFile, type ProviderEntry } from './config-schema.ts';
import { builtInModelFacts, readModelFactsFile } from './load-model-facts.ts';
import { toModelFactsLayer, type ModelFactsFile } from './model-facts-schema.ts';
import type { ConfigProblem } from './config-problem.ts';
import { detectEnvironmentProviders } from './environment-providers.ts';
import type { Environment } from './environment.ts';
import { formatConfigPath } from './format-config-path.ts';
import type { ConfigSource, GatewayConfig, ProviderConfig } from './gateway-config.ts';
import { resolveProviderSecret, type CredentialLookup } from './resolve-secret-reference.ts';
import { resolveAuthConfig } from './resolve-auth-config.ts';
import { resolveTracingConfig } from './resolve-tracing-config.ts';
import {
  resolveRateLimitStorage,
  resolveServer,
  resolveStateDir,
  resolveStorage,
} from './resolve-server-and-storage.ts';

/** Settings given on the command line; they win over the environment and the file. */
export interface ConfigOverrides {
  readonly host?: string | undefined;
  readonly port?: number | undefined;
  readonly stateDir?: string | undefined;
}

export type LoadConfigResult =
  | { readonly ok: true; readonly config: GatewayConfig; readonly file: ConfigFile }
  | { readonly ok: false; readonly problems: readonly ConfigProblem[] };

const defaultTimeouts = {
  connectMs: 10_000,
  firstByteMs: 300_000,
  idleMs: 120_000,
  totalMs: 900_000,
};

/**
 * Reads, validates and resolves a YAML configuration file. Never throws: every failure comes back
 * as problems with readable paths (`models.fast.targets[1].provider: ...`).
 *
 * `${credential:NAME}` references in provider settings are resolved through `credentials`; without
 * it (before storage is open, or in CLI commands that only need the state directory) they are
 * left unresolved: the setting reads as absent and no problem is reported.
 */
export function loadConfigFile(
  path: string,
  environment: Environment,
  overrides: ConfigOverrides = {},
  credentials?: CredentialLookup,
): LoadConfigResult {
  const absolutePath = resolve(path);
  let text: string;
  try {
    text = readFileSync(absolutePath, 'utf8');
  } catch (error) {
    const reason = error instanceof Error && 'code' in error ? String(error.code) : 'unreadable';
    return { ok: false, problems: [{ path: absolutePath, message: `cannot be read (${reason})` }] };
  }
  const parsed = parseConfigText(text);
  if (!parsed.ok) {
    return parsed;
  }
  return resolveConfigFile(parsed.file, {
    source: { kind: 'file', path: absolutePath },
    baseDirectory: dirname(absolutePath),
    environment,
    overrides,
    includeEnvironmentProviders: parsed.file.providers_from_environment === true,
    credentials,
  });
}

/**
 * The configuration used when no file is given: the built-in mock provider plus every provider
 * whose API key is in the environment.
 */
export function loadDefaultConfig(
  environment: Environment,
  overrides: ConfigOverrides = {},
  credentials?: CredentialLookup,
): LoadConfigResult {
  const file: ConfigFile = { providers: [{ id: 'mock', type: 'mock' }] };
  const detected = detectEnvironmentProviders(environment);
  return resolveConfigFile(file, {
    source: {
      kind: 'default',
      environmentVariables: detected.map((provider) => provider.variable),
    },
    baseDirectory: process.cwd(),
    environment,
    overrides,
    includeEnvironmentProviders: true,
    credentials,
  });
}

/** Parses YAML text and validates it against the schema; secrets stay unresolved. */
export function parseConfigText(
  text: string,
): { ok: true; file: ConfigFile } | { ok: false; problems: ConfigProblem[] } {
  const document = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (document.errors.length > 0) {
    return {
      ok: false,
      problems: document.errors.map((error) => {
        const position = error.linePos?.[0];
        return {
          path: position === undefined ? '(yaml)' : `line ${position.line}, column ${position.col}`,
          message: (error.message.split('\n')[0] ?? 'invalid YAML').replace(
            / at line \d+, column \d+:?$/,
            '',
          ),
        };
      }),
    };
  }
  let raw: unknown;
  try {
    // toJS refuses alias expansions beyond the library's default count (alias bombs) by throwing.
    raw = document.toJS() ?? {};
  } catch (error) {
    return {
      ok: false,
      problems: [
        { path: '(yaml)', message: error instanceof Error ? error.message : 'invalid YAML' },
      ],
    };
  }
  const validated = configFileSchema.safeParse(raw);
  if (!validated.success) {
    return { ok: false, problems: describeIssues(validated.error.issues, raw) };
  }
  return { ok: true, file: validated.data };
}

function describeIssues(issues: readonly z.core.$ZodIssue[], raw: unknown): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        problems.push({
          path: formatConfigPath([...issue.path, key], raw),
          message: 'is not a known setting',
        });
      }
      continue;
    }
    problems.push({ path: formatConfigPath(issue.path, raw), message: issue.message });
  }
  return problems;
}

interface ResolveOptions {
  readonly source: ConfigSource;
  readonly baseDirectory: string;
  readonly environment: Environment;
  readonly overrides: ConfigOverrides;
  readonly includeEnvironmentProviders: boolean;
  /** Resolves `${credential:NAME}` in provider settings; absent, they are left unresolved. */
  readonly credentials?: CredentialLookup | undefined;
}

/** Applies defaults and overrides and resolves secret references of a validated file. */
export function resolveConfigFile(file: ConfigFile, options: ResolveOptions): LoadConfigResult {
  const problems: ConfigProblem[] = [];
  const entries: ProviderEntry[] = [...(file.providers ?? [])];
  if (options.includeEnvironmentProviders) {
    const taken = new Set(entries.map((entry) => entry.id));
    for (const { entry } of detectEnvironmentProviders(options.environment)) {
      if (!taken.has(entry.id)) {
        entries.push(entry);
      }
    }
  }
  let operatorFacts: ModelFactsFile | undefined;
  if (file.model_facts_file !== undefined) {
    const read = readModelFactsFile(resolve(options.baseDirectory, file.model_facts_file));
    if (read.ok) {
      operatorFacts = read.file;
    } else {
      problems.push(...read.problems);
    }
  }
  const providers: ProviderConfig[] = [];
  for (const entry of entries) {
    providers.push(resolveProvider(entry, options, problems, operatorFacts));
  }
  const server = resolveServer(file, options, problems);
  const stateDir = resolveStateDir(file, options);
  const storage = resolveStorage(file, options, problems);
  const rateLimitStorage = resolveRateLimitStorage(file, options, problems);
  const auth = resolveAuthConfig(file.auth, options.baseDirectory, problems);
  const tracing = resolveTracingConfig(file.tracing, options, problems);
  const routers = resolveLearnedRouters(file.routers ?? [], options.baseDirectory, problems);
  if (problems.length > 0 || server === undefined || storage === undefined) {
    return { ok: false, problems };
  }
  const routing = resolveRoutingDefaults(file);
  const models = resolveModelGroups(file.models ?? [], routing);
  checkLearnedGroupTargets(models, routers, problems);
  if (problems.length > 0) {
    return { ok: false, problems };
  }
  const config: GatewayConfig = {
    source: options.source,
    server,
    stateDir,
    storage,
    log: { level: file.log?.level ?? 'info', requests: file.log?.requests ?? true },
    requestLog: {
      enabled: file.request_log?.enabled ?? true,
      retentionMs: (file.request_log?.retention_days ?? 30) * 86_400_000,
    },
    tracing,
    audit: resolveAuditConfig(file.audit),
    cache: resolveCacheConfig(file.cache),
    providers,
    routing,
    models,
    routers,
    limits: (file.limits ?? []).map((limit) => ({
      scope: limit.scope,
      rpm: limit.rpm,
      tpm: limit.tpm,
      maxConcurrent: limit.max_concurrent,
      burst: limit.burst,
      match: limit.match,
    })),
    budgets: (file.budgets ?? []).map((budget) => ({
      scope: budget.scope,
      match: budget.match,
      limitNanos: Math.round(budget.usd * 1e9),
      period: budget.period,
      hard: budget.mode !== 'soft',
    })),
    rateLimitStorage,
    auth,
  };
  return { ok: true, config, file };
}

/** The layers of model facts for one provider, lowest precedence first. */
function modelFactsLayers(entry: ProviderEntry, operatorFacts: ModelFactsFile | undefined) {
  const sources = [
    builtInModelFacts().providers[entry.type],
    operatorFacts?.providers[entry.type],
    entry.id === entry.type ? undefined : operatorFacts?.providers[entry.id],
    entry.model_facts,
  ];
  return sources.flatMap((source) => (source === undefined ? [] : [toModelFactsLayer(source)]));
}

function resolveProvider(
  entry: ProviderEntry,
  options: ResolveOptions,
  problems: ConfigProblem[],
  operatorFacts: ModelFactsFile | undefined,
): ProviderConfig {
  const definition = getProviderType(entry.type);
  const path = (suffix: string): string => `providers.${entry.id}.${suffix}`;
  const resolveSecret = (value: string | undefined, suffix: string): SecretValue | undefined => {
    const resolution =
      value === undefined ? undefined : resolveProviderSecret(value, options, options.credentials);
    if (resolution === undefined) {
      return undefined;
    }
    if (!resolution.ok) {
      problems.push({ path: path(suffix), message: resolution.message });
      return undefined;
    }
    return resolution.secret;
  };
  const headers = new Map<string, SecretValue>();
  for (const [name, value] of Object.entries(entry.headers ?? {})) {
    const secret = resolveSecret(value, `headers.${name}`);
    if (secret !== undefined) {
      headers.set(name.toLowerCase(), secret);
    }
  }
  const settings = { region: entry.region, project: entry.project, apiVersion: entry.api_version };
  return {
    id: entry.id,
    type: entry.type,
    baseUrl: entry.base_url ?? fillBaseUrl(definition.defaultBaseUrl, settings),
    authScheme: entry.auth ?? definition.auth[0] ?? 'none',
    credentials: resolveCredentials(entry, resolveSecret, problems, path),
    settings,
    dropUnsupportedParams: entry.drop_unsupported_params ?? false,
    headers,
    timeouts: {
      connectMs: entry.timeouts?.connect_ms ?? defaultTimeouts.connectMs,
      firstByteMs: entry.timeouts?.first_byte_ms ?? defaultTimeouts.firstByteMs,
      idleMs: entry.timeouts?.idle_ms ?? defaultTimeouts.idleMs,
      totalMs: entry.timeouts?.total_ms ?? defaultTimeouts.totalMs,
    },
    models: entry.models ?? definition.catalog.map((model) => model.name),
    allowAnyModel: entry.allow_any_model ?? false,
    modelFacts: modelFactsLayers(entry, operatorFacts),
    mock:
      entry.type === 'mock'
        ? { latencyMs: entry.mock?.latency_ms ?? 0, tokensPerSecond: entry.mock?.tokens_per_second }
        : undefined,
  };
}

/**
 * A default base URL with `{region}` and `{project}` filled in. Google's `global` location has no
 * regional host, so `{region}-` is dropped for it.
 */
function fillBaseUrl(
  template: string | undefined,
  settings: { region?: string | undefined; project?: string | undefined },
): string | undefined {
  if (template === undefined) {
    return undefined;
  }
  let url = template;
  if (settings.region === 'global') {
    url = url.replace('{region}-', '');
  }
  return url
    .replace('{region}', settings.region ?? 'region')
    .replace('{project}', settings.project ?? 'project');
}

function resolveCredentials(
  entry: ProviderEntry,
  resolveSecret: (value: string | undefined, suffix: string) => SecretValue | undefined,
  problems: ConfigProblem[],
  path: (suffix: string) => string,
): ProviderCredentials {
  const accessKeyId = resolveSecret(entry.aws_access_key_id, 'aws_access_key_id');
  const secretAccessKey = resolveSecret(entry.aws_secret_access_key, 'aws_secret_access_key');
  const sessionToken = resolveSecret(entry.aws_session_token, 'aws_session_token');
  let gcpServiceAccount: ServiceAccountKey | undefined;
  const serviceAccount = resolveSecret(entry.service_account, 'service_account');
  if (serviceAccount !== undefined) {
    try {
      gcpServiceAccount = parseServiceAccountKey(serviceAccount.reveal());
    } catch (error) {
      problems.push({
        path: path('service_account'),
        message: error instanceof Error ? error.message : 'is not usable',
      });
    }
  }
  const azureAd = entry.azure_ad;
  const clientSecret = resolveSecret(azureAd?.client_secret, 'azure_ad.client_secret');
  return {
    apiKey: resolveSecret(entry.api_key, 'api_key'),
    aws:
      accessKeyId !== undefined && secretAccessKey !== undefined && entry.region !== undefined
        ? { accessKeyId, secretAccessKey, sessionToken, region: entry.region }
        : undefined,
    gcpServiceAccount,
    azureEntra:
      azureAd !== undefined && clientSecret !== undefined
        ? {
            tenantId: azureAd.tenant_id,
            clientId: azureAd.client_id,
            clientSecret,
            authorityHost: azureAd.authority_host ?? 'https://login.microsoftonline.com',
          }
        : undefined,
  };
}
