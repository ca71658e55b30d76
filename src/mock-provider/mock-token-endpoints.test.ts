import { createHash, createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../test/helpers/manual-clock.ts';
import { createAwsSigV4Authorizer } from '../auth/aws-sigv4-authorizer.ts';
import { createAzureEntraAuthorizer } from '../auth/azure-entra-authorizer.ts';
import { createGcpServiceAccountAuthorizer } from '../auth/gcp-service-account-authorizer.ts';
import type { SignableRequest, TokenTransport } from '../auth/upstream-authorizer.ts';
import { isJsonObject, safeParseJson, type JsonObject } from '../lib/json.ts';
import { systemClock } from '../lib/clock.ts';
import { SecretValue } from '../lib/secret-value.ts';
import { startMockProvider, type MockProviderServer } from './mock-provider-server.ts';

const rsa = () =>
  generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
const serviceKey = rsa();
const strangerKey = rsa();
const clientEmail = 'signalbox@my-project.iam.gserviceaccount.com';
const cloudPlatform = 'https://www.googleapis.com/auth/cloud-platform';
const apiKey = 'mock-api-key-that-clients-do-not-use';
const tenant = 'contoso.onmicrosoft.com';
const clientId = '6731de76-14a6-49ae-97bc-6eba6914391e';
const clientSecret = 'entra~secret~value-4411';
const awsKeyId = 'AKIDMOCKEXAMPLE';
const awsSecret = 'mock/aws/secret+access+key/EXAMPLE';
const awsSessionToken = 'mock-session-token-FwoGZXIvYXdzE';
const signatureMismatch =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

let clock: ManualClock;
let mock: MockProviderServer;

beforeAll(async () => {
  clock = new ManualClock(Date.now());
  mock = await startMockProvider({
    apiKey,
    clock,
    gcpPublicKeyPem: serviceKey.publicKey,
    gcpClientEmail: clientEmail,
    azureTenantId: tenant,
    azureClientId: clientId,
    azureClientSecret: clientSecret,
    awsAccessKeyId: awsKeyId,
    awsSecretAccessKey: awsSecret,
    awsSessionToken,
  });
});

afterAll(async () => {
  await mock.close();
});

function object(text: string): JsonObject {
  const parsed = safeParseJson(text);
  if (!parsed.ok || !isJsonObject(parsed.value)) throw new Error(`not a JSON object: ${text}`);
  return parsed.value;
}

/** A token transport over fetch, as the gateway's own would behave. */
const fetchTransport: TokenTransport = async (request) => {
  const response = await fetch(request.url, {
    method: 'POST',
    headers: request.headers,
    body: request.body,
  });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`the token endpoint answered ${response.status}`);
  return object(text);
};

function postForm(path: string, fields: Record<string, string>): Promise<Response> {
  return fetch(mock.origin + path, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });
}

const geminiPath =
  '/v1/projects/my-project/locations/us-east5/publishers/google/models/echo:generateContent';
const geminiBody = JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'hi there' }] }] });

function callWithToken(path: string, body: string, token: string): Promise<Response> {
  return fetch(mock.origin + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body,
  });
}

describe('the Google OAuth 2.0 token endpoint (POST /token)', () => {
  const tokenUri = () => `${mock.origin}/token`;

  async function assertion(
    claims: Record<string, unknown> = {},
    signing: { alg?: string; key?: string } = {},
  ): Promise<string> {
    const issuedAt = Math.floor(clock.now() / 1000);
    const merged: Record<string, unknown> = {
      iss: clientEmail,
      sub: clientEmail,
      aud: tokenUri(),
      scope: cloudPlatform,
      iat: issuedAt,
      exp: issuedAt + 3600,
      ...claims,
    };
    const payload = Object.fromEntries(
      Object.entries(merged).filter(([, value]) => value !== undefined),
    );
    const alg = signing.alg ?? 'RS256';
    const key =
      alg === 'HS256'
        ? new TextEncoder().encode('a-shared-secret-of-at-least-32-bytes!!')
        : createPrivateKey(signing.key ?? serviceKey.privateKey);
    return new SignJWT(payload).setProtectedHeader({ alg, typ: 'JWT' }).sign(key);
  }

  it('exchanges the gateway authorizer’s assertion for a token the API then accepts', async () => {
    const before = mock.tokenRequests.google;
    const authorizer = createGcpServiceAccountAuthorizer(
      { clientEmail, privateKey: serviceKey.privateKey, tokenUri: tokenUri() },
      fetchTransport,
      clock,
    );
    const headers = await authorizer.authorize({
      method: 'POST',
      url: new URL(mock.origin + geminiPath),
      headers: {},
      body: geminiBody,
    });
    expect(headers.authorization).toMatch(/^Bearer ya29\.mock-google-/);
    const response = await fetch(mock.origin + geminiPath, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: geminiBody,
    });
    expect(response.status).toBe(200);
    expect(mock.requests.at(-1)?.credential).toBe('issued-token');
    expect(mock.tokenRequests.google).toBe(before + 1);
  });

  it('answers Google’s token shape', async () => {
    const response = await postForm('/token', {
      grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
      assertion: await assertion(),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const body = object(await response.text());
    expect(Object.keys(body).sort()).toEqual(['access_token', 'expires_in', 'token_type']);
    expect(body).toMatchObject({ expires_in: 3599, token_type: 'Bearer' });
    expect(mock.requests.at(-1)?.credential).toBeUndefined();
  });

  it.each<[string, () => Promise<Record<string, string>>, string, string | RegExp]>([
    [
      'another grant type',
      async () => ({ grant_type: 'client_credentials', assertion: await assertion() }),
      'unsupported_grant_type',
      'Invalid grant_type: client_credentials',
    ],
    [
      'an assertion that is not a JWT',
      () =>
        Promise.resolve({
          grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
          assertion: 'abc.def',
        }),
      'invalid_grant',
      /not a signed JWT/,
    ],
    [
      'an HS256 assertion',
      async () => ({
        grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
        assertion: await assertion({}, { alg: 'HS256' }),
      }),
      'invalid_grant',
      /RS256/,
    ],
    [
      'an assertion signed with another key',
      async () => ({
        grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
        assertion: await assertion({}, { key: strangerKey.privateKey }),
      }),
      'invalid_grant',
      'Invalid JWT Signature.',
    ],
    [
      'another service account',
      async () => ({
        grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
        assertion: await assertion({ iss: 'other@my-project.iam.gserviceaccount.com' }),
      }),
      'invalid_grant',
      'Invalid grant: account not found',
    ],
    [
      'no cloud-platform scope',
      async () => ({
        grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
        assertion: await assertion({ scope: 'https://www.googleapis.com/auth/drive' }),
      }),
      'invalid_scope',
      'Invalid OAuth scope or ID token audience provided.',
    ],
    [
      'another audience',
      async () => ({
        grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
        assertion: await assertion({ aud: 'https://oauth2.googleapis.com/token' }),
      }),
      'invalid_grant',
      /Failed audience check/,
    ],
    [
      'a lifetime over an hour',
      async () => ({
        grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
        assertion: await assertion({ exp: Math.floor(clock.now() / 1000) + 7200 }),
      }),
      'invalid_grant',
      /short-lived token/,
    ],
    [
      'an expired assertion',
      async () => ({
        grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
        assertion: await assertion({
          iat: Math.floor(clock.now() / 1000) - 7200,
          exp: Math.floor(clock.now() / 1000) - 3600,
        }),
      }),
      'invalid_grant',
      /short-lived token/,
    ],
    [
      'no iat',
      async () => ({
        grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
        assertion: await assertion({ iat: undefined }),
      }),
      'invalid_grant',
      /iat and exp/,
    ],
  ])('refuses %s with 400 in Google’s error shape', async (_name, form, error, description) => {
    const before = mock.tokenRequests.google;
    const response = await postForm('/token', await form());
    expect(response.status).toBe(400);
    const body = object(await response.text());
    expect(Object.keys(body).sort()).toEqual(['error', 'error_description']);
    expect(body.error).toBe(error);
    expect(body.error_description).toMatch(description);
    expect(mock.tokenRequests.google).toBe(before + 1);
  });

  it('accepts issued tokens until they expire, by the mock’s clock', async () => {
    const response = await postForm('/token', {
      grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
      assertion: await assertion(),
    });
    const token = String(object(await response.text()).access_token);
    expect((await callWithToken(geminiPath, geminiBody, token)).status).toBe(200);
    expect((await callWithToken(geminiPath, geminiBody, `${token}x`)).status).toBe(401);
    clock.advance(3599 * 1000);
    const expired = await callWithToken(geminiPath, geminiBody, token);
    expect(expired.status).toBe(401);
    expect(mock.requests.at(-1)?.credential).toBe('refused');
  });
});

describe('the Microsoft Entra ID token endpoint (POST /{tenant}/oauth2/v2.0/token)', () => {
  const path = `/${tenant}/oauth2/v2.0/token`;
  const azurePath = '/openai/deployments/echo/chat/completions?api-version=2024-10-21';
  const azureBody = JSON.stringify({ messages: [{ role: 'user', content: 'hello azure' }] });
  const good = {
    grant_type: 'client_credentials',
    client_id: clientId,
    client_secret: clientSecret,
    scope: 'https://cognitiveservices.azure.com/.default',
  };

  it('issues a token to the gateway authorizer that Azure OpenAI requests then carry', async () => {
    const before = mock.tokenRequests.entra;
    const authorizer = createAzureEntraAuthorizer(
      {
        tenantId: tenant,
        clientId,
        clientSecret: new SecretValue(clientSecret),
        authorityHost: mock.origin,
      },
      fetchTransport,
      clock,
    );
    const request = {
      method: 'POST',
      url: new URL(mock.origin + azurePath),
      headers: {},
      body: azureBody,
    };
    const headers = await authorizer.authorize(request);
    expect(await authorizer.authorize(request)).toEqual(headers);
    const response = await fetch(mock.origin + azurePath, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: azureBody,
    });
    expect(response.status).toBe(200);
    expect(object(await response.text()).object).toBe('chat.completion');
    expect(mock.requests.at(-1)?.credential).toBe('issued-token');
    expect(mock.tokenRequests.entra).toBe(before + 1);
  });

  it('answers Entra’s token shape', async () => {
    const response = await postForm(path, good);
    expect(response.status).toBe(200);
    const body = object(await response.text());
    expect(Object.keys(body).sort()).toEqual([
      'access_token',
      'expires_in',
      'ext_expires_in',
      'token_type',
    ]);
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599 });
  });

  it.each<[string, string, Record<string, string | undefined>, number, string, number]>([
    [
      'a wrong client secret',
      path,
      { client_secret: 'wrong-secret-77' },
      401,
      'invalid_client',
      7000215,
    ],
    ['no client secret', path, { client_secret: undefined }, 401, 'invalid_client', 7000216],
    [
      'an unknown client id',
      path,
      { client_id: 'someone-else' },
      400,
      'unauthorized_client',
      700016,
    ],
    [
      'an unknown tenant',
      '/fabrikam.onmicrosoft.com/oauth2/v2.0/token',
      {},
      400,
      'invalid_request',
      90002,
    ],
    ['no grant type', path, { grant_type: undefined }, 400, 'invalid_request', 900144],
    ['another grant type', path, { grant_type: 'password' }, 400, 'unsupported_grant_type', 70003],
    ['no client id', path, { client_id: undefined }, 400, 'invalid_request', 900144],
    ['no scope', path, { scope: undefined }, 400, 'invalid_request', 900144],
    [
      'another scope',
      path,
      { scope: 'https://graph.microsoft.com/User.Read' },
      400,
      'invalid_scope',
      1002012,
    ],
  ])('refuses %s in Entra’s error shape', async (_name, target, change, status, error, code) => {
    const before = mock.tokenRequests.entra;
    const merged: Record<string, string | undefined> = { ...good, ...change };
    const fields = Object.fromEntries(
      Object.entries(merged).filter((entry): entry is [string, string] => entry[1] !== undefined),
    );
    const response = await postForm(target, fields);
    expect(response.status).toBe(status);
    const text = await response.text();
    const body = object(text);
    expect(body).toMatchObject({ error, error_codes: [code] });
    expect(body.error_description).toMatch(new RegExp(`^AADSTS${code}: `));
    expect(body.error_description).toMatch(/\r\nTrace ID: [0-9a-f-]{36}\r\nCorrelation ID: /);
    expect(body.timestamp).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/);
    expect(text).not.toContain(clientSecret);
    expect(text).not.toContain('wrong-secret-77');
    expect(mock.tokenRequests.entra).toBe(before + 1);
  });

  it('serves only POST at the token paths', async () => {
    const before = mock.tokenRequests;
    expect((await fetch(`${mock.origin}${path}`)).status).toBe(401);
    expect((await fetch(`${mock.origin}/token`, { headers: { 'x-api-key': apiKey } })).status).toBe(
      404,
    );
    expect(mock.tokenRequests).toEqual(before);
  });
});

describe('AWS SigV4 verification', () => {
  beforeAll(() => {
    // The signer reads the system time; earlier tests moved the mock's clock on.
    clock.set(Date.now());
  });

  const conversePath = '/model/echo/converse';
  const converseBody = JSON.stringify({
    messages: [{ role: 'user', content: [{ text: 'hi aws' }] }],
  });

  function signable(path = conversePath, body = converseBody): SignableRequest {
    return {
      method: 'POST',
      url: new URL(mock.origin + path),
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body,
    };
  }

  async function signed(
    request: SignableRequest,
    secret = awsSecret,
    /** `null` signs without a session token. */
    sessionToken: string | null = awsSessionToken,
    keyId = awsKeyId,
  ): Promise<Record<string, string>> {
    return {
      ...request.headers,
      ...(await createAwsSigV4Authorizer(
        {
          accessKeyId: new SecretValue(keyId),
          secretAccessKey: new SecretValue(secret),
          sessionToken: sessionToken === null ? undefined : new SecretValue(sessionToken),
          region: 'us-east-1',
        },
        systemClock,
      ).authorize(request)),
    };
  }

  function send(
    path: string,
    headers: Record<string, string>,
    body = converseBody,
  ): Promise<Response> {
    return fetch(mock.origin + path, { method: 'POST', headers, body });
  }

  async function expectAwsRefusal(
    response: Response,
    status: number,
    type: string,
    message: string | RegExp,
  ) {
    expect(response.status).toBe(status);
    expect(response.headers.get('x-amzn-errortype')).toMatch(new RegExp(`^${type}:`));
    const body = object(await response.text());
    expect(Object.keys(body)).toEqual(['message']);
    expect(body.message).toMatch(message);
    expect(mock.requests.at(-1)?.credential).toBe('refused');
  }

  it('accepts a request whose signature it recomputes', async () => {
    const response = await send(conversePath, await signed(signable()));
    expect(response.status).toBe(200);
    expect(object(await response.text()).output).toBeDefined();
    expect(mock.requests.at(-1)?.credential).toBe('aws-sigv4-verified');
  });

  it('verifies a streamed request and a model id that needs encoding in the path', async () => {
    const stream = await send(
      '/model/echo/converse-stream',
      await signed(signable('/model/echo/converse-stream')),
    );
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toBe('application/vnd.amazon.eventstream');
    await stream.arrayBuffer();
    const encoded = '/model/amazon.nova-pro-v1%3A0/converse';
    const response = await send(encoded, await signed(signable(encoded)));
    expect(mock.requests.at(-1)?.credential).toBe('aws-sigv4-verified');
    expect(response.status).toBe(404);
  });

  it('refuses a signature made with another secret, in Bedrock’s error shape', async () => {
    const response = await send(conversePath, await signed(signable(), 'not-the-secret'));
    await expectAwsRefusal(response, 403, 'InvalidSignatureException', signatureMismatch);
  });

  it('refuses a body other than the one signed', async () => {
    const headers = await signed(signable());
    await expectAwsRefusal(
      await send(conversePath, headers, converseBody.replace('hi aws', 'hi AWS')),
      403,
      'InvalidSignatureException',
      /x-amz-content-sha256/,
    );
    // A consistent content hash for the other body does not help: the signature covers it.
    const otherBody = converseBody.replace('hi aws', 'hi AWS');
    const rehashed = {
      ...headers,
      'x-amz-content-sha256': createHash('sha256').update(otherBody).digest('hex'),
    };
    await expectAwsRefusal(
      await send(conversePath, rehashed, otherBody),
      403,
      'InvalidSignatureException',
      signatureMismatch,
    );
  });

  it('refuses a changed signed header and a changed path', async () => {
    const headers = await signed(signable());
    await expectAwsRefusal(
      await send(conversePath, { ...headers, accept: 'text/event-stream' }),
      403,
      'InvalidSignatureException',
      signatureMismatch,
    );
    await expectAwsRefusal(
      await send('/model/fast/converse', headers),
      403,
      'InvalidSignatureException',
      signatureMismatch,
    );
  });

  it('refuses an unknown access key and a wrong session token', async () => {
    await expectAwsRefusal(
      await send(
        conversePath,
        await signed(signable(), awsSecret, awsSessionToken, 'AKIDSOMEONEELSE'),
      ),
      403,
      'UnrecognizedClientException',
      'The security token included in the request is invalid.',
    );
    await expectAwsRefusal(
      await send(conversePath, await signed(signable(), awsSecret, 'another-session')),
      403,
      'UnrecognizedClientException',
      'The security token included in the request is invalid.',
    );
  });

  it('refuses a scope for another service and an incomplete Authorization header', async () => {
    const headers = await signed(signable());
    await expectAwsRefusal(
      await send(conversePath, {
        ...headers,
        authorization: (headers.authorization ?? '').replace('/bedrock/', '/s3/'),
      }),
      403,
      'InvalidSignatureException',
      "Credential should be scoped to correct service: 'bedrock'.",
    );
    await expectAwsRefusal(
      await send(conversePath, {
        ...headers,
        authorization: `AWS4-HMAC-SHA256 Credential=${awsKeyId}/x`,
      }),
      400,
      'IncompleteSignatureException',
      /requires/,
    );
  });

  it('refuses a signature older than five minutes by the mock’s clock', async () => {
    const late = new ManualClock(Date.now() + 6 * 60_000);
    const strict = await startMockProvider({
      clock: late,
      awsAccessKeyId: awsKeyId,
      awsSecretAccessKey: awsSecret,
    });
    try {
      const request = { ...signable(), url: new URL(strict.origin + conversePath) };
      const response = await fetch(strict.origin + conversePath, {
        method: 'POST',
        headers: await signed(request, awsSecret, null),
        body: converseBody,
      });
      expect(response.status).toBe(403);
      expect(object(await response.text()).message).toMatch(/^Signature expired: \d{8}T\d{6}Z/);
    } finally {
      await strict.close();
    }
  });

  it('checks only the access key id when it has no secret, as before', async () => {
    const lenient = await startMockProvider({ awsAccessKeyId: awsKeyId });
    try {
      const request = { ...signable(), url: new URL(lenient.origin + conversePath) };
      const post = async (headers: Record<string, string>) =>
        fetch(lenient.origin + conversePath, { method: 'POST', headers, body: converseBody });
      expect((await post(await signed(request, 'any-secret', null))).status).toBe(200);
      expect(lenient.requests.at(-1)?.credential).toBe('aws-sigv4');
      const other = await post(await signed(request, awsSecret, null, 'AKIDOTHER'));
      expect(other.status).toBe(401);
      expect(lenient.tokenRequests).toEqual({ google: 0, entra: 0 });
    } finally {
      await lenient.close();
    }
  });
});

describe('API keys alongside issued tokens', () => {
  it('still accepts the configured key and refuses anything else', async () => {
    const withKey = await fetch(mock.origin + geminiPath, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-goog-api-key': apiKey },
      body: geminiBody,
    });
    expect(withKey.status).toBe(200);
    expect(mock.requests.at(-1)?.credential).toBe('api-key');
    expect((await callWithToken(geminiPath, geminiBody, 'ya29.forged')).status).toBe(401);
  });

  it('lets every request in when no key is configured', async () => {
    const open = await startMockProvider();
    try {
      const response = await fetch(open.origin + geminiPath, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: geminiBody,
      });
      expect(response.status).toBe(200);
      expect(open.requests.at(-1)?.credential).toBe('open');
    } finally {
      await open.close();
    }
  });
});
