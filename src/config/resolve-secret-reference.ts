import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { SecretValue } from '../lib/secret-value.ts';
import { secretReferencePattern } from './secret-reference-schema.ts';
import type { Environment } from './environment.ts';

export type SecretResolution =
  | { readonly ok: true; readonly secret: SecretValue }
  | { readonly ok: false; readonly message: string };

/**
 * Resolves the name of a stored credential (`${credential:NAME}`); the message never contains
 * the secret. Stored credentials live in the gateway's storage, so a lookup exists only once
 * storage is open.
 */
export type CredentialLookup = (name: string) => SecretResolution;

/** The name in a `${credential:NAME}` reference, or undefined when `value` is not one. */
export function credentialReferenceName(value: string): string | undefined {
  const match = secretReferencePattern.exec(value);
  return match?.[1] === 'credential' ? match[2] : undefined;
}

/**
 * Resolves `${env:NAME}` from the environment, `${file:PATH}` from disk (relative paths are
 * relative to `baseDirectory`; one trailing newline is dropped) or `${credential:NAME}` through
 * `credentials` (refused when there is none, as for storage settings, which are needed to reach
 * stored credentials). A plain value that is not a reference is taken literally, for header
 * values that are not credentials. Never throws; the message never contains the secret.
 */
export function resolveSecretReference(
  value: string,
  environment: Environment,
  baseDirectory: string,
  credentials?: CredentialLookup,
): SecretResolution {
  const match = secretReferencePattern.exec(value);
  if (match === null) {
    return { ok: true, secret: new SecretValue(value) };
  }
  const [, kind, name = ''] = match;
  if (kind === 'credential') {
    return credentials === undefined
      ? {
          ok: false,
          message: `stored credential "${name}" cannot be used here: \${credential:...} is accepted only in provider settings`,
        }
      : credentials(name);
  }
  if (kind === 'env') {
    const resolved = environment[name];
    if (resolved === undefined || resolved === '') {
      return { ok: false, message: `environment variable ${name} is not set` };
    }
    return { ok: true, secret: new SecretValue(resolved) };
  }
  const path = isAbsolute(name) ? name : resolve(baseDirectory, name);
  let content: string;
  try {
    content = readFileSync(path, 'utf8');
  } catch (error) {
    const reason = error instanceof Error && 'code' in error ? String(error.code) : 'unreadable';
    return { ok: false, message: `secret file ${path} cannot be read (${reason})` };
  }
  const trimmed = content.replace(/\r?\n$/, '');
  if (trimmed === '') {
    return { ok: false, message: `secret file ${path} is empty` };
  }
  return { ok: true, secret: new SecretValue(trimmed) };
}

/**
 * Resolves a secret in provider settings. Without `credentials` (before storage is open, or in
 * CLI commands that only need the state directory), a `${credential:NAME}` reference is left
 * unresolved: undefined, with no problem. Never throws.
 */
export function resolveProviderSecret(
  value: string,
  context: { readonly environment: Environment; readonly baseDirectory: string },
  credentials: CredentialLookup | undefined,
): SecretResolution | undefined {
  if (credentials === undefined && credentialReferenceName(value) !== undefined) {
    return undefined;
  }
  return resolveSecretReference(value, context.environment, context.baseDirectory, credentials);
}
