import type { Clock } from '../lib/clock.ts';
import type { SecretValue } from '../lib/secret-value.ts';
import type { AuthSchemeId } from './auth-scheme-id.ts';
import { createAwsSigV4Authorizer, type AwsCredentials } from './aws-sigv4-authorizer.ts';
import {
  createAzureEntraAuthorizer,
  type AzureEntraCredentials,
} from './azure-entra-authorizer.ts';
import {
  createGcpServiceAccountAuthorizer,
  type ServiceAccountKey,
} from './gcp-service-account-authorizer.ts';
import { createStaticHeaderAuthorizer } from './static-header-authorizer.ts';
import type { TokenTransport, UpstreamAuthorizer } from './upstream-authorizer.ts';

/** The credentials of one provider, resolved from the configuration; each scheme uses its own. */
export interface ProviderCredentials {
  readonly apiKey: SecretValue | undefined;
  readonly aws: AwsCredentials | undefined;
  readonly gcpServiceAccount: ServiceAccountKey | undefined;
  readonly azureEntra: AzureEntraCredentials | undefined;
}

export interface AuthorizerContext {
  readonly transport: TokenTransport;
  readonly clock: Clock;
}

function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) {
    throw new Error(`the provider's authentication needs ${what}`);
  }
  return value;
}

function keyHeader(
  name: string,
  prefix = '',
): (credentials: ProviderCredentials) => UpstreamAuthorizer {
  return (credentials) =>
    createStaticHeaderAuthorizer(
      credentials.apiKey === undefined ? {} : { [name]: `${prefix}${credentials.apiKey.reveal()}` },
    );
}

/**
 * How each scheme authenticates, by id. A scheme without a key configured sends nothing, for
 * local servers that accept keys only optionally.
 */
const schemes: Readonly<
  Record<
    AuthSchemeId,
    (credentials: ProviderCredentials, context: AuthorizerContext) => UpstreamAuthorizer
  >
> = {
  // https://datatracker.ietf.org/doc/html/rfc6750#section-2.1
  bearer: keyHeader('authorization', 'Bearer '),
  none: () => createStaticHeaderAuthorizer({}),
  // https://docs.anthropic.com/en/api/overview#authentication
  'x-api-key': keyHeader('x-api-key'),
  // https://learn.microsoft.com/en-us/azure/ai-services/openai/reference#authentication
  'azure-api-key': keyHeader('api-key'),
  // https://ai.google.dev/gemini-api/docs/api-key
  'google-api-key': keyHeader('x-goog-api-key'),
  'gcp-service-account': (credentials, context) =>
    createGcpServiceAccountAuthorizer(
      required(credentials.gcpServiceAccount, 'service_account'),
      context.transport,
      context.clock,
    ),
  'aws-sigv4': (credentials, context) =>
    createAwsSigV4Authorizer(
      required(credentials.aws, 'AWS credentials and a region'),
      context.clock,
    ),
  'azure-entra': (credentials, context) =>
    createAzureEntraAuthorizer(
      required(credentials.azureEntra, 'azure_ad settings'),
      context.transport,
      context.clock,
    ),
};

/** The authorizer for a provider's scheme and credentials. Throws when required credentials are missing. */
export function createUpstreamAuthorizer(
  scheme: AuthSchemeId,
  credentials: ProviderCredentials,
  context: AuthorizerContext,
): UpstreamAuthorizer {
  return schemes[scheme](credentials, context);
}
