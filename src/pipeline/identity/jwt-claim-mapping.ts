import type { JWTPayload } from 'jose';
import { hasControlCharacter } from '../../lib/control-characters.ts';
import { isJsonObject } from '../../lib/json.ts';
import {
  signalboxRoleNames,
  type JwtAuthSettings,
  type SignalboxRole,
} from './jwt-auth-settings.ts';
import type { JwtIdentity } from './jwt-identity.ts';
import { refuse, type JwtRefusal } from './jwt-refusal.ts';

/** Longest identity text accepted from a claim. */
export const maxClaimTextLength = 256;

/** The identity fields read as text from configurable claim paths. */
const textFields = ['user', 'email', 'team', 'org', 'agent'] as const;

type MappingSettings = Pick<JwtAuthSettings, 'claims' | 'roles' | 'defaultRole' | 'requireRole'>;

/**
 * The value at a claim path, or undefined. The whole path is tried as a claim name first, so
 * namespaced claims such as `https://example.com/roles` work; then it is followed segment by
 * segment through nested objects (`realm_access.roles`). Only own properties are read.
 */
export function readClaimPath(claims: Readonly<Record<string, unknown>>, path: string): unknown {
  if (Object.hasOwn(claims, path)) {
    return claims[path];
  }
  let current: unknown = claims;
  for (const segment of path.split('.')) {
    if (!isJsonObject(current) || !Object.hasOwn(current, segment)) {
      return undefined;
    }
    current = current[segment];
  }
  return current;
}

/** A claim value usable as identity text, or undefined (numbers are accepted and written out). */
function asIdentityText(value: unknown): string | undefined {
  const text =
    typeof value === 'string'
      ? value
      : typeof value === 'number' && Number.isSafeInteger(value)
        ? String(value)
        : undefined;
  if (
    text === undefined ||
    text.length === 0 ||
    text.length > maxClaimTextLength ||
    hasControlCharacter(text)
  ) {
    return undefined;
  }
  return text;
}

type TextClaim = { readonly ok: true; readonly value: string | undefined } | JwtRefusal;

/**
 * The text at `path`: a string, or the first usable string of an array. A value that is present
 * but unusable (an object, an over-long or control-character string) is refused rather than
 * ignored, so a token never silently loses its team or user.
 */
function readTextClaim(claims: JWTPayload, path: string | undefined, field: string): TextClaim {
  if (path === undefined) {
    return { ok: true, value: undefined };
  }
  const value = readClaimPath(claims, path);
  if (value === undefined || value === null) {
    return { ok: true, value: undefined };
  }
  const candidates: readonly unknown[] = Array.isArray(value) ? value : [value];
  if (candidates.length === 0) {
    return { ok: true, value: undefined };
  }
  for (const candidate of candidates) {
    const text = asIdentityText(candidate);
    if (text !== undefined) {
      return { ok: true, value: text };
    }
  }
  return refuse(
    'invalid-claim',
    `the ${field} claim "${path}" must be 1-${maxClaimTextLength} characters of text without control characters`,
  );
}

function isSignalboxRole(value: string): value is SignalboxRole {
  return (signalboxRoleNames as readonly string[]).includes(value);
}

/** The first role claim value that maps to a Signalbox role, if any. */
function mapRole(claims: JWTPayload, settings: MappingSettings): SignalboxRole | undefined {
  const path = settings.claims.role;
  if (path === undefined) {
    return undefined;
  }
  const value = readClaimPath(claims, path);
  const candidates: readonly unknown[] = Array.isArray(value) ? value : [value];
  for (const candidate of candidates) {
    if (typeof candidate !== 'string') {
      continue;
    }
    const mapped =
      settings.roles === undefined
        ? isSignalboxRole(candidate)
          ? candidate
          : undefined
        : settings.roles.get(candidate);
    if (mapped !== undefined) {
      return mapped;
    }
  }
  return undefined;
}

/**
 * Maps the claims of a token whose signature, issuer, audience and times were already verified
 * to a Signalbox identity (see `JwtIdentity` for the field mapping), or refuses it when a required
 * claim is missing or unusable. Pure; never throws.
 */
export function mapClaimsToIdentity(
  claims: JWTPayload,
  settings: MappingSettings,
): JwtIdentity | JwtRefusal {
  const subject = asIdentityText(claims.sub);
  if (subject === undefined) {
    return refuse('missing-claim', 'the token has no usable "sub" claim');
  }
  if (typeof claims.iss !== 'string' || typeof claims.exp !== 'number') {
    return refuse('missing-claim', 'the token has no "iss" or "exp" claim');
  }
  const texts: Partial<Record<(typeof textFields)[number], string>> = {};
  for (const field of textFields) {
    const result = readTextClaim(claims, settings.claims[field], field);
    if (!result.ok) {
      return result;
    }
    if (result.value !== undefined) {
      texts[field] = result.value;
    }
  }
  if (texts.user === undefined) {
    return refuse('missing-claim', `the token has no "${settings.claims.user}" (user) claim`);
  }
  const role = mapRole(claims, settings);
  if (role === undefined && settings.requireRole) {
    return refuse(
      'unmapped-role',
      settings.claims.role === undefined
        ? 'a role is required but no role claim is configured'
        : `no value of the "${settings.claims.role}" claim maps to a Signalbox role`,
    );
  }
  return Object.freeze({
    subject,
    user: texts.user,
    email: texts.email,
    team: texts.team,
    org: texts.org,
    role: role ?? settings.defaultRole,
    roleSource: role === undefined ? 'default' : 'claim',
    agent: texts.agent,
    issuer: claims.iss,
    expiresAt: claims.exp * 1000,
  });
}
