import type { LitellmPath } from './conversion-report.ts';
import type { SecretSource } from './litellm-secret.ts';

/** A secret setting of a provider, with where it was read (for the report). */
export interface DraftSecret {
  readonly source: SecretSource;
  readonly path: LitellmPath;
  /** Why the converter wrote a variable of its own, for `literal` and `missing` sources. */
  readonly reason?: string;
}

/**
 * A Signalbox provider before it has an id: the settings that make it one endpoint with one
 * credential. Deployments whose drafts are equal share a provider.
 */
export interface ProviderDraft {
  readonly type: string;
  /** Readable start of the id (`bedrock`). */
  readonly idBase: string;
  /** What tells providers of the same kind apart in ids (a region, a host name). */
  readonly qualifier: string | undefined;
  /** Cloud providers always carry their qualifier in the id (`bedrock-us-east-1`). */
  readonly alwaysQualified: boolean;
  readonly baseUrl?: string;
  readonly region?: string;
  readonly project?: string;
  readonly apiVersion?: string;
  readonly auth?: 'azure-entra';
  readonly azureAd?: { readonly tenantId: string; readonly clientId: string };
  /** Secrets by the Signalbox setting they fill (`api_key`, `aws_access_key_id`, ...). */
  readonly secrets: ReadonlyMap<SecretSetting, DraftSecret>;
  /** Extra headers: plain values, or secrets for credential headers. */
  readonly headers: ReadonlyMap<string, string | DraftSecret>;
  readonly dropUnsupportedParams: boolean;
}

/** Settings of a provider that hold secrets, with the suffix of the variable written for them. */
export const secretSettingSuffixes = {
  api_key: 'API_KEY',
  aws_access_key_id: 'AWS_ACCESS_KEY_ID',
  aws_secret_access_key: 'AWS_SECRET_ACCESS_KEY',
  aws_session_token: 'AWS_SESSION_TOKEN',
  service_account: 'SERVICE_ACCOUNT',
  azure_client_secret: 'AZURE_CLIENT_SECRET',
} as const;

export type SecretSetting = keyof typeof secretSettingSuffixes;

/**
 * The identity of a draft: equal drafts become one provider. Literal secrets take part (two
 * different literal keys are two providers) but the key stays in memory only.
 */
export function providerIdentity(draft: ProviderDraft): string {
  const secret = (value: DraftSecret): unknown => value.source;
  return JSON.stringify([
    draft.type,
    draft.baseUrl,
    draft.region,
    draft.project,
    draft.apiVersion,
    draft.auth,
    draft.azureAd,
    [...draft.secrets].map(([name, value]) => [name, secret(value)]),
    [...draft.headers].map(([name, value]) => [
      name,
      typeof value === 'string' ? value : secret(value),
    ]),
    draft.dropUnsupportedParams,
  ]);
}

/** The environment variable the converter writes for a secret it does not copy. */
export function generatedVariable(providerId: string, suffix: string): string {
  return `${providerId.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}_${suffix}`;
}

/** The secret reference written into the Signalbox file for a secret. */
export function secretReference(source: SecretSource, providerId: string, suffix: string): string {
  switch (source.kind) {
    case 'env':
      return `\${env:${source.name}}`;
    case 'file':
      return `\${file:${source.path}}`;
    default:
      return `\${env:${generatedVariable(providerId, suffix)}}`;
  }
}
