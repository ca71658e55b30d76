import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../test/helpers/manual-clock.ts';
import { createRecordingTokenTransport } from '../../test/helpers/recording-token-transport.ts';
import { SecretValue } from '../lib/secret-value.ts';
import type { AuthSchemeId } from './auth-scheme-id.ts';
import {
  createUpstreamAuthorizer,
  type ProviderCredentials,
} from './create-upstream-authorizer.ts';

const request = {
  method: 'POST',
  url: new URL('https://api.example.com/v1/chat/completions'),
  headers: { 'content-type': 'application/json' },
  body: '{"model":"m"}',
};

const noCredentials: ProviderCredentials = {
  apiKey: undefined,
  aws: undefined,
  gcpServiceAccount: undefined,
  azureEntra: undefined,
};

const withKey: ProviderCredentials = { ...noCredentials, apiKey: new SecretValue('sk-key-123') };

function context() {
  return {
    transport: createRecordingTokenTransport({ access_token: 'unused', expires_in: 3600 })
      .transport,
    clock: new ManualClock(),
  };
}

describe('createUpstreamAuthorizer: static schemes', () => {
  it.each<[AuthSchemeId, Record<string, string>]>([
    // https://datatracker.ietf.org/doc/html/rfc6750#section-2.1
    ['bearer', { authorization: 'Bearer sk-key-123' }],
    // https://docs.anthropic.com/en/api/overview#authentication
    ['x-api-key', { 'x-api-key': 'sk-key-123' }],
    // https://learn.microsoft.com/en-us/azure/ai-services/openai/reference#authentication
    ['azure-api-key', { 'api-key': 'sk-key-123' }],
    // https://ai.google.dev/gemini-api/docs/api-key
    ['google-api-key', { 'x-goog-api-key': 'sk-key-123' }],
    ['none', {}],
  ])('%s sends %o, synchronously', (scheme, headers) => {
    const authorizer = createUpstreamAuthorizer(scheme, withKey, context());
    const answer = authorizer.authorize(request);
    expect(answer).not.toBeInstanceOf(Promise);
    expect(answer).toEqual(headers);
    expect(authorizer.authorize(request)).toBe(answer);
  });

  it.each<AuthSchemeId>(['bearer', 'x-api-key', 'azure-api-key', 'google-api-key'])(
    '%s without a configured key sends nothing (local servers with optional keys)',
    (scheme) => {
      expect(createUpstreamAuthorizer(scheme, noCredentials, context()).authorize(request)).toEqual(
        {},
      );
    },
  );
});

describe('createUpstreamAuthorizer: schemes that need credentials', () => {
  it.each<[AuthSchemeId, string]>([
    ['gcp-service-account', 'service_account'],
    ['aws-sigv4', 'AWS credentials and a region'],
    ['azure-entra', 'azure_ad settings'],
  ])('%s refuses to start without them, naming what is missing', (scheme, what) => {
    expect(() => createUpstreamAuthorizer(scheme, withKey, context())).toThrow(
      `the provider's authentication needs ${what}`,
    );
  });

  it('azure-entra uses the token transport and clock of the context', async () => {
    const recording = createRecordingTokenTransport({
      access_token: 'entra-token',
      expires_in: 3599,
    });
    const authorizer = createUpstreamAuthorizer(
      'azure-entra',
      {
        ...noCredentials,
        azureEntra: {
          tenantId: 'contoso.onmicrosoft.com',
          clientId: 'client-id',
          clientSecret: new SecretValue('client-secret'),
          authorityHost: 'https://login.example.com',
        },
      },
      { transport: recording.transport, clock: new ManualClock() },
    );
    expect(await authorizer.authorize(request)).toEqual({ authorization: 'Bearer entra-token' });
    expect(recording.requests).toHaveLength(1);
  });
});
