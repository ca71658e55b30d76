import type { ModelFactsEntry } from '../../config/model-facts-schema.ts';
import { modelNameSchema } from '../../config/model-group-schema.ts';
import { isJsonObject, type JsonObject } from '../../lib/json.ts';
import { quote, type ConversionReport, type LitellmPath } from './conversion-report.ts';
import { draftProvider } from './draft-provider.ts';
import {
  litellmProviderTable,
  providerByBareModelPrefix,
  unsupportedPrefixReasons,
  vertexTypeByFamily,
  type LitellmProviderMapping,
} from './litellm-provider-table.ts';
import type { FileEnvironment } from './file-environment.ts';
import { SettingsReader } from './settings-reader.ts';
import type { ProviderDraft } from './provider-draft.ts';
import { readModelFacts } from './read-model-facts.ts';
import { readTargetSettings, type TargetSettings } from './read-target-settings.ts';

/** One `model_list` entry, ready to become a provider and a target of a model group. */
export interface DeploymentDraft {
  readonly index: number;
  /** The LiteLLM `model_name`: the alias clients send. */
  readonly alias: string;
  readonly provider: ProviderDraft;
  /** A wildcard deployment (`openai/*`): its provider takes any model name, and no group is made. */
  readonly wildcard: boolean;
  /** The id clients already use as the prefix of wildcard names (`openai` for `openai/*`). */
  readonly preferredProviderId: string | undefined;
  /** The provider's name for the model (after the LiteLLM prefix). */
  readonly model: string;
  readonly target: TargetSettings;
  readonly facts: ModelFactsEntry | undefined;
}

/** What every deployment is resolved against. */
export interface DeploymentContext {
  readonly report: ConversionReport;
  readonly environment: FileEnvironment;
  /** `litellm_settings.drop_params`. */
  readonly dropParams: boolean;
  /** `credential_list` entries by `credential_name`. */
  readonly credentials: ReadonlyMap<string, { object: JsonObject; path: LitellmPath }>;
}

/**
 * Resolves one `model_list` entry (already checked to have a `model_name` and a
 * `litellm_params.model`), or returns undefined after noting why it is left out: a provider
 * Signalbox has no type for, a pattern it cannot express, a server address that is missing.
 */
export function resolveDeployment(
  entry: JsonObject,
  index: number,
  context: DeploymentContext,
): DeploymentDraft | undefined {
  const { report } = context;
  const entryPath: LitellmPath = ['model_list', index];
  const paramsPath: LitellmPath = [...entryPath, 'litellm_params'];
  const alias = String(entry.model_name);
  report.carried([...entryPath, 'model_name']);
  const litellmParams = entry.litellm_params as JsonObject;
  const layers = [{ object: litellmParams, path: paramsPath }];
  const credentialName = litellmParams.litellm_credential_name;
  if (typeof credentialName === 'string') {
    const credential = context.credentials.get(credentialName);
    if (credential === undefined) {
      report.note(
        [...paramsPath, 'litellm_credential_name'],
        `action needed: no credential_list entry is named ${quote(credentialName)}`,
      );
    } else {
      report.carried([...paramsPath, 'litellm_credential_name']);
      const credentialPath = credential.path.slice(0, -1);
      report.carried([...credentialPath, 'credential_name']);
      report.carried([...credentialPath, 'credential_info']);
      layers.unshift(credential);
    }
  }
  const params = new SettingsReader(layers, report);
  const modelSetting = params.take('model');
  if (modelSetting === undefined) {
    return undefined; // checkLitellmShape rules this out
  }
  const located = locateProvider(String(modelSetting.value), params, modelSetting.path, report);
  if (located === undefined) {
    return undefined;
  }
  const wildcard = located.model.includes('*');
  if (!wildcard && !modelNameSchema.safeParse(located.model).success) {
    report.note(
      modelSetting.path,
      'not carried: no usable model name after the provider (1-256 characters without spaces); the deployment is left out',
    );
    return undefined;
  }
  if (!wildcard && alias.includes('*')) {
    report.note(
      [...entryPath, 'model_name'],
      'not carried: Signalbox has no model-name patterns; a pattern reaches one provider only as <provider id>/<model> (see allow_any_model)',
    );
    return undefined;
  }
  const provider = draftProvider({
    mapping: located.mapping,
    type: located.type,
    params,
    paramsPath,
    environment: context.environment,
    dropParams: context.dropParams,
    report,
  });
  if (provider === undefined) {
    return undefined;
  }
  const modelInfo = new SettingsReader(
    isJsonObject(entry.model_info)
      ? [{ object: entry.model_info, path: [...entryPath, 'model_info'] }]
      : [],
    report,
  );
  if (wildcard) {
    noteWildcardSettings(entry, entryPath, report);
  }
  const target = wildcard
    ? {}
    : readTargetSettings({ entry, entryPath, params, modelInfo, report });
  const facts = wildcard ? undefined : readModelFacts(modelInfo, params, report);
  const preferredProviderId = wildcard
    ? /^([a-z0-9][a-z0-9_-]{0,62})\/\*$/.exec(alias)?.[1]
    : undefined;
  if (wildcard) {
    report.note(
      modelSetting.path,
      alias === '*'
        ? 'carried as allow_any_model on the provider; Signalbox has no catch-all name, so clients must send <provider id>/<model>'
        : `carried as allow_any_model on the provider: clients send <provider id>/<model> for any model${located.model === '*' ? '' : ', not only names matching the pattern'}`,
    );
  }
  return {
    index,
    alias,
    provider,
    wildcard,
    preferredProviderId,
    model: located.model,
    target,
    facts,
  };
}

interface LocatedProvider {
  readonly mapping: LitellmProviderMapping;
  readonly type: string;
  readonly model: string;
}

/**
 * The provider a LiteLLM model string names (`bedrock/anthropic.claude-...`), with the model name
 * the provider itself uses. Notes and returns undefined for providers Signalbox has no type for.
 */
function locateProvider(
  model: string,
  params: SettingsReader,
  path: LitellmPath,
  report: ConversionReport,
): LocatedProvider | undefined {
  const custom = params.take('custom_llm_provider');
  let prefix: string;
  let rest: string;
  if (typeof custom?.value === 'string') {
    prefix = custom.value;
    rest = model.startsWith(`${prefix}/`) ? model.slice(prefix.length + 1) : model;
  } else if (model.includes('/')) {
    prefix = model.slice(0, model.indexOf('/'));
    rest = model.slice(model.indexOf('/') + 1);
  } else {
    const inferred = providerByBareModelPrefix.find((entry) => model.startsWith(entry.prefix));
    if (inferred === undefined) {
      report.note(
        path,
        `not carried: ${quote(model)} names no provider (write it as <provider>/<model>); the deployment is left out`,
      );
      return undefined;
    }
    report.note(
      path,
      `no provider prefix; LiteLLM infers ${inferred.provider} from the name, and so does the conversion`,
    );
    prefix = inferred.provider;
    rest = model;
  }
  const mapping = litellmProviderTable.get(prefix);
  if (mapping === undefined) {
    const reason =
      unsupportedPrefixReasons.get(prefix) ??
      `Signalbox has no provider type for LiteLLM's ${quote(prefix)} provider`;
    report.note(
      path,
      `not carried: ${reason}; the deployment is left out (a server that speaks the OpenAI API can be added as type openai-compatible)`,
    );
    return undefined;
  }
  if (rest === '') {
    report.note(path, 'not carried: no model name after the provider; the deployment is left out');
    return undefined;
  }
  if (mapping.kind === 'bedrock') {
    return locateBedrock(mapping, rest, path, report);
  }
  if (mapping.kind === 'vertex') {
    const family = vertexTypeByFamily.find((entry) => rest.toLowerCase().startsWith(entry.prefix));
    if (family === undefined && !rest.includes('*')) {
      report.note(
        path,
        'not carried: Signalbox serves Gemini and Claude models on Vertex AI, not this one; the deployment is left out',
      );
      return undefined;
    }
    return { mapping, type: family?.type ?? mapping.type, model: rest };
  }
  return { mapping, type: mapping.type, model: rest };
}

/** Bedrock: `converse/` and `invoke/` select LiteLLM's API; Signalbox has Converse, and InvokeModel for Claude. */
function locateBedrock(
  mapping: LitellmProviderMapping,
  rest: string,
  path: LitellmPath,
  report: ConversionReport,
): LocatedProvider {
  if (rest.startsWith('converse/')) {
    return { mapping, type: 'bedrock', model: rest.slice('converse/'.length) };
  }
  if (rest.startsWith('invoke/')) {
    const model = rest.slice('invoke/'.length);
    if (/(^|\.)anthropic\./.test(model)) {
      return { mapping, type: 'bedrock-anthropic', model };
    }
    report.note(
      path,
      'carried on the Converse API: Signalbox uses InvokeModel for Claude models only',
    );
    return { mapping, type: 'bedrock', model };
  }
  return { mapping, type: 'bedrock', model: rest };
}

/** Settings of a group target, which a wildcard deployment (no group) has no place for. */
const targetSettingKeys = [
  'weight',
  'order',
  'rpm',
  'tpm',
  'timeout',
  'stream_timeout',
  'region_name',
  'tags',
];

function noteWildcardSettings(
  entry: JsonObject,
  entryPath: LitellmPath,
  report: ConversionReport,
): void {
  const reason =
    'not carried: a wildcard deployment becomes a provider, not a model group, so it has no target to carry this';
  const params = isJsonObject(entry.litellm_params) ? entry.litellm_params : {};
  for (const key of targetSettingKeys) {
    if (params[key] !== undefined && params[key] !== null) {
      report.note([...entryPath, 'litellm_params', key], reason);
    }
  }
  for (const key of ['rpm', 'tpm', 'model_info']) {
    if (entry[key] !== undefined && entry[key] !== null) {
      report.note([...entryPath, key], reason);
    }
  }
}
