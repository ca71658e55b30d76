import { generateKeyPairSync, verify } from 'node:crypto';
import { decodeProtectedHeader, importSPKI, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../test/helpers/manual-clock.ts';
import { createRecordingTokenTransport } from '../../test/helpers/recording-token-transport.ts';
import { isJsonObject, safeParseJson } from '../lib/json.ts';
import {
  createGcpServiceAccountAuthorizer,
  parseServiceAccountKey,
  readTokenAnswer,
  type ServiceAccountKey,
} from './gcp-service-account-authorizer.ts';

const keyPair = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  publicKeyEncoding: { type: 'spki', format: 'pem' },
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
});
const otherKeyPair = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  publicKeyEncoding: { type: 'spki', format: 'pem' },
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
});

const key: ServiceAccountKey = {
  clientEmail: 'signalbox@my-project.iam.gserviceaccount.com',
  privateKey: keyPair.privateKey,
  tokenUri: 'https://oauth2.googleapis.com/token',
};

const request = {
  method: 'POST',
  url: new URL(
    'https://us-east5-aiplatform.googleapis.com/v1/projects/p/locations/us-east5/publishers/google/models/m:generateContent',
  ),
  headers: { 'content-type': 'application/json' },
  body: '{}',
};

const hour = 3_600_000;

function claimsOf(assertion: string): Record<string, unknown> {
  const parsed = safeParseJson(
    Buffer.from(assertion.split('.')[1] ?? '', 'base64url').toString('utf8'),
  );
  if (!parsed.ok || !isJsonObject(parsed.value)) throw new Error('claims are not JSON');
  return parsed.value;
}

function setup(...answers: unknown[]) {
  const clock = new ManualClock();
  const recording = createRecordingTokenTransport(
    ...(answers.length === 0
      ? [{ access_token: 'ya29.token', expires_in: 3599, token_type: 'Bearer' }]
      : answers),
  );
  const authorizer = createGcpServiceAccountAuthorizer(key, recording.transport, clock);
  return { clock, recording, authorizer };
}

describe('createGcpServiceAccountAuthorizer: the token request', () => {
  it('posts a jwt-bearer grant to the key file token_uri', async () => {
    const { recording, authorizer } = setup();
    expect(await authorizer.authorize(request)).toEqual({ authorization: 'Bearer ya29.token' });
    expect(recording.requests).toHaveLength(1);
    const sent = recording.requests[0]!;
    expect(sent.url.href).toBe('https://oauth2.googleapis.com/token');
    expect(sent.headers).toEqual({ 'content-type': 'application/x-www-form-urlencoded' });
    expect([...sent.form.keys()]).toEqual(['grant_type', 'assertion']);
    expect(sent.form.get('grant_type')).toBe('urn:ietf:params:oauth:grant-type:jwt-bearer');
  });

  it('signs an RS256 assertion with the claims Google requires', async () => {
    const { clock, recording, authorizer } = setup();
    await authorizer.authorize(request);
    const assertion = recording.requests[0]!.form.get('assertion') ?? '';
    expect(assertion.split('.')).toHaveLength(3);
    expect(decodeProtectedHeader(assertion)).toEqual({ alg: 'RS256', typ: 'JWT' });
    const issuedAt = Math.floor(clock.now() / 1000);
    expect(claimsOf(assertion)).toEqual({
      iss: key.clientEmail,
      sub: key.clientEmail,
      aud: 'https://oauth2.googleapis.com/token',
      scope: 'https://www.googleapis.com/auth/cloud-platform',
      iat: issuedAt,
      exp: issuedAt + 3600,
    });
    const verified = await jwtVerify(assertion, await importSPKI(keyPair.publicKey, 'RS256'), {
      algorithms: ['RS256'],
      issuer: key.clientEmail,
      audience: key.tokenUri,
      currentDate: new Date(clock.now()),
    });
    expect(verified.payload.scope).toBe('https://www.googleapis.com/auth/cloud-platform');
  });

  it('produces a signature node:crypto verifies with the public key, and only with it', async () => {
    const { recording, authorizer } = setup();
    await authorizer.authorize(request);
    const [header = '', claims = '', signature = ''] = (
      recording.requests[0]!.form.get('assertion') ?? ''
    ).split('.');
    const input = Buffer.from(`${header}.${claims}`);
    const bytes = Buffer.from(signature, 'base64url');
    expect(verify('RSA-SHA256', input, keyPair.publicKey, bytes)).toBe(true);
    expect(verify('RSA-SHA256', input, otherKeyPair.publicKey, bytes)).toBe(false);
  });

  it('uses a token_uri other than Google’s as the URL and the audience', async () => {
    const clock = new ManualClock();
    const recording = createRecordingTokenTransport({ access_token: 't', expires_in: 60 });
    const authorizer = createGcpServiceAccountAuthorizer(
      { ...key, tokenUri: 'http://127.0.0.1:9999/token' },
      recording.transport,
      clock,
    );
    await authorizer.authorize(request);
    expect(recording.requests[0]!.url.href).toBe('http://127.0.0.1:9999/token');
    expect(claimsOf(recording.requests[0]!.form.get('assertion') ?? '').aud).toBe(
      'http://127.0.0.1:9999/token',
    );
  });
});

describe('createGcpServiceAccountAuthorizer: caching', () => {
  it('requests one token for many authorizations, answered synchronously once cached', async () => {
    const { clock, recording, authorizer } = setup();
    await authorizer.authorize(request);
    for (let index = 0; index < 25; index += 1) {
      clock.advance(60_000);
      const answer = authorizer.authorize(request);
      expect(answer).not.toBeInstanceOf(Promise);
      expect(answer).toEqual({ authorization: 'Bearer ya29.token' });
    }
    expect(recording.requests).toHaveLength(1);
  });

  it('refreshes a minute before expiry with a freshly issued assertion', async () => {
    const { clock, recording, authorizer } = setup(
      { access_token: 'first', expires_in: 3600 },
      { access_token: 'second', expires_in: 3600 },
    );
    await authorizer.authorize(request);
    clock.advance(hour - 60_001);
    expect(authorizer.authorize(request)).toEqual({ authorization: 'Bearer first' });
    clock.advance(1);
    expect(await authorizer.authorize(request)).toEqual({ authorization: 'Bearer second' });
    expect(recording.requests).toHaveLength(2);
    const [first, second] = recording.requests.map((sent) =>
      claimsOf(sent.form.get('assertion') ?? ''),
    );
    expect(second?.iat).toBe(Number(first?.iat) + (hour - 60_000) / 1000);
  });

  it('lets concurrent callers share one token request', async () => {
    let release: (value: unknown) => void = () => undefined;
    const { recording, authorizer } = setup(
      new Promise((resolve) => {
        release = resolve;
      }),
    );
    const waiting = Array.from({ length: 10 }, () =>
      Promise.resolve(authorizer.authorize(request)),
    );
    // Signing the assertion is asynchronous: wait until the one token request has been sent.
    for (let tries = 0; recording.requests.length === 0 && tries < 500; tries += 1) {
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    expect(recording.requests).toHaveLength(1);
    release({ access_token: 'shared', expires_in: 3600 });
    const answers = await Promise.all(waiting);
    expect(new Set(answers.map((answer) => answer.authorization))).toEqual(
      new Set(['Bearer shared']),
    );
    expect(recording.requests).toHaveLength(1);
  });

  it('does not cache a failed token request', async () => {
    const { recording, authorizer } = setup(
      new Error('the token endpoint https://oauth2.googleapis.com answered 400'),
      { access_token: 'recovered', expires_in: 3600 },
    );
    await expect(authorizer.authorize(request)).rejects.toThrow('answered 400');
    expect(await authorizer.authorize(request)).toEqual({ authorization: 'Bearer recovered' });
    expect(recording.requests).toHaveLength(2);
  });

  it('refuses an answer without an access token, without naming the key', async () => {
    const { authorizer } = setup({
      error: 'invalid_grant',
      error_description: 'Invalid JWT Signature.',
    });
    const failure = await Promise.resolve(authorizer.authorize(request)).catch(
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).message).toBe('the token endpoint did not return an access token');
    expect((failure as Error).message).not.toContain('PRIVATE KEY');
  });

  it('fails without revealing a private key that cannot be read', async () => {
    const clock = new ManualClock();
    const recording = createRecordingTokenTransport({ access_token: 't' });
    const broken = 'not-a-key-but-secret-material-42';
    const authorizer = createGcpServiceAccountAuthorizer(
      { ...key, privateKey: broken },
      recording.transport,
      clock,
    );
    const failure = await Promise.resolve(authorizer.authorize(request)).catch(
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).message).not.toContain(broken);
    expect(recording.requests).toHaveLength(0);
  });
});

describe('readTokenAnswer', () => {
  const clock = new ManualClock();

  it('reads expires_in as a number or a numeric string, defaulting to an hour', () => {
    expect(readTokenAnswer({ access_token: 'a', expires_in: 100 }, clock)).toEqual({
      token: 'a',
      expiresAt: clock.now() + 100_000,
    });
    expect(readTokenAnswer({ access_token: 'a', expires_in: '3599' }, clock).expiresAt).toBe(
      clock.now() + 3_599_000,
    );
    expect(readTokenAnswer({ access_token: 'a' }, clock).expiresAt).toBe(clock.now() + hour);
    expect(readTokenAnswer({ access_token: 'a', expires_in: 'soon' }, clock).expiresAt).toBe(
      clock.now() + hour,
    );
  });

  it.each([undefined, null, 'text', [], { token: 'x' }, { access_token: 7 }])(
    'refuses %o',
    (answer) => {
      expect(() => readTokenAnswer(answer, clock)).toThrow(
        'the token endpoint did not return an access token',
      );
    },
  );
});

describe('parseServiceAccountKey', () => {
  it('reads client_email, private_key and token_uri', () => {
    expect(
      parseServiceAccountKey(
        JSON.stringify({
          type: 'service_account',
          client_email: key.clientEmail,
          private_key: key.privateKey,
          token_uri: 'http://127.0.0.1:1/token',
        }),
      ),
    ).toEqual({ ...key, tokenUri: 'http://127.0.0.1:1/token' });
  });

  it('defaults token_uri to Google’s token endpoint', () => {
    expect(
      parseServiceAccountKey(
        JSON.stringify({ client_email: key.clientEmail, private_key: key.privateKey }),
      ).tokenUri,
    ).toBe('https://oauth2.googleapis.com/token');
  });

  it('names what is missing and never the key', () => {
    expect(() => parseServiceAccountKey('{not json')).toThrow(
      'the service account key is not JSON',
    );
    const withoutEmail = JSON.stringify({ private_key: key.privateKey });
    const failure = (() => {
      try {
        parseServiceAccountKey(withoutEmail);
        return undefined;
      } catch (error) {
        return error as Error;
      }
    })();
    expect(failure?.message).toBe('the service account key has no client_email or private_key');
    expect(failure?.message).not.toContain('PRIVATE KEY');
  });
});
