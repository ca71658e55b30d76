import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../test/helpers/manual-clock.ts';
import { createRecordingTokenTransport } from '../../test/helpers/recording-token-transport.ts';
import { SecretValue } from '../lib/secret-value.ts';
import {
  createAzureEntraAuthorizer,
  type AzureEntraCredentials,
} from './azure-entra-authorizer.ts';

const clientSecret = 'entra-client-secret~value-9f3b';

const credentials: AzureEntraCredentials = {
  tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47',
  clientId: '6731de76-14a6-49ae-97bc-6eba6914391e',
  clientSecret: new SecretValue(clientSecret),
  authorityHost: 'https://login.microsoftonline.com',
};

const request = {
  method: 'POST',
  url: new URL(
    'https://contoso.openai.azure.com/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21',
  ),
  headers: { 'content-type': 'application/json' },
  body: '{}',
};

const hour = 3_600_000;

/** Entra's answer to a client-credentials request. */
function entraAnswer(token: string, lifetime = 3599) {
  return {
    token_type: 'Bearer',
    expires_in: lifetime,
    ext_expires_in: lifetime,
    access_token: token,
  };
}

function setup(...answers: unknown[]) {
  const clock = new ManualClock();
  const recording = createRecordingTokenTransport(
    ...(answers.length === 0 ? [entraAnswer('eyJ0.entra.token')] : answers),
  );
  const authorizer = createAzureEntraAuthorizer(credentials, recording.transport, clock);
  return { clock, recording, authorizer };
}

describe('createAzureEntraAuthorizer: the token request', () => {
  it('posts the client-credentials grant for Cognitive Services to the tenant endpoint', async () => {
    const { recording, authorizer } = setup();
    expect(await authorizer.authorize(request)).toEqual({
      authorization: 'Bearer eyJ0.entra.token',
    });
    expect(recording.requests).toHaveLength(1);
    const sent = recording.requests[0]!;
    expect(sent.url.href).toBe(
      'https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/oauth2/v2.0/token',
    );
    expect(sent.headers).toEqual({ 'content-type': 'application/x-www-form-urlencoded' });
    expect(Object.fromEntries(sent.form)).toEqual({
      grant_type: 'client_credentials',
      client_id: credentials.clientId,
      client_secret: clientSecret,
      scope: 'https://cognitiveservices.azure.com/.default',
    });
    expect(sent.body).toContain('scope=https%3A%2F%2Fcognitiveservices.azure.com%2F.default');
  });

  it('uses a sovereign authority host and keeps the tenant one path segment', async () => {
    const clock = new ManualClock();
    const recording = createRecordingTokenTransport(entraAnswer('t'));
    const authorizer = createAzureEntraAuthorizer(
      {
        ...credentials,
        tenantId: 'contoso/../x',
        authorityHost: 'https://login.microsoftonline.us',
      },
      recording.transport,
      clock,
    );
    await authorizer.authorize(request);
    expect(recording.requests[0]!.url.href).toBe(
      'https://login.microsoftonline.us/contoso%2F..%2Fx/oauth2/v2.0/token',
    );
  });
});

describe('createAzureEntraAuthorizer: caching', () => {
  it('requests one token for many authorizations', async () => {
    const { clock, recording, authorizer } = setup();
    await authorizer.authorize(request);
    for (let index = 0; index < 30; index += 1) {
      clock.advance(60_000);
      expect(authorizer.authorize(request)).toEqual({ authorization: 'Bearer eyJ0.entra.token' });
    }
    expect(recording.requests).toHaveLength(1);
  });

  it('refreshes a minute before the token expires', async () => {
    const { clock, recording, authorizer } = setup(
      entraAnswer('first', 3600),
      entraAnswer('second'),
    );
    await authorizer.authorize(request);
    clock.advance(hour - 60_001);
    expect(authorizer.authorize(request)).toEqual({ authorization: 'Bearer first' });
    clock.advance(1);
    expect(await authorizer.authorize(request)).toEqual({ authorization: 'Bearer second' });
    expect(recording.requests).toHaveLength(2);
  });

  it('lets concurrent callers share one token request', async () => {
    let release: (value: unknown) => void = () => undefined;
    const { recording, authorizer } = setup(
      new Promise((resolve) => {
        release = resolve;
      }),
    );
    const waiting = Array.from({ length: 8 }, () => Promise.resolve(authorizer.authorize(request)));
    expect(recording.requests).toHaveLength(1);
    release(entraAnswer('shared'));
    for (const answer of await Promise.all(waiting)) {
      expect(answer).toEqual({ authorization: 'Bearer shared' });
    }
    expect(recording.requests).toHaveLength(1);
  });

  it('does not cache a refused token request, and its error does not carry the secret', async () => {
    const { recording, authorizer } = setup(
      new Error('the token endpoint https://login.microsoftonline.com answered 401'),
      {
        error: 'invalid_client',
        error_description: 'AADSTS7000215: Invalid client secret provided.',
      },
      entraAnswer('recovered'),
    );
    const first = await Promise.resolve(authorizer.authorize(request)).catch(
      (error: unknown) => error as Error,
    );
    expect(first).toBeInstanceOf(Error);
    const second = await Promise.resolve(authorizer.authorize(request)).catch(
      (error: unknown) => error as Error,
    );
    expect((second as Error).message).toBe('the token endpoint did not return an access token');
    for (const failure of [first, second]) {
      expect((failure as Error).message).not.toContain(clientSecret);
    }
    expect(await authorizer.authorize(request)).toEqual({ authorization: 'Bearer recovered' });
    expect(recording.requests).toHaveLength(3);
  });
});
