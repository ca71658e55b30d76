import { findProviderType } from '../../providers/provider-registry.ts';
import type { ConversionReport, LitellmPath } from './conversion-report.ts';
import { readHeaders, readServiceAccount } from './read-provider-credentials.ts';
import { hostQualifier, isDefaultBaseUrl, toBaseUrl, withPathSuffix } from './litellm-base-url.ts';
import type { LitellmProviderMapping } from './litellm-provider-table.ts';
import type { FileEnvironment } from './file-environment.ts';
import { readSecret } from './litellm-secret.ts';
import { takeBoolean, type Located, type SettingsReader } from './settings-reader.ts';
import type { DraftSecret, ProviderDraft, SecretSetting } from './provider-draft.ts';

/** What a provider draft is built from. */
export interface DraftInput {
  readonly mapping: LitellmProviderMapping;
  /** The Signalbox type, when the model family decides it (Vertex AI, Bedrock InvokeModel). */
  readonly type: string;
  readonly params: SettingsReader;
  /** `model_list[i].litellm_params`, for settings that are absent. */
  readonly paramsPath: LitellmPath;
  readonly environment: FileEnvironment;
  /** `litellm_settings.drop_params`. */
  readonly dropParams: boolean;
  readonly report: ConversionReport;
}

/** Used when LiteLLM would read AZURE_API_VERSION and the file does not say: Azure's current GA version. */
const defaultAzureApiVersion = '2024-10-21';
/** LiteLLM's default Vertex AI location. */
const defaultVertexLocation = 'us-central1';
const cloudName = /^[a-z0-9][a-z0-9-]{0,62}$/;

/**
 * The provider one LiteLLM deployment needs, or undefined (noted) when it cannot be set up.
 * Reads only the settings it carries; anything else stays for the leftover report.
 */
export function draftProvider(input: DraftInput): ProviderDraft | undefined {
  const { mapping, params } = input;
  const secrets = new Map<SecretSetting, DraftSecret>();
  const at = (key: string): LitellmPath => [...input.paramsPath, key];
  const perDeploymentDrop = takeBoolean(params.take('drop_params'), input.report);
  const common = {
    idBase: mapping.idBase,
    secrets,
    headers: readHeaders(input),
    dropUnsupportedParams: perDeploymentDrop ?? input.dropParams,
  };
  switch (mapping.kind) {
    case 'azure':
      return draftAzure(input, secrets, common, at);
    case 'bedrock':
      return draftBedrock(input, secrets, common, at);
    case 'vertex':
      return draftVertex(input, secrets, common, at);
    default:
      return draftHosted(input, secrets, common, at);
  }
}

type Common = Pick<ProviderDraft, 'idBase' | 'secrets' | 'headers' | 'dropUnsupportedParams'>;
type Secrets = Map<SecretSetting, DraftSecret>;
type At = (key: string) => LitellmPath;

/**
 * A secret setting, or undefined when absent or unusable (noted); `os.environ/NAME` becomes
 * `${env:NAME}`, and a number is a literal like any other.
 */
function takeSecret(input: DraftInput, key: string): DraftSecret | undefined {
  const setting = input.params.take(key);
  if (setting === undefined) {
    return undefined;
  }
  const source = readSecret(
    typeof setting.value === 'number' ? String(setting.value) : setting.value,
  );
  if (source === undefined) {
    input.report.note(setting.path, 'not carried: expected text');
    return undefined;
  }
  return { source, path: setting.path };
}

/** The base URL from `api_base` (or LiteLLM's alias `base_url`), noted when unusable. */
function takeBaseUrl(input: DraftInput): { url: string; setting: Located } | undefined {
  const apiBase = input.params.take('api_base');
  const alias = input.params.take('base_url');
  if (apiBase !== undefined && alias !== undefined) {
    input.report.note(alias.path, 'not carried: api_base is used');
  }
  const setting = apiBase ?? alias;
  const text = input.environment.text(setting);
  if (text === undefined || setting === undefined) {
    return undefined;
  }
  const url = toBaseUrl(text, setting.path, input.report);
  return url === undefined ? undefined : { url, setting };
}

/** Hosted APIs with a key, and servers the operator runs. */
function draftHosted(
  input: DraftInput,
  secrets: Secrets,
  common: Common,
  at: At,
): ProviderDraft | undefined {
  const { mapping, report } = input;
  let type = input.type;
  let idBase = common.idBase;
  const definition = findProviderType(type);
  const base = takeBaseUrl(input);
  let baseUrl: string | undefined;
  if (base !== undefined && !isDefaultBaseUrl(base.url, definition?.defaultBaseUrl)) {
    if (mapping.typeWithOwnBase !== undefined) {
      type = mapping.typeWithOwnBase;
      idBase = mapping.typeWithOwnBase;
      report.note(
        base.setting.path,
        `carried as a provider of type ${type} (LiteLLM's ${mapping.type}/ with an api_base reaches any server that speaks the same API)`,
      );
    }
    baseUrl =
      mapping.basePath === undefined ? base.url : withPathSuffix(base.url, mapping.basePath.suffix);
    if (baseUrl !== base.url) {
      report.note(
        base.setting.path,
        `carried as base_url ${JSON.stringify(baseUrl)}: ${mapping.basePath?.why ?? 'the path changed'}`,
      );
    }
  }
  const finalDefinition = findProviderType(type);
  if (
    baseUrl === undefined &&
    (mapping.needsApiBase === true || finalDefinition?.defaultBaseUrl === undefined)
  ) {
    report.note(
      at('api_base'),
      'not carried: this deployment has no usable api_base, and its provider has no public address; the deployment is left out',
    );
    return undefined;
  }
  if (base === undefined && mapping.kind === 'server') {
    report.note(
      at('api_base'),
      `not set; base_url is the ${type} default, ${finalDefinition?.defaultBaseUrl ?? ''}`,
    );
  }
  const key = takeSecret(input, 'api_key');
  const takesKey = finalDefinition?.auth[0] !== 'none';
  if (key !== undefined && !takesKey) {
    report.note(key.path, `not carried: Signalbox's ${type} provider sends no key`);
  } else if (key !== undefined) {
    secrets.set('api_key', key);
  } else if (finalDefinition?.requiresApiKey === true && mapping.apiKeyVariable !== undefined) {
    secrets.set('api_key', {
      source: { kind: 'env', name: mapping.apiKeyVariable },
      path: at('api_key'),
    });
    report.note(
      at('api_key'),
      `not set; LiteLLM reads ${mapping.apiKeyVariable}, so api_key is \${env:${mapping.apiKeyVariable}}`,
    );
  } else if (finalDefinition?.requiresApiKey === true) {
    secrets.set('api_key', {
      source: { kind: 'missing' },
      path: at('api_key'),
      reason: 'LiteLLM had no key for this deployment and Signalbox needs one',
    });
  }
  const organization = input.environment.text(input.params.take('organization'));
  const headers = new Map(common.headers);
  if (organization !== undefined && type === 'openai') {
    headers.set('OpenAI-Organization', organization);
  } else if (organization !== undefined) {
    report.note(
      at('organization'),
      `not carried: only OpenAI's own API takes an organization, not ${type}`,
    );
  }
  return {
    ...common,
    headers,
    type,
    idBase,
    qualifier: hostQualifier(baseUrl),
    alwaysQualified: false,
    ...(baseUrl === undefined ? {} : { baseUrl }),
  };
}

function draftAzure(
  input: DraftInput,
  secrets: Secrets,
  common: Common,
  at: At,
): ProviderDraft | undefined {
  const { report, environment } = input;
  let baseUrl = takeBaseUrl(input)?.url;
  if (baseUrl === undefined) {
    const fallback = environment.first(['AZURE_API_BASE']);
    if (fallback !== undefined) {
      baseUrl = toBaseUrl(fallback.value, ['environment_variables', fallback.name], report);
    }
  }
  if (baseUrl === undefined) {
    baseUrl = 'https://your-resource.openai.azure.com';
    report.note(
      at('api_base'),
      `action needed: no Azure endpoint in the file (LiteLLM reads AZURE_API_BASE); base_url is set to ${baseUrl}, replace it with your resource endpoint`,
    );
  }
  let apiVersion = input.environment.text(input.params.take('api_version'));
  if (apiVersion === undefined) {
    apiVersion = environment.first(['AZURE_API_VERSION'])?.value ?? defaultAzureApiVersion;
    report.note(
      at('api_version'),
      `not set; api_version is ${apiVersion} (Signalbox needs one; LiteLLM falls back to AZURE_API_VERSION or its own default)`,
    );
  }
  const key = takeSecret(input, 'api_key');
  const entraSettings = ['tenant_id', 'client_id', 'client_secret'].flatMap((name) => {
    const setting = input.params.take(name);
    return setting === undefined ? [] : [setting];
  });
  const tenant = input.environment.text(
    entraSettings.find(({ path }) => path.at(-1) === 'tenant_id'),
  );
  const client = input.environment.text(
    entraSettings.find(({ path }) => path.at(-1) === 'client_id'),
  );
  const clientSetting = entraSettings.find(({ path }) => path.at(-1) === 'client_secret');
  const clientSource = readSecret(clientSetting?.value);
  let auth: 'azure-entra' | undefined;
  let azureAd: ProviderDraft['azureAd'];
  const entraWhy =
    key !== undefined
      ? 'not carried: api_key is used, as LiteLLM does when both are given'
      : 'not carried: Microsoft Entra ID needs tenant_id, client_id and client_secret together';
  if (
    key === undefined &&
    tenant !== undefined &&
    client !== undefined &&
    clientSetting !== undefined &&
    clientSource !== undefined
  ) {
    auth = 'azure-entra';
    azureAd = { tenantId: tenant, clientId: client };
    secrets.set('azure_client_secret', { source: clientSource, path: clientSetting.path });
  } else {
    for (const setting of entraSettings) {
      report.note(setting.path, entraWhy);
    }
  }
  if (key !== undefined) {
    secrets.set('api_key', key);
  } else if (auth === undefined) {
    secrets.set('api_key', { source: { kind: 'env', name: 'AZURE_API_KEY' }, path: at('api_key') });
    report.note(
      at('api_key'),
      'not set; LiteLLM reads AZURE_API_KEY, so api_key is ${env:AZURE_API_KEY}',
    );
  }
  return {
    ...common,
    type: input.type,
    qualifier: hostQualifier(baseUrl),
    alwaysQualified: true,
    baseUrl,
    apiVersion,
    ...(auth === undefined ? {} : { auth }),
    ...(azureAd === undefined ? {} : { azureAd }),
  };
}

function draftBedrock(input: DraftInput, secrets: Secrets, common: Common, at: At): ProviderDraft {
  const { report, environment } = input;
  let region = input.environment.text(input.params.take('aws_region_name'));
  if (region === undefined) {
    const fallback = environment.first(['AWS_REGION_NAME', 'AWS_REGION', 'AWS_DEFAULT_REGION']);
    region = fallback?.value ?? 'us-east-1';
    report.note(
      at('aws_region_name'),
      fallback === undefined
        ? 'action needed: no region in the file (LiteLLM reads AWS_REGION_NAME); region is us-east-1, change it if your models run elsewhere'
        : `not set; region is ${fallback.value}, from environment_variables.${fallback.name}`,
    );
  }
  region = checkedCloudName(region, at('aws_region_name'), 'us-east-1', report);
  const accessKey = takeSecret(input, 'aws_access_key_id');
  const secretKey = takeSecret(input, 'aws_secret_access_key');
  const sessionToken = takeSecret(input, 'aws_session_token');
  secrets.set(
    'aws_access_key_id',
    accessKey ?? {
      source: { kind: 'env', name: 'AWS_ACCESS_KEY_ID' },
      path: at('aws_access_key_id'),
    },
  );
  secrets.set(
    'aws_secret_access_key',
    secretKey ?? {
      source: { kind: 'env', name: 'AWS_SECRET_ACCESS_KEY' },
      path: at('aws_secret_access_key'),
    },
  );
  if (sessionToken !== undefined) {
    secrets.set('aws_session_token', sessionToken);
  }
  if (accessKey === undefined || secretKey === undefined) {
    report.note(
      at('aws_access_key_id'),
      'not set; LiteLLM falls back to the AWS credential chain (variables, profiles, roles), Signalbox signs with keys: ${env:AWS_ACCESS_KEY_ID} and ${env:AWS_SECRET_ACCESS_KEY} are used',
    );
  }
  for (const key of [
    'aws_role_name',
    'aws_profile_name',
    'aws_session_name',
    'aws_web_identity_token',
    'aws_sts_endpoint',
  ]) {
    const setting = input.params.take(key);
    if (setting !== undefined) {
      report.note(
        setting.path,
        'not carried: Signalbox signs Bedrock requests with access keys only (no roles or profiles)',
      );
    }
  }
  const endpoint = input.params.take('aws_bedrock_runtime_endpoint');
  const endpointText = environment.text(endpoint);
  const baseUrl =
    endpointText === undefined || endpoint === undefined
      ? undefined
      : toBaseUrl(endpointText, endpoint.path, report);
  return {
    ...common,
    idBase: input.type === 'bedrock-anthropic' ? 'bedrock-invoke' : common.idBase,
    type: input.type,
    qualifier: region,
    alwaysQualified: true,
    region,
    ...(baseUrl === undefined ? {} : { baseUrl }),
  };
}

function draftVertex(input: DraftInput, secrets: Secrets, common: Common, at: At): ProviderDraft {
  const { report, environment } = input;
  let project = input.environment.text(input.params.take('vertex_project'));
  if (project === undefined) {
    const fallback = environment.first([
      'VERTEXAI_PROJECT',
      'VERTEX_PROJECT',
      'GOOGLE_CLOUD_PROJECT',
    ]);
    project = fallback?.value ?? 'your-gcp-project';
    report.note(
      at('vertex_project'),
      fallback === undefined
        ? 'action needed: no project in the file (LiteLLM reads VERTEXAI_PROJECT or the credentials); project is your-gcp-project, replace it'
        : `not set; project is ${fallback.value}, from environment_variables.${fallback.name}`,
    );
  }
  project = checkedCloudName(project, at('vertex_project'), 'your-gcp-project', report);
  let region = input.environment.text(input.params.take('vertex_location'));
  if (region === undefined) {
    region =
      environment.first(['VERTEXAI_LOCATION', 'VERTEX_LOCATION'])?.value ?? defaultVertexLocation;
    report.note(at('vertex_location'), `not set; region is ${region}`);
  }
  region = checkedCloudName(region, at('vertex_location'), defaultVertexLocation, report);
  secrets.set('service_account', readServiceAccount(input, at));
  // Gemini and Claude on Vertex AI are two provider types, so two providers per project and region.
  const idBase = input.type === 'vertex-anthropic' ? 'vertex-claude' : common.idBase;
  return {
    ...common,
    idBase,
    type: input.type,
    qualifier: region,
    alwaysQualified: true,
    region,
    project,
  };
}

function checkedCloudName(
  value: string,
  path: LitellmPath,
  fallback: string,
  report: ConversionReport,
): string {
  if (cloudName.test(value)) {
    return value;
  }
  report.note(
    path,
    `action needed: ${JSON.stringify(value)} is not a plain region or project name; ${fallback} is used instead`,
  );
  return fallback;
}
