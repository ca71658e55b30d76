import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, exportPKCS8, generateKeyPair } from 'jose';
import { describe, expect, it } from 'vitest';
import {
  signalboxRoleNames,
  type JwtAuthSettings,
} from '../pipeline/identity/jwt-auth-settings.ts';
import { authRoleNames } from './auth-schema.ts';
import type { JwtAuthConfig } from './gateway-config.ts';
import { loadConfigFile } from './load-config.ts';

function load(text: string, files: Record<string, string> = {}) {
  const directory = mkdtempSync(join(tmpdir(), 'signalbox-auth-'));
  for (const [name, content] of Object.entries(files)) {
    writeFileSync(join(directory, name), content);
  }
  const path = join(directory, 'signalbox.yaml');
  writeFileSync(path, `providers: [{ id: mock, type: mock }]\n${text}`);
  return { directory, result: loadConfigFile(path, {}) };
}

function problemsOf(text: string, files: Record<string, string> = {}): string[] {
  const { result } = load(text, files);
  return result.ok ? [] : result.problems.map((problem) => `${problem.path}: ${problem.message}`);
}

const jwt = (lines: string, audience = 'signalbox') => `
auth:
  jwt:
    issuer: https://idp.example.com/realms/acme
    audience: ${audience}
${lines
  .split('\n')
  .map((line) => (line === '' ? line : `    ${line}`))
  .join('\n')}`;

describe('auth.jwt', () => {
  it('resolves a remote key set with the defaults', () => {
    const { result } = load(jwt('jwks_url: https://idp.example.com/certs'));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config.auth?.jwt).toEqual({
      issuer: 'https://idp.example.com/realms/acme',
      audience: ['signalbox'],
      keySource: { kind: 'remote', url: 'https://idp.example.com/certs' },
      algorithms: ['RS256', 'ES256', 'EdDSA'],
      clockToleranceSeconds: 30,
      claims: {
        user: 'sub',
        email: undefined,
        team: undefined,
        org: undefined,
        role: undefined,
        agent: undefined,
      },
      roles: undefined,
      defaultRole: 'member',
      requireRole: false,
    });
  });

  it('has no auth without the section', () => {
    const { result } = load('');
    expect(result.ok && result.config.auth).toBeUndefined();
  });

  it('reads a JWKS file relative to the config file, with every setting', async () => {
    const { publicKey } = await generateKeyPair('ES256');
    const keySet = { keys: [{ ...(await exportJWK(publicKey)), kid: 'k1' }] };
    const { directory, result } = load(
      jwt(
        `jwks_file: keys/../jwks.json
algorithms: [ES256]
clock_tolerance_s: 5
claims:
  user: preferred_username
  email: email
  team: groups
  org: org.name
  role: realm_access.roles
  agent: azp
roles:
  gateway-admins: admin
  robots: service
require_role: true`,
        '[signalbox, account]',
      ),
      { 'jwks.json': JSON.stringify(keySet) },
    );
    expect(result.ok ? [] : result.problems).toEqual([]);
    if (!result.ok) return;
    const config = result.config.auth?.jwt;
    expect(config?.keySource).toEqual({
      kind: 'local',
      path: join(directory, 'jwks.json'),
      keySet,
    });
    expect(config?.audience).toEqual(['signalbox', 'account']);
    expect(config?.claims).toEqual({
      user: 'preferred_username',
      email: 'email',
      team: 'groups',
      org: 'org.name',
      role: 'realm_access.roles',
      agent: 'azp',
    });
    expect(config?.roles).toEqual(
      new Map([
        ['gateway-admins', 'admin'],
        ['robots', 'service'],
      ]),
    );
    expect(config?.requireRole).toBe(true);
  });

  it('is passed to the verifier as is, with the same role names', () => {
    const toSettings = (config: JwtAuthConfig): JwtAuthSettings => config;
    expect(toSettings).toBeTypeOf('function');
    expect([...authRoleNames]).toEqual([...signalboxRoleNames]);
  });

  it('needs exactly one of jwks_url and jwks_file', () => {
    expect(problemsOf(jwt(''))).toEqual([
      'auth.jwt: set jwks_url or jwks_file, where the identity provider keys come from',
    ]);
    expect(
      problemsOf(jwt('jwks_url: https://idp.example.com/certs\njwks_file: jwks.json')),
    ).toEqual(['auth.jwt.jwks_file: set only one of jwks_url and jwks_file']);
  });

  it('needs an issuer and an audience', () => {
    expect(problemsOf('auth: { jwt: { jwks_url: "https://idp.example.com/certs" } }')).toEqual([
      'auth.jwt.issuer: is required',
      'auth.jwt.audience: is required',
    ]);
    expect(problemsOf(jwt('jwks_url: https://idp.example.com/certs', '[]'))).toEqual([
      'auth.jwt.audience: must name at least one audience',
    ]);
  });

  it('accepts plain http only for loopback hosts', () => {
    expect(problemsOf(jwt('jwks_url: http://idp.example.com/certs'))).toEqual([
      'auth.jwt.jwks_url: must use https (plain http is allowed only for loopback hosts, in tests)',
    ]);
    expect(problemsOf(jwt('jwks_url: http://127.0.0.1:8080/certs'))).toEqual([]);
    expect(problemsOf(jwt('jwks_url: http://localhost:8080/certs'))).toEqual([]);
    expect(problemsOf(jwt('jwks_url: https://user:pw@idp.example.com/certs'))).toEqual([
      'auth.jwt.jwks_url: must not contain credentials',
    ]);
    expect(problemsOf(jwt('jwks_url: file:///etc/jwks.json'))).toEqual([
      'auth.jwt.jwks_url: must be an https URL',
    ]);
  });

  it('refuses none and shared-secret algorithms with a reason', () => {
    expect(
      problemsOf(
        jwt('jwks_url: https://idp.example.com/certs\nalgorithms: [RS256, none, HS256, XY1]'),
      ),
    ).toEqual([
      'auth.jwt.algorithms[1]: "none" means unsigned tokens, which are never accepted',
      'auth.jwt.algorithms[2]: HS256 is a shared-secret algorithm and is never accepted; use an asymmetric one (RS256, ES256, EdDSA)',
      'auth.jwt.algorithms[3]: must be one of RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384, ES512, EdDSA, Ed25519',
    ]);
  });

  it('checks roles, claim paths and how they fit together', () => {
    expect(
      problemsOf(
        jwt(`jwks_url: https://idp.example.com/certs
claims: { team: "groups..first", unknown: x }
roles: { admins: superuser }
default_role: owner`),
      ),
    ).toEqual([
      'auth.jwt.claims.team: must be a claim name or a dotted path such as realm_access.roles (no spaces, no empty segments)',
      'auth.jwt.claims.unknown: is not a known setting',
      'auth.jwt.roles.admins: must be one of admin, team_admin, member, viewer, service',
      'auth.jwt.default_role: must be one of admin, team_admin, member, viewer, service',
    ]);
    expect(
      problemsOf(
        jwt(`jwks_url: https://idp.example.com/certs
roles: { admins: admin }
require_role: true
default_role: viewer`),
      ),
    ).toEqual([
      'auth.jwt.roles: needs claims.role, the claim the roles are read from',
      'auth.jwt.require_role: needs claims.role, the claim the role is read from',
      'auth.jwt.default_role: is never used with require_role: true; remove one of them',
    ]);
  });

  it('refuses JWKS files that are missing, not JWKS, symmetric or private', async () => {
    const { privateKey } = await generateKeyPair('RS256', { extractable: true });
    const privateJwk = await exportJWK(privateKey);
    const problems = (content: string | undefined) =>
      problemsOf(
        jwt('jwks_file: jwks.json'),
        content === undefined ? {} : { 'jwks.json': content },
      );
    expect(problems(undefined)[0]).toMatch(
      /^auth\.jwt\.jwks_file: .*jwks\.json cannot be read \(ENOENT\)$/,
    );
    expect(problems('not json')[0]).toMatch(/is not JSON/);
    expect(problems('{"keys": []}')[0]).toMatch(
      /is not a JSON Web Key Set at keys: must hold at least one key/,
    );
    expect(problems('{"keys": [{"kty": "oct", "k": "c2VjcmV0"}]}')[0]).toMatch(
      /at keys\.0\.kty: must be RSA, EC or OKP/,
    );
    expect(problems(JSON.stringify({ keys: [privateJwk] }))[0]).toMatch(
      /holds private key material in keys\.0; publish only the public keys/,
    );
    // A PEM file is not a JWKS either.
    expect(problems(await exportPKCS8(privateKey))[0]).toMatch(/is not JSON/);
  });
});
