import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { JSONWebKeySet } from 'jose';
import { z } from 'zod';
import { safeParseJson } from '../lib/json.ts';
import { defaultJwtAlgorithms, type AuthEntry, type JwtAuthEntry } from './auth-schema.ts';
import type { ConfigProblem } from './config-problem.ts';
import type { AuthConfig, AuthRole, JwksKeySourceConfig, JwtAuthConfig } from './gateway-config.ts';

/** A JWKS file larger than this is certainly not one. */
const maxJwksFileBytes = 1024 * 1024;

/** JWK members that hold private or shared-secret key material. */
const privateMembers = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k', 'priv'];

const jwksFileSchema = z.object({
  keys: z
    .array(
      z.looseObject({
        kty: z.enum(['RSA', 'EC', 'OKP'], {
          error: 'must be RSA, EC or OKP (public keys of an asymmetric algorithm)',
        }),
      }),
    )
    .min(1, 'must hold at least one key'),
});

/**
 * `auth:` with defaults applied; `jwks_file` is read (relative to `baseDirectory`) and checked to
 * be a JWKS of public keys only. Problems are added to `problems` rather than thrown.
 */
export function resolveAuthConfig(
  entry: AuthEntry | undefined,
  baseDirectory: string,
  problems: ConfigProblem[],
): AuthConfig | undefined {
  if (entry === undefined) {
    return undefined;
  }
  return {
    jwt: entry.jwt === undefined ? undefined : resolveJwt(entry.jwt, baseDirectory, problems),
  };
}

function resolveJwt(
  jwt: JwtAuthEntry,
  baseDirectory: string,
  problems: ConfigProblem[],
): JwtAuthConfig | undefined {
  const keySource = resolveKeySource(jwt, baseDirectory, problems);
  if (keySource === undefined) {
    return undefined;
  }
  const claims = jwt.claims ?? {};
  return {
    issuer: jwt.issuer,
    audience: typeof jwt.audience === 'string' ? [jwt.audience] : jwt.audience,
    keySource,
    algorithms: jwt.algorithms ?? defaultJwtAlgorithms,
    clockToleranceSeconds: jwt.clock_tolerance_s ?? 30,
    claims: {
      user: claims.user ?? 'sub',
      email: claims.email,
      team: claims.team,
      org: claims.org,
      role: claims.role,
      agent: claims.agent,
    },
    roles:
      jwt.roles === undefined ? undefined : new Map<string, AuthRole>(Object.entries(jwt.roles)),
    defaultRole: jwt.default_role ?? 'member',
    requireRole: jwt.require_role ?? false,
  };
}

function resolveKeySource(
  jwt: JwtAuthEntry,
  baseDirectory: string,
  problems: ConfigProblem[],
): JwksKeySourceConfig | undefined {
  if (jwt.jwks_url !== undefined) {
    return { kind: 'remote', url: jwt.jwks_url };
  }
  if (jwt.jwks_file === undefined) {
    return undefined;
  }
  const path = resolve(baseDirectory, jwt.jwks_file);
  const keySet = readJwksFile(path);
  if (typeof keySet === 'string') {
    problems.push({ path: 'auth.jwt.jwks_file', message: keySet });
    return undefined;
  }
  return { kind: 'local', path, keySet };
}

/** The key set in a JWKS file, or a message saying what is wrong with it. */
export function readJwksFile(path: string): JSONWebKeySet | string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const reason = error instanceof Error && 'code' in error ? String(error.code) : 'unreadable';
    return `${path} cannot be read (${reason})`;
  }
  if (text.length > maxJwksFileBytes) {
    return `${path} is larger than ${maxJwksFileBytes} bytes`;
  }
  const parsed = safeParseJson(text);
  if (!parsed.ok) {
    return `${path} is not JSON: ${parsed.message}`;
  }
  const validated = jwksFileSchema.safeParse(parsed.value);
  if (!validated.success) {
    const issue = validated.error.issues[0];
    const where =
      issue === undefined || issue.path.length === 0 ? '' : ` at ${issue.path.join('.')}`;
    return `${path} is not a JSON Web Key Set${where}: ${issue?.message ?? 'invalid'}`;
  }
  const index = validated.data.keys.findIndex((key) =>
    privateMembers.some((member) => Object.hasOwn(key, member)),
  );
  if (index >= 0) {
    return `${path} holds private key material in keys.${index}; publish only the public keys`;
  }
  // The shape a JWKS needs is checked above; each key is imported (and checked) by jose on use.
  return validated.data;
}
