import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startMockProvider,
  type MockProviderServer,
  type RecordedRequest,
} from '../../src/mock-provider/mock-provider-server.ts';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';

// Vertex AI (Google service-account OAuth), Azure OpenAI with Microsoft Entra ID and Bedrock
// (AWS SigV4) end to end on loopback: the gateway obtains and caches tokens from the mock's token
// endpoints and signs requests the mock verifies.

const serviceKey = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  publicKeyEncoding: { type: 'spki', format: 'pem' },
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
});
/** A key Google does not know for the service account: its assertions fail verification. */
const strangerKey = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  publicKeyEncoding: { type: 'spki', format: 'pem' },
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
});
const clientEmail = 'signalbox-test@my-project.iam.gserviceaccount.com';
const tenantId = 'contoso.onmicrosoft.com';
const clientId = '6731de76-14a6-49ae-97bc-6eba6914391e';
const clientSecret = 'entra-client-secret~Q8v.canary-51c2';
const wrongClientSecret = 'entra-wrong-secret~canary-0b7e';
const awsAccessKeyId = 'AKIASIGNALBOXTEST01';
const awsSecretAccessKey = 'aws-secret-access-key/canary+7f3e91';
const wrongAwsSecret = 'aws-wrong-secret-key/canary+55aa10';
const awsSessionToken = 'FwoGZXIvYXdzEC-session-token-canary';
/** The mock demands this key, which no provider sends: only issued tokens and signatures pass. */
const unusedApiKey = 'mock-key-nobody-sends-3e0c';

let upstream: MockProviderServer;
let harness: TestGateway;
let appKey: string;

beforeAll(async () => {
  upstream = await startMockProvider({
    apiKey: unusedApiKey,
    gcpPublicKeyPem: serviceKey.publicKey,
    gcpClientEmail: clientEmail,
    azureTenantId: tenantId,
    azureClientId: clientId,
    azureClientSecret: clientSecret,
    awsAccessKeyId,
    awsSecretAccessKey,
    awsSessionToken,
  });
  const directory = mkdtempSync(join(tmpdir(), 'signalbox-cloud-auth-'));
  const writeKey = (name: string, privateKey: string): string => {
    const path = join(directory, name);
    writeFileSync(
      path,
      JSON.stringify({
        type: 'service_account',
        project_id: 'my-project',
        private_key_id: 'test-key-1',
        private_key: privateKey,
        client_email: clientEmail,
        client_id: '100000000000000000001',
        token_uri: `${upstream.origin}/token`,
      }),
    );
    return path;
  };
  const keyPath = writeKey('service-account.json', serviceKey.privateKey);
  const strangerKeyPath = writeKey('stranger-service-account.json', strangerKey.privateKey);
  const vertex = (id: string, type: string, path = keyPath) => `
  - id: ${id}
    type: ${type}
    base_url: ${upstream.baseUrl}
    region: us-east5
    project: my-project
    service_account: \${file:${path}}
    models: [echo, fast]`;
  const azure = (id: string, secretVariable: string) => `
  - id: ${id}
    type: azure-openai
    auth: azure-entra
    base_url: ${upstream.origin}
    api_version: 2024-10-21
    models: [echo, fast]
    azure_ad:
      tenant_id: ${tenantId}
      client_id: ${clientId}
      client_secret: \${env:${secretVariable}}
      authority_host: ${upstream.origin}`;
  const bedrock = (id: string, type: string, secretVariable: string) => `
  - id: ${id}
    type: ${type}
    base_url: ${upstream.origin}
    region: us-east-1
    aws_access_key_id: \${env:AWS_ACCESS_KEY_ID}
    aws_secret_access_key: \${env:${secretVariable}}
    aws_session_token: \${env:AWS_SESSION_TOKEN}
    models: [echo, fast]`;
  harness = await startTestGateway({
    environment: {
      AZURE_CLIENT_SECRET: clientSecret,
      AZURE_WRONG_SECRET: wrongClientSecret,
      AWS_ACCESS_KEY_ID: awsAccessKeyId,
      AWS_SECRET_ACCESS_KEY: awsSecretAccessKey,
      AWS_WRONG_SECRET: wrongAwsSecret,
      AWS_SESSION_TOKEN: awsSessionToken,
    },
    config: `
providers:${vertex('vertex-claude', 'vertex-anthropic')}${vertex('vertex-gemini', 'vertex-gemini')}${vertex('vertex-wrong', 'vertex-gemini', strangerKeyPath)}${azure('azure', 'AZURE_CLIENT_SECRET')}${azure('azure-wrong', 'AZURE_WRONG_SECRET')}${bedrock('bedrock', 'bedrock', 'AWS_SECRET_ACCESS_KEY')}${bedrock('bedrock-claude', 'bedrock-anthropic', 'AWS_SECRET_ACCESS_KEY')}${bedrock('bedrock-wrong', 'bedrock', 'AWS_WRONG_SECRET')}
`,
  });
  appKey = await harness.createKey({ name: 'cloud-auth' });
});

afterAll(async () => {
  await harness.close();
  await upstream.close();
});

/** The upstream requests recorded since `from`, without token-endpoint requests. */
function apiRequestsSince(from: number): RecordedRequest[] {
  return upstream.requests.slice(from).filter((request) => request.credential !== undefined);
}

async function chat(model: string, content: string): Promise<string | null | undefined> {
  const answer = await harness.client(appKey).chat.completions.create({
    model,
    messages: [{ role: 'user', content }],
  });
  return answer.choices[0]?.message.content;
}

async function streamChat(model: string, content: string): Promise<string> {
  const stream = await harness.client(appKey).chat.completions.create({
    model,
    stream: true,
    messages: [{ role: 'user', content }],
  });
  let text = '';
  for await (const chunk of stream) {
    text += chunk.choices[0]?.delta.content ?? '';
  }
  return text;
}

describe.each([
  {
    provider: 'vertex-claude',
    issuer: 'google' as const,
    credential: 'issued-token',
    paths: [
      '/v1/projects/my-project/locations/us-east5/publishers/anthropic/models/echo:rawPredict',
      '/v1/projects/my-project/locations/us-east5/publishers/anthropic/models/echo:streamRawPredict',
    ],
  },
  {
    provider: 'vertex-gemini',
    issuer: 'google' as const,
    credential: 'issued-token',
    paths: [
      '/v1/projects/my-project/locations/us-east5/publishers/google/models/echo:generateContent',
      '/v1/projects/my-project/locations/us-east5/publishers/google/models/echo:streamGenerateContent?alt=sse',
    ],
  },
  {
    provider: 'azure',
    issuer: 'entra' as const,
    credential: 'issued-token',
    paths: [
      '/openai/deployments/echo/chat/completions?api-version=2024-10-21',
      '/openai/deployments/echo/chat/completions?api-version=2024-10-21',
    ],
  },
  {
    provider: 'bedrock',
    issuer: undefined,
    credential: 'aws-sigv4-verified',
    paths: ['/model/echo/converse', '/model/echo/converse-stream'],
  },
  {
    provider: 'bedrock-claude',
    issuer: undefined,
    credential: 'aws-sigv4-verified',
    paths: ['/model/echo/invoke', '/model/echo/invoke-with-response-stream'],
  },
])('$provider through the gateway', ({ provider, issuer, credential, paths }) => {
  it('answers whole and streamed requests with credentials the mock verified', async () => {
    const tokensBefore = upstream.tokenRequests;
    const from = upstream.requests.length;
    expect(await chat(`${provider}/echo`, `Hello from ${provider}`)).toBe(`Hello from ${provider}`);
    expect(await streamChat(`${provider}/echo`, `Streaming from ${provider}`)).toBe(
      `Streaming from ${provider}`,
    );
    for (let index = 0; index < 3; index += 1) {
      expect(await chat(`${provider}/echo`, `again ${index}`)).toBe(`again ${index}`);
    }
    const seen = apiRequestsSince(from);
    expect(seen.map((request) => request.path).slice(0, 2)).toEqual(paths);
    expect(seen).toHaveLength(5);
    for (const request of seen) {
      expect(request.credential).toBe(credential);
    }
    const tokensAfter = upstream.tokenRequests;
    // One token for the first request, cached for the next four; none for SigV4.
    expect(tokensAfter).toEqual({
      google: tokensBefore.google + (issuer === 'google' ? 1 : 0),
      entra: tokensBefore.entra + (issuer === 'entra' ? 1 : 0),
    });
  });
});

describe('credentials on the wire', () => {
  it('sends the Vertex and Azure tokens as Bearer, never the key or the client secret', () => {
    const bearer = upstream.requests.filter((request) => request.credential === 'issued-token');
    expect(bearer.length).toBeGreaterThanOrEqual(15);
    for (const request of bearer) {
      expect(request.headers.authorization).toMatch(/^Bearer (ya29\.mock-google-|mock-entra-)/);
      expect(JSON.stringify(request.headers)).not.toContain(clientSecret);
      expect(request.body).not.toContain('PRIVATE KEY');
    }
  });

  it('signs Bedrock requests for bedrock in us-east-1 with the session token', () => {
    const signed = upstream.requests.filter(
      (request) => request.credential === 'aws-sigv4-verified',
    );
    expect(signed).toHaveLength(10);
    for (const request of signed) {
      expect(request.headers.authorization).toMatch(
        new RegExp(
          `^AWS4-HMAC-SHA256 Credential=${awsAccessKeyId}/\\d{8}/us-east-1/bedrock/aws4_request, SignedHeaders=[^ ]*host;[^ ]*x-amz-security-token, Signature=[0-9a-f]{64}$`,
        ),
      );
      expect(request.headers['x-amz-security-token']).toBe(awsSessionToken);
      expect(JSON.stringify(request.headers)).not.toContain(awsSecretAccessKey);
    }
  });

  it('sends the token endpoints what they expect', () => {
    const google = upstream.requests.filter((request) => request.path === '/token');
    const entra = upstream.requests.filter(
      (request) => request.path === `/${tenantId}/oauth2/v2.0/token`,
    );
    expect(google.length).toBeGreaterThanOrEqual(2);
    expect(entra.length).toBeGreaterThanOrEqual(1);
    for (const request of [...google, ...entra]) {
      expect(request.method).toBe('POST');
      expect(request.headers['content-type']).toBe('application/x-www-form-urlencoded');
    }
    const form = new URLSearchParams(google[0]?.body);
    expect(form.get('grant_type')).toBe('urn:ietf:params:oauth:grant-type:jwt-bearer');
    expect(form.get('assertion')?.split('.')).toHaveLength(3);
  });
});

describe('refused credentials', () => {
  async function rawChat(model: string): Promise<{ status: number; text: string }> {
    const response = await fetch(`${harness.baseUrl}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${appKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hello' }] }),
    });
    return { status: response.status, text: await response.text() };
  }

  it('reports a wrong Entra client secret as an upstream auth error that names no secret', async () => {
    const before = upstream.tokenRequests.entra;
    const first = await rawChat('azure-wrong/echo');
    expect(first.status).toBe(502);
    expect(first.text).toContain('SB_ERR_UPSTREAM_AUTH');
    // The refused token is not cached: the next request asks again.
    const second = await rawChat('azure-wrong/echo');
    expect(second.status).toBe(502);
    expect(upstream.tokenRequests.entra).toBe(before + 2);
    expect(harness.logLines.join('\n')).toContain('SB_ERR_UPSTREAM_AUTH');
    for (const text of [first.text, second.text, harness.logLines.join('\n')]) {
      expect(text).not.toContain(wrongClientSecret);
      expect(text).not.toContain(clientSecret);
      expect(text).not.toContain('AADSTS');
    }
  });

  it('reports a service-account key Google refuses as an upstream auth error', async () => {
    const before = upstream.tokenRequests.google;
    const response = await rawChat('vertex-wrong/echo');
    expect(response.status).toBe(502);
    expect(response.text).toContain('SB_ERR_UPSTREAM_AUTH');
    expect(upstream.tokenRequests.google).toBe(before + 1);
    for (const text of [response.text, harness.logLines.join('\n')]) {
      expect(text).not.toContain('PRIVATE KEY');
      expect(text).not.toContain('Invalid JWT');
    }
  });

  it('reports a wrong AWS secret as an upstream auth error that names no secret', async () => {
    const from = upstream.requests.length;
    const response = await rawChat('bedrock-wrong/echo');
    expect(response.status).toBe(502);
    expect(response.text).toContain('SB_ERR_UPSTREAM_AUTH');
    const refused = apiRequestsSince(from);
    expect(refused.map((request) => request.credential)).toEqual(['refused']);
    for (const text of [response.text, harness.logLines.join('\n')]) {
      expect(text).not.toContain(wrongAwsSecret);
      expect(text).not.toContain(awsSecretAccessKey);
      expect(text).not.toContain('signature we calculated');
    }
  });

  it('through the OpenAI SDK, the error is an APIError with the gateway code', async () => {
    const failure = await chat('azure-wrong/echo', 'hello').catch((error: unknown) => error);
    expect(failure).toMatchObject({ status: 502, code: 'SB_ERR_UPSTREAM_AUTH' });
    expect(String(failure)).not.toContain(wrongClientSecret);
  });
});
