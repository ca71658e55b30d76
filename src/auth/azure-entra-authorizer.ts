import type { Clock } from '../lib/clock.ts';
import type { SecretValue } from '../lib/secret-value.ts';
import { CachedAccessToken } from './cached-access-token.ts';
import { readTokenAnswer } from './gcp-service-account-authorizer.ts';
import type { TokenTransport, UpstreamAuthorizer } from './upstream-authorizer.ts';

export interface AzureEntraCredentials {
  readonly tenantId: string;
  readonly clientId: string;
  readonly clientSecret: SecretValue;
  /** `https://login.microsoftonline.com` unless a sovereign cloud needs another. */
  readonly authorityHost: string;
}

const cognitiveServicesScope = 'https://cognitiveservices.azure.com/.default';

/**
 * Microsoft Entra ID client-credentials flow for Azure OpenAI: exchanges the application's id and
 * secret for an access token, cached and refreshed a minute before it expires.
 * @see https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-client-creds-grant-flow
 */
export function createAzureEntraAuthorizer(
  credentials: AzureEntraCredentials,
  transport: TokenTransport,
  clock: Clock,
): UpstreamAuthorizer {
  const url = new URL(
    `/${encodeURIComponent(credentials.tenantId)}/oauth2/v2.0/token`,
    credentials.authorityHost,
  );
  const token = new CachedAccessToken(async () => {
    const answer = await transport({
      url,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: credentials.clientId,
        client_secret: credentials.clientSecret.reveal(),
        scope: cognitiveServicesScope,
      }).toString(),
    });
    return readTokenAnswer(answer, clock);
  }, clock);
  return {
    authorize() {
      const value = token.get();
      return typeof value === 'string'
        ? { authorization: `Bearer ${value}` }
        : value.then((resolved) => ({ authorization: `Bearer ${resolved}` }));
    },
  };
}
