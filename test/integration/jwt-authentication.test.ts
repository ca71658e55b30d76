import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, testAdminKey, type TestGateway } from '../helpers/test-gateway.ts';

const issuer = 'https://sso.example.test/realms/acme';
let harness: TestGateway;
let signingKey: CryptoKey;

beforeAll(async () => {
  const pair = await generateKeyPair('ES256');
  signingKey = pair.privateKey;
  const jwks = join(mkdtempSync(join(tmpdir(), 'signalbox-jwks-')), 'jwks.json');
  writeFileSync(
    jwks,
    JSON.stringify({ keys: [{ ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES256' }] }),
  );
  harness = await startTestGateway({
    config: `
auth:
  jwt:
    issuer: ${issuer}
    audience: signalbox
    jwks_file: ${jwks}
    claims: { team: groups, role: roles, agent: azp, email: email }
    roles: { developers: member, auditors: viewer }
providers:
  - id: priced
    type: mock
    model_facts: { echo: { price: { input: 0, output: 1000 } } }
`,
  });
});

afterAll(async () => {
  await harness.close();
});

function token(claims: Record<string, unknown>, expiresIn = '5m'): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
    .setIssuer(issuer)
    .setAudience('signalbox')
    .setSubject('user-42')
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(signingKey);
}

function chat(bearer: string): Promise<Response> {
  return fetch(`${harness.baseUrl}/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      model: 'priced/echo',
      max_tokens: 5,
      user: 'customer-7',
      messages: [{ role: 'user', content: 'hi' }],
    }),
  });
}

describe('callers with a JWT from the identity provider', () => {
  it('serves a valid token, recording the person, the agent, the team and the unverified end user', async () => {
    const bearer = await token({
      groups: ['alpha'],
      roles: ['developers'],
      azp: 'notebook-app',
      email: 'ada@example.test',
    });
    const response = await chat(bearer);
    expect(response.status).toBe(200);
    await response.text();
    const record = await harness.waitForRecord((entry) => entry.requestedModel === 'priced/echo');
    expect(record).toMatchObject({
      userId: 'user-42',
      agent: 'notebook-app',
      endUser: { id: 'customer-7', verified: false },
    });
    // The ledger row is written behind the answer (group commit): poll for it.
    const spendRows = async (): Promise<Record<string, unknown>[]> => {
      const spend = await harness.admin('GET', '/admin/spend?group_by=user,team,key');
      return ((await spend.json()) as { data: Record<string, unknown>[] }).data;
    };
    await expect.poll(spendRows).toEqual([
      expect.objectContaining({
        user: 'user-42',
        team: 'alpha',
        key: 'jwt:user-42',
        requests: 1,
      }),
    ]);
  });

  it('refuses expired, foreign and tampered tokens with a plain 401, and says why only in the log', async () => {
    const expired = await token({ roles: ['developers'] }, '-1m');
    const foreign = await new SignJWT({})
      .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
      .setIssuer('https://evil.example.test')
      .setAudience('signalbox')
      .setSubject('mallory')
      .setExpirationTime('5m')
      .sign(signingKey);
    const valid = await token({ roles: ['developers'] });
    const tampered = `${valid.slice(0, -4)}AAAA`;
    for (const bearer of [expired, foreign, tampered]) {
      const response = await chat(bearer);
      expect(response.status).toBe(401);
      const body = (await response.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('SB_ERR_AUTH_INVALID_KEY');
      // The same answer as any invalid key: the reason is not told.
      expect(body.error.message).toBe('The API key is not valid, has been revoked or has expired.');
    }
    const reasons = harness.logLines.filter((line) => line.includes('a JWT was refused'));
    expect(reasons.join('')).toContain('expired');
    expect(reasons.join('')).toContain('wrong-issuer');
  });

  it('applies the mapped role: a viewer reads the admin API but calls no model', async () => {
    const viewer = await token({ roles: ['auditors'] });
    expect((await chat(viewer)).status).toBe(403);
    const keys = await fetch(`${harness.url}/admin/keys`, {
      headers: { authorization: `Bearer ${viewer}` },
    });
    expect(keys.status).toBe(200);
    // Virtual keys keep working beside JWTs.
    expect((await chat(testAdminKey)).status).toBe(200);
  });
});
