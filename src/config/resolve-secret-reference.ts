import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { SecretValue } from '../lib/secret-value.ts';
import { secretReferencePattern } from './config-schema.ts';
import type { Environment } from './environment.ts';

export type SecretResolution =
  | { readonly ok: true; readonly secret: SecretValue }
  | { readonly ok: false; readonly message: string };

/**
 * Resolves `${env:NAME}` from the environment or `${file:PATH}` from disk (relative paths are
 * relative to `baseDirectory`; one trailing newline is dropped). A plain value that is not a
 * reference is taken literally, for header values that are not credentials. Never throws; the
 * message never contains the secret.
 */
export function resolveSecretReference(
  value: string,
  environment: Environment,
  baseDirectory: string,
): SecretResolution {
  const match = secretReferencePattern.exec(value);
  if (match === null) {
    return { ok: true, secret: new SecretValue(value) };
  }
  const [, kind, name = ''] = match;
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
