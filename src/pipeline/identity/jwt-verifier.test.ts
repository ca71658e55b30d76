import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  exportJWK,
  generateKeyPair,
  generateSecret,
  SignJWT,
  UnsecuredJWT,
  type CryptoKey,
  type JSONWebKeySet,
  type JWK,
} from 'jose';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '../../lib/clock.ts';
import type { JwtAuthSettings, JwksKeySource } from './jwt-auth-settings.ts';
import {
  createJwtVerifier,
  type JwtVerification,
  type JwtVerifierOptions,
} from './jwt-verifier.ts';

const issuer = 'https://idp.example.com/realms/acme';
const audience = 'signalbox';
const start = Date.UTC(2026, 0, 15, 12, 0, 0);
const seconds = (milliseconds: number) => Math.floor(milliseconds / 1000);

interface SigningKey {
  readonly kid: string;
  readonly alg: string;
  readonly privateKey: CryptoKey;
  readonly publicJwk: JWK;
}

async function signingKey(kid: string, alg = 'RS256'): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg);
  return {
    kid,
    alg,
    privateKey,
    publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' },
  };
}

function keySetOf(...keys: SigningKey[]): JSONWebKeySet {
  return { keys: keys.map((key) => key.publicJwk) };
}

class FakeClock implements Clock {
  current = start;
  now(): number {
    return this.current;
  }
  monotonic(): number {
    return this.current;
  }
}

/** A token as the identity provider would issue it; `claims` override the defaults. */
function sign(
  key: SigningKey,
  claims: Record<string, unknown> = {},
  header: { kid?: string; alg?: string } = {},
): Promise<string> {
  return new SignJWT({
    iss: issuer,
    aud: audience,
    sub: 'user-123',
    iat: seconds(start),
    exp: seconds(start) + 3600,
    ...claims,
  })
    .setProtectedHeader({ alg: header.alg ?? key.alg, kid: header.kid ?? key.kid, typ: 'JWT' })
    .sign(key.privateKey);
}

function settingsFor(
  keySource: JwksKeySource,
  overrides: Partial<JwtAuthSettings> = {},
): JwtAuthSettings {
  return {
    issuer,
    audience: [audience],
    keySource,
    algorithms: ['RS256', 'ES256', 'EdDSA'],
    clockToleranceSeconds: 30,
    claims: {
      user: 'sub',
      email: 'email',
      team: 'org_info.teams',
      org: 'org_info.name',
      role: 'realm_access.roles',
      agent: 'azp',
    },
    roles: new Map([
      ['gateway-admins', 'admin'],
      ['developers', 'member'],
      ['bots', 'service'],
    ]),
    defaultRole: 'viewer',
    requireRole: false,
    ...overrides,
  };
}

function refusalReason(result: JwtVerification): string {
  return result.ok ? 'accepted' : result.reason;
}

let rsa: SigningKey;
let rsaOther: SigningKey;
let ec: SigningKey;

beforeAll(async () => {
  [rsa, rsaOther, ec] = await Promise.all([
    signingKey('rsa-1'),
    signingKey('rsa-2'),
    signingKey('ec-1', 'ES256'),
  ]);
});

describe('createJwtVerifier with a local key set', () => {
  const local = (): JwksKeySource => ({
    kind: 'local',
    path: '/jwks.json',
    keySet: keySetOf(rsa, ec),
  });

  it('maps a valid token to an identity: user, email, team, org, role and agent', async () => {
    const verifier = createJwtVerifier(settingsFor(local()), new FakeClock());
    const token = await sign(rsa, {
      email: 'ada@example.com',
      azp: 'support-agent',
      org_info: { name: 'acme', teams: [42, 'research', 'ops'] },
      realm_access: { roles: ['offline_access', 'developers', 'gateway-admins'] },
    });
    const result = await verifier.verify(token);
    expect(result).toEqual({
      ok: true,
      cached: false,
      identity: {
        subject: 'user-123',
        user: 'user-123',
        email: 'ada@example.com',
        // The first string of an array claim; numbers are written out.
        team: '42',
        org: 'acme',
        // The first value that maps: offline_access maps to nothing, developers to member.
        role: 'member',
        roleSource: 'claim',
        agent: 'support-agent',
        issuer,
        expiresAt: (seconds(start) + 3600) * 1000,
      },
    });
  });

  it('verifies ES256 tokens chosen by kid, and gives the default role without a role claim', async () => {
    const verifier = createJwtVerifier(settingsFor(local()), new FakeClock());
    const result = await verifier.verify(await sign(ec, { preferred_username: 'ada' }));
    expect(result.ok && result.identity.role).toBe('viewer');
    expect(result.ok && result.identity.roleSource).toBe('default');
    expect(result.ok && result.identity.team).toBeUndefined();
  });

  it('reads the user from a configured claim and namespaced claims with dots in their name', async () => {
    const settings = settingsFor(local(), {
      claims: {
        user: 'preferred_username',
        email: undefined,
        team: 'https://example.com/team',
        org: undefined,
        role: 'https://example.com/roles',
        agent: 'client_id',
      },
      roles: undefined,
    });
    const verifier = createJwtVerifier(settings, new FakeClock());
    const result = await verifier.verify(
      await sign(rsa, {
        preferred_username: 'ada',
        client_id: 'cli',
        'https://example.com/team': 'platform',
        'https://example.com/roles': ['owner', 'team_admin'],
      }),
    );
    expect(result.ok && result.identity).toMatchObject({
      subject: 'user-123',
      user: 'ada',
      team: 'platform',
      // Without a roles map, a value named like a Signalbox role is taken as is.
      role: 'team_admin',
      agent: 'cli',
    });
  });

  it('accepts any configured audience, in a string or an array aud claim', async () => {
    const verifier = createJwtVerifier(
      settingsFor(local(), { audience: ['other', audience] }),
      new FakeClock(),
    );
    expect((await verifier.verify(await sign(rsa, { aud: ['account', audience] }))).ok).toBe(true);
    expect(refusalReason(await verifier.verify(await sign(rsa, { aud: 'account' })))).toBe(
      'wrong-audience',
    );
  });

  it('refuses a wrong issuer and a wrong audience', async () => {
    const verifier = createJwtVerifier(settingsFor(local()), new FakeClock());
    expect(
      refusalReason(await verifier.verify(await sign(rsa, { iss: 'https://evil.example' }))),
    ).toBe('wrong-issuer');
    expect(refusalReason(await verifier.verify(await sign(rsa, { aud: 'someone-else' })))).toBe(
      'wrong-audience',
    );
  });

  it('refuses an expired token, allowing the clock tolerance', async () => {
    const clock = new FakeClock();
    const verifier = createJwtVerifier(settingsFor(local()), clock, { cacheMaxEntries: 0 });
    const token = await sign(rsa, { exp: seconds(start) + 60 });
    clock.current = start + 80_000;
    expect((await verifier.verify(token)).ok).toBe(true);
    clock.current = start + 91_000;
    const result = await verifier.verify(token);
    expect(result).toMatchObject({ ok: false, reason: 'expired' });
  });

  it('refuses a token that is not valid yet', async () => {
    const clock = new FakeClock();
    const verifier = createJwtVerifier(settingsFor(local()), clock);
    const token = await sign(rsa, { nbf: seconds(start) + 120 });
    expect(refusalReason(await verifier.verify(token))).toBe('not-yet-valid');
    clock.current = start + 100_000;
    expect((await verifier.verify(token)).ok).toBe(true);
  });

  it('refuses unsigned (alg none) and shared-secret (HS256) tokens before any key lookup', async () => {
    const verifier = createJwtVerifier(settingsFor(local()), new FakeClock());
    const unsigned = new UnsecuredJWT({
      iss: issuer,
      aud: audience,
      sub: 'user-123',
      exp: seconds(start) + 3600,
    }).encode();
    expect(await verifier.verify(unsigned)).toMatchObject({
      ok: false,
      reason: 'disallowed-algorithm',
    });
    const secret = await generateSecret('HS256');
    const hmac = await new SignJWT({
      iss: issuer,
      aud: audience,
      sub: 'user-123',
      exp: seconds(start) + 3600,
    })
      .setProtectedHeader({ alg: 'HS256', kid: 'rsa-1' })
      .sign(secret);
    expect(await verifier.verify(hmac)).toMatchObject({
      ok: false,
      reason: 'disallowed-algorithm',
      message: expect.stringContaining('"HS256"') as unknown,
    });
  });

  it('refuses an allowed algorithm that is not in a narrower allow-list', async () => {
    const verifier = createJwtVerifier(
      settingsFor(local(), { algorithms: ['ES256'] }),
      new FakeClock(),
    );
    expect(refusalReason(await verifier.verify(await sign(rsa)))).toBe('disallowed-algorithm');
  });

  it('refuses a bad signature, a tampered payload and an unknown kid', async () => {
    const verifier = createJwtVerifier(settingsFor(local()), new FakeClock());
    // Signed by another key under a known kid.
    expect(refusalReason(await verifier.verify(await sign(rsaOther, {}, { kid: 'rsa-1' })))).toBe(
      'bad-signature',
    );
    const [header, , signature] = (await sign(rsa)).split('.');
    const forgedPayload = Buffer.from(
      JSON.stringify({ iss: issuer, aud: audience, sub: 'admin', exp: seconds(start) + 3600 }),
    ).toString('base64url');
    expect(refusalReason(await verifier.verify(`${header}.${forgedPayload}.${signature}`))).toBe(
      'bad-signature',
    );
    expect(refusalReason(await verifier.verify(await sign(rsaOther)))).toBe('unknown-key');
  });

  it('refuses tokens missing required claims', async () => {
    const verifier = createJwtVerifier(settingsFor(local()), new FakeClock());
    expect(await verifier.verify(await sign(rsa, { sub: undefined }))).toMatchObject({
      ok: false,
      reason: 'missing-claim',
    });
    expect(await verifier.verify(await sign(rsa, { exp: undefined }))).toMatchObject({
      ok: false,
      reason: 'missing-claim',
    });
    const byUsername = createJwtVerifier(
      settingsFor(local(), {
        claims: { ...settingsFor(local()).claims, user: 'preferred_username' },
      }),
      new FakeClock(),
    );
    expect(await byUsername.verify(await sign(rsa))).toMatchObject({
      ok: false,
      reason: 'missing-claim',
      message: expect.stringContaining('preferred_username') as unknown,
    });
  });

  it('refuses a token whose role maps to nothing when a role is required', async () => {
    const verifier = createJwtVerifier(
      settingsFor(local(), { requireRole: true }),
      new FakeClock(),
    );
    const unmapped = await sign(rsa, { realm_access: { roles: ['offline_access'] } });
    expect(refusalReason(await verifier.verify(unmapped))).toBe('unmapped-role');
    const mapped = await sign(rsa, { realm_access: { roles: ['offline_access', 'bots'] } });
    const result = await verifier.verify(mapped);
    expect(result.ok && result.identity.role).toBe('service');
  });

  it('refuses identity claims with control characters or of unbounded length', async () => {
    const verifier = createJwtVerifier(settingsFor(local()), new FakeClock());
    expect(
      refusalReason(await verifier.verify(await sign(rsa, { azp: 'agent\nforged log line' }))),
    ).toBe('invalid-claim');
    expect(refusalReason(await verifier.verify(await sign(rsa, { email: 'a'.repeat(300) })))).toBe(
      'invalid-claim',
    );
  });

  it('refuses credentials that are not JWTs without looking at them further', () => {
    const verifier = createJwtVerifier(settingsFor(local()), new FakeClock());
    expect(verifier.verify(`sk-sb-${'a'.repeat(44)}`)).toMatchObject({
      ok: false,
      reason: 'malformed',
    });
    expect(verifier.verify('eyJhbGciOiJSUzI1NiJ9')).toMatchObject({
      ok: false,
      reason: 'malformed',
    });
    expect(verifier.verify('eyJub3QganNvbg.eyJ9.c2ln')).toMatchObject({
      ok: false,
      reason: 'malformed',
    });
  });
});

/** A loopback JWKS endpoint whose key set can be changed, counting the fetches. */
interface JwksServer {
  url: string;
  keySet: JSONWebKeySet;
  status: number;
  fetches: number;
  close(): Promise<void>;
}

async function startJwksServer(keySet: JSONWebKeySet): Promise<JwksServer> {
  const server: Server = createServer((_request, response) => {
    state.fetches += 1;
    response.writeHead(state.status, { 'content-type': 'application/json' });
    response.end(JSON.stringify(state.keySet));
  });
  const state: JwksServer = {
    url: '',
    keySet,
    status: 200,
    fetches: 0,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`;
  return state;
}

describe('createJwtVerifier with a remote key set', () => {
  const servers: JwksServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });

  async function remote(keySet: JSONWebKeySet): Promise<JwksServer> {
    const server = await startJwksServer(keySet);
    servers.push(server);
    return server;
  }

  function remoteVerifier(server: JwksServer, clock: Clock, options: JwtVerifierOptions = {}) {
    return createJwtVerifier(settingsFor({ kind: 'remote', url: server.url }), clock, options);
  }

  it('fetches the key set on first use and keeps it', async () => {
    const server = await remote(keySetOf(rsa));
    const verifier = remoteVerifier(server, new FakeClock(), { cacheMaxEntries: 0 });
    expect(server.fetches).toBe(0);
    expect((await verifier.verify(await sign(rsa))).ok).toBe(true);
    expect((await verifier.verify(await sign(rsa, { sub: 'someone-else' }))).ok).toBe(true);
    expect(server.fetches).toBe(1);
  });

  it('picks up a rotated key (new kid) only after the cooldown', async () => {
    const server = await remote(keySetOf(rsa));
    const verifier = remoteVerifier(server, new FakeClock(), { jwks: { cooldownMs: 400 } });
    expect((await verifier.verify(await sign(rsa))).ok).toBe(true);
    server.keySet = keySetOf(rsaOther);
    const rotated = await sign(rsaOther);
    // Within the cooldown an unknown kid does not trigger a fetch.
    expect(refusalReason(await verifier.verify(rotated))).toBe('unknown-key');
    expect(server.fetches).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const result = await verifier.verify(rotated);
    expect(result.ok).toBe(true);
    expect(server.fetches).toBe(2);
  });

  it('serves a cached token without verifying it again, until it expires', async () => {
    const server = await remote(keySetOf(rsa));
    const clock = new FakeClock();
    // With a key-set cache age of 0 every signature verification fetches the key set, so the
    // fetch count is the number of verifications.
    const verifier = remoteVerifier(server, clock, { jwks: { cacheMaxAgeMs: 0 } });
    const token = await sign(rsa, { exp: seconds(start) + 60 });
    expect(await verifier.verify(token)).toMatchObject({ ok: true, cached: false });
    expect(server.fetches).toBe(1);
    clock.current = start + 30_000;
    // Answered synchronously, from the cache.
    expect(verifier.verify(token)).toMatchObject({ ok: true, cached: true });
    expect(server.fetches).toBe(1);
    // Past exp (and the tolerance) the cache no longer answers and the token is refused.
    clock.current = start + 120_000;
    expect(await verifier.verify(token)).toMatchObject({ ok: false, reason: 'expired' });
    expect(server.fetches).toBe(2);
  });

  it('verifies again shortly before exp instead of serving the cache', async () => {
    const server = await remote(keySetOf(rsa));
    const clock = new FakeClock();
    const verifier = remoteVerifier(server, clock, { jwks: { cacheMaxAgeMs: 0 } });
    const token = await sign(rsa, { exp: seconds(start) + 60 });
    await verifier.verify(token);
    clock.current = start + 57_000;
    expect(await verifier.verify(token)).toMatchObject({ ok: true, cached: false });
    expect(server.fetches).toBe(2);
  });

  it('does not cache refusals', async () => {
    const server = await remote(keySetOf(rsa));
    const verifier = remoteVerifier(server, new FakeClock(), { jwks: { cacheMaxAgeMs: 0 } });
    const token = await sign(rsa, { aud: 'someone-else' });
    expect(refusalReason(await verifier.verify(token))).toBe('wrong-audience');
    expect(refusalReason(await verifier.verify(token))).toBe('wrong-audience');
    expect(server.fetches).toBe(2);
  });

  it('reports an unreachable key set as jwks-unavailable, not as the caller fault', async () => {
    const server = await remote(keySetOf(rsa));
    server.status = 500;
    const verifier = remoteVerifier(server, new FakeClock());
    const result = await verifier.verify(await sign(rsa));
    expect(refusalReason(result)).toBe('jwks-unavailable');
  });
});
