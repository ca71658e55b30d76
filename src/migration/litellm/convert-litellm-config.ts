import type { ConfigFile, ProviderEntry } from '../../config/config-schema.ts';
import { modelNameSchema, type ModelGroupEntry } from '../../config/model-group-schema.ts';
import { isJsonObject, type JsonObject } from '../../lib/json.ts';
import { applyFallbackRules } from './apply-fallback-rules.ts';
import { assignProviderIds } from './assign-provider-ids.ts';
import { buildModelGroup, DeploymentIds, type PlacedDeployment } from './build-model-group.ts';
import { buildProviderEntry } from './build-provider-entry.ts';
import { checkLitellmShape } from './check-litellm-shape.ts';
import { ConversionReport, quote, type LitellmPath } from './conversion-report.ts';
import { FileEnvironment } from './file-environment.ts';
import { providerIdentity } from './provider-draft.ts';
import { readRouterSettings } from './read-router-settings.ts';
import { reportLeftoverSettings } from './report-leftover-settings.ts';
import { resolveDeployment, type DeploymentDraft } from './resolve-deployment.ts';

/** The outcome of converting a LiteLLM proxy configuration. */
export type LitellmConversion =
  | {
      readonly ok: true;
      /** The Signalbox configuration file, as the object to write as YAML. */
      readonly config: ConfigFile;
      /** One `litellm.<path>: <what happened>` line per setting not carried as it was. */
      readonly report: readonly string[];
      /** How many `model_list` entries became targets or wildcard providers, of how many. */
      readonly deployments: { readonly converted: number; readonly total: number };
    }
  | { readonly ok: false; readonly problems: readonly string[] };

/**
 * Converts a parsed LiteLLM proxy `config.yaml` into a Signalbox configuration, with a report of
 * everything that was approximated or could not be carried. Pure: reads only its argument, never
 * mutates it, never resolves secrets or evaluates anything from it; secrets written in the input
 * are never copied into the output or the report. Returns problems instead when the input does
 * not have the shape of a LiteLLM configuration. Never throws.
 */
export function convertLitellmConfig(input: unknown): LitellmConversion {
  const problems = checkLitellmShape(input);
  if (problems.length > 0 || !isJsonObject(input)) {
    return { ok: false, problems };
  }
  const report = new ConversionReport();
  const router = readRouterSettings(input, report);
  const modelList = input.model_list as JsonObject[];
  const context = {
    report,
    environment: readFileEnvironment(input, report),
    dropParams: router.dropParams,
    credentials: readCredentials(input),
  };
  const deployments: DeploymentDraft[] = [];
  modelList.forEach((entry, index) => {
    const alias = String(entry.model_name);
    if (!alias.includes('*') && !modelNameSchema.safeParse(alias).success) {
      report.note(
        ['model_list', index, 'model_name'],
        `not carried: ${quote(alias)} is not usable as a Signalbox alias (no spaces or control characters); the deployment is left out`,
      );
      report.dismiss(['model_list', index]);
      return;
    }
    const deployment = resolveDeployment(entry, index, context);
    if (deployment === undefined) {
      report.dismiss(['model_list', index]);
    } else {
      deployments.push(deployment);
    }
  });
  const aliases = new Set(
    deployments.filter((deployment) => !deployment.wildcard).map((deployment) => deployment.alias),
  );
  const groupAliases = router.groupAliases.filter(({ alias, group, path }) => {
    if (aliases.has(alias)) {
      report.note(path, `not carried: ${quote(alias)} is already a model_name`);
      return false;
    }
    if (!modelNameSchema.safeParse(alias).success) {
      report.note(path, `not carried: ${quote(alias)} is not usable as a Signalbox alias`);
      return false;
    }
    if (!aliases.has(group)) {
      report.note(
        path,
        `not carried: ${quote(group)} is not a model group of the converted configuration`,
      );
      return false;
    }
    return true;
  });
  const reserved = new Set(
    [...aliases, ...groupAliases.map(({ alias }) => alias)].flatMap((alias) =>
      alias.includes('/') ? [alias.slice(0, alias.indexOf('/'))] : [],
    ),
  );
  const { providers, providerIdOf } = buildProviders(
    deployments,
    reserved,
    router.providerTimeouts,
    report,
  );
  const groups = buildGroups(deployments, providerIdOf, router.strategy, report);
  for (const { alias, group } of groupAliases) {
    groups.push({ alias, targets: [{ alias: group }] });
  }
  applyFallbackRules(groups, router.fallbacks, report);
  reportLeftoverSettings(input, report);
  const config: ConfigFile = {};
  if (providers.length > 0) config.providers = providers;
  if (router.routing !== undefined) config.routing = router.routing;
  if (groups.length > 0) config.models = groups;
  return {
    ok: true,
    config,
    report: report.lines(),
    deployments: { converted: deployments.length, total: modelList.length },
  };
}

/** `environment_variables` with text values, for plain settings LiteLLM reads from there. */
function readFileEnvironment(root: JsonObject, report: ConversionReport): FileEnvironment {
  const environment = new Map<string, string>();
  if (isJsonObject(root.environment_variables)) {
    for (const [name, value] of Object.entries(root.environment_variables)) {
      if (typeof value === 'string' || typeof value === 'number') {
        environment.set(name, String(value));
      }
    }
  }
  return new FileEnvironment(environment, report);
}

/** `credential_list` entries by name; LiteLLM deployments refer to them by `litellm_credential_name`. */
function readCredentials(root: JsonObject): Map<string, { object: JsonObject; path: LitellmPath }> {
  const credentials = new Map<string, { object: JsonObject; path: LitellmPath }>();
  if (!Array.isArray(root.credential_list)) {
    return credentials;
  }
  root.credential_list.forEach((entry: unknown, index) => {
    if (
      isJsonObject(entry) &&
      typeof entry.credential_name === 'string' &&
      isJsonObject(entry.credential_values)
    ) {
      credentials.set(entry.credential_name, {
        object: entry.credential_values,
        path: ['credential_list', index, 'credential_values'],
      });
    }
  });
  return credentials;
}

/** One provider per distinct provider draft, with readable unique ids. */
function buildProviders(
  deployments: readonly DeploymentDraft[],
  reserved: ReadonlySet<string>,
  timeouts: Parameters<typeof buildProviderEntry>[2],
  report: ConversionReport,
): { providers: ProviderEntry[]; providerIdOf: ReadonlyMap<DeploymentDraft, string> } {
  const buckets = new Map<string, DeploymentDraft[]>();
  for (const deployment of deployments) {
    const identity = providerIdentity(deployment.provider);
    const bucket = buckets.get(identity);
    if (bucket === undefined) {
      buckets.set(identity, [deployment]);
    } else {
      bucket.push(deployment);
    }
  }
  const lists = [...buckets.values()];
  const ids = assignProviderIds(
    lists.map((list) => {
      // The deployments of a bucket have equal drafts, so any one describes the provider.
      const draft = list[0]?.provider;
      return {
        base: draft?.idBase ?? 'provider',
        qualifier: draft?.qualifier,
        alwaysQualified: draft?.alwaysQualified ?? false,
        preferred: list.find((deployment) => deployment.preferredProviderId !== undefined)
          ?.preferredProviderId,
      };
    }),
    reserved,
  );
  const providerIdOf = new Map<DeploymentDraft, string>();
  const providers = lists.map((list, index) => {
    const id = ids[index] ?? 'provider';
    for (const deployment of list) {
      providerIdOf.set(deployment, id);
      if (deployment.preferredProviderId !== undefined && deployment.preferredProviderId !== id) {
        report.note(
          ['model_list', deployment.index, 'model_name'],
          `approximated: the provider is named ${quote(id)}, so clients send ${id}/<model> instead of ${deployment.preferredProviderId}/<model>`,
        );
      }
    }
    return buildProviderEntry(id, list, timeouts, report);
  });
  return { providers, providerIdOf };
}

/** Model groups by `model_name`, in the order the names first appear. */
function buildGroups(
  deployments: readonly DeploymentDraft[],
  providerIdOf: ReadonlyMap<DeploymentDraft, string>,
  strategy: Parameters<typeof buildModelGroup>[2],
  report: ConversionReport,
): ModelGroupEntry[] {
  const byAlias = new Map<string, PlacedDeployment[]>();
  for (const deployment of deployments) {
    if (deployment.wildcard) {
      continue;
    }
    const placed = { deployment, providerId: providerIdOf.get(deployment) ?? 'provider' };
    const list = byAlias.get(deployment.alias);
    if (list === undefined) {
      byAlias.set(deployment.alias, [placed]);
    } else {
      list.push(placed);
    }
  }
  const ids = new DeploymentIds();
  return [...byAlias].map(([alias, placed]) =>
    buildModelGroup(alias, placed, strategy, ids, report),
  );
}
