import type { ProviderEntry } from '../../config/config-schema.ts';
import type { ModelFactsEntry } from '../../config/model-facts-schema.ts';
import type { ConversionReport } from './conversion-report.ts';
import {
  generatedVariable,
  secretReference,
  secretSettingSuffixes,
  type DraftSecret,
  type SecretSetting,
} from './provider-draft.ts';
import type { DeploymentDraft } from './resolve-deployment.ts';

/** Default provider timeouts from the router settings. */
export type ProviderTimeouts = { total_ms?: number; idle_ms?: number } | undefined;

/**
 * The Signalbox provider entry for the deployments that share one provider draft. Secrets become
 * references; a secret written in the LiteLLM file is replaced by a variable named after the
 * provider, and every place it was written is noted with the variable to export.
 */
export function buildProviderEntry(
  id: string,
  deployments: readonly DeploymentDraft[],
  timeouts: ProviderTimeouts,
  report: ConversionReport,
): ProviderEntry {
  const first = deployments[0];
  if (first === undefined) {
    throw new Error('a provider needs at least one deployment');
  }
  const draft = first.provider;
  const secret = (setting: SecretSetting): string | undefined => {
    const value = draft.secrets.get(setting);
    return value === undefined
      ? undefined
      : secretReference(value.source, id, secretSettingSuffixes[setting]);
  };
  const headers = new Map<string, string>();
  for (const [name, value] of draft.headers) {
    headers.set(
      name,
      typeof value === 'string' ? value : secretReference(value.source, id, headerSuffix(name)),
    );
  }
  noteGeneratedSecrets(id, deployments, report);
  const entry: ProviderEntry = { id, type: draft.type };
  if (draft.baseUrl !== undefined) entry.base_url = draft.baseUrl;
  const apiKey = secret('api_key');
  if (apiKey !== undefined) entry.api_key = apiKey;
  if (draft.auth !== undefined) entry.auth = draft.auth;
  const clientSecret = secret('azure_client_secret');
  if (draft.azureAd !== undefined && clientSecret !== undefined) {
    entry.azure_ad = {
      tenant_id: draft.azureAd.tenantId,
      client_id: draft.azureAd.clientId,
      client_secret: clientSecret,
    };
  }
  if (draft.region !== undefined) entry.region = draft.region;
  if (draft.project !== undefined) entry.project = draft.project;
  if (draft.apiVersion !== undefined) entry.api_version = draft.apiVersion;
  const accessKey = secret('aws_access_key_id');
  const secretKey = secret('aws_secret_access_key');
  const sessionToken = secret('aws_session_token');
  const serviceAccount = secret('service_account');
  if (accessKey !== undefined) entry.aws_access_key_id = accessKey;
  if (secretKey !== undefined) entry.aws_secret_access_key = secretKey;
  if (sessionToken !== undefined) entry.aws_session_token = sessionToken;
  if (serviceAccount !== undefined) entry.service_account = serviceAccount;
  if (headers.size > 0) entry.headers = Object.fromEntries(headers);
  if (timeouts !== undefined) entry.timeouts = { ...timeouts };
  if (deployments.some((deployment) => deployment.wildcard)) entry.allow_any_model = true;
  if (draft.dropUnsupportedParams) entry.drop_unsupported_params = true;
  const facts = collectModelFacts(deployments, report);
  if (facts.size > 0) entry.model_facts = Object.fromEntries(facts);
  return entry;
}

function headerSuffix(name: string): string {
  return `HEADER_${name.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}`;
}

/** Notes, at every place the LiteLLM file wrote a secret (or had none), the variable to export. */
function noteGeneratedSecrets(
  id: string,
  deployments: readonly DeploymentDraft[],
  report: ConversionReport,
): void {
  const note = (secret: DraftSecret, setting: string, suffix: string): void => {
    if (secret.source.kind !== 'literal' && secret.source.kind !== 'missing') {
      return;
    }
    const variable = generatedVariable(id, suffix);
    const reason = secret.reason ?? 'a secret written in the LiteLLM file is not copied';
    report.note(
      secret.path,
      `action needed: ${reason}; ${setting} is \${env:${variable}}, so export ${variable} before starting Signalbox`,
    );
  };
  for (const deployment of deployments) {
    for (const [setting, secret] of deployment.provider.secrets) {
      note(
        secret,
        setting === 'azure_client_secret' ? 'azure_ad.client_secret' : setting,
        secretSettingSuffixes[setting],
      );
    }
    for (const [name, value] of deployment.provider.headers) {
      if (typeof value !== 'string') {
        note(value, `headers.${name}`, headerSuffix(name));
      }
    }
  }
}

/** Model facts by the provider's model name; a second, different entry for one model is noted. */
function collectModelFacts(
  deployments: readonly DeploymentDraft[],
  report: ConversionReport,
): Map<string, ModelFactsEntry> {
  const facts = new Map<string, ModelFactsEntry>();
  for (const deployment of deployments) {
    if (deployment.facts === undefined) {
      continue;
    }
    const known = facts.get(deployment.model);
    if (known === undefined) {
      facts.set(deployment.model, deployment.facts);
    } else if (JSON.stringify(known) !== JSON.stringify(deployment.facts)) {
      report.note(
        ['model_list', deployment.index, 'model_info'],
        'not carried: another deployment of the same provider and model gave other prices or limits, and Signalbox keeps one set per model',
      );
    }
  }
  return facts;
}
