import { readFileSync } from 'node:fs';
import {
  EncryptionKeyError,
  EncryptionKeyRing,
  parseEncryptionKey,
  type EncryptionKey,
} from '../lib/encryption-key-ring.ts';
import type { Environment } from './environment.ts';

/** The environment variables that configure encryption of stored credentials. */
export const encryptionKeyVariables = {
  key: 'SIGNALBOX_ENCRYPTION_KEY',
  keyFile: 'SIGNALBOX_ENCRYPTION_KEY_FILE',
  previousKeys: 'SIGNALBOX_ENCRYPTION_PREVIOUS_KEYS',
  previousKeysFile: 'SIGNALBOX_ENCRYPTION_PREVIOUS_KEYS_FILE',
} as const;

function setting(environment: Environment, name: string): string | undefined {
  const value = environment[name];
  return value === undefined || value === '' ? undefined : value;
}

function readKeyFile(path: string, variable: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const reason = error instanceof Error && 'code' in error ? String(error.code) : 'unreadable';
    throw new EncryptionKeyError(`${variable} names ${path}, which cannot be read (${reason})`);
  }
}

/** Non-empty, non-comment lines (or comma-separated entries) of a key list. */
function keyEntries(text: string): string[] {
  return text
    .split(/[\n,]/)
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '' && !entry.startsWith('#'));
}

/**
 * The key ring for stored provider credentials, from the environment:
 *
 * - the current key from `SIGNALBOX_ENCRYPTION_KEY`, or from the file named by
 *   `SIGNALBOX_ENCRYPTION_KEY_FILE` (not both): 32 bytes as 64 hex digits or base64;
 * - keys that may still decrypt (during rotation) from `SIGNALBOX_ENCRYPTION_PREVIOUS_KEYS`
 *   (comma-separated) and/or the file named by `SIGNALBOX_ENCRYPTION_PREVIOUS_KEYS_FILE` (one per
 *   line; `#` starts a comment line).
 *
 * Resolves undefined when no current key is configured (credentials then cannot be stored or
 * read, which matters only if they are used). Throws `EncryptionKeyError` for a malformed or
 * unreadable key, naming the variable and never echoing key material.
 */
export function loadEncryptionKeyRing(environment: Environment): EncryptionKeyRing | undefined {
  const inline = setting(environment, encryptionKeyVariables.key);
  const file = setting(environment, encryptionKeyVariables.keyFile);
  if (inline !== undefined && file !== undefined) {
    throw new EncryptionKeyError(
      `set only one of ${encryptionKeyVariables.key} and ${encryptionKeyVariables.keyFile}`,
    );
  }
  const previous: EncryptionKey[] = [];
  const previousInline = setting(environment, encryptionKeyVariables.previousKeys);
  for (const [index, entry] of keyEntries(previousInline ?? '').entries()) {
    previous.push(
      parseEncryptionKey(
        entry,
        `${encryptionKeyVariables.previousKeys} entry ${String(index + 1)}`,
      ),
    );
  }
  const previousFile = setting(environment, encryptionKeyVariables.previousKeysFile);
  if (previousFile !== undefined) {
    const text = readKeyFile(previousFile, encryptionKeyVariables.previousKeysFile);
    for (const [index, entry] of keyEntries(text).entries()) {
      previous.push(parseEncryptionKey(entry, `${previousFile} entry ${String(index + 1)}`));
    }
  }
  let current: EncryptionKey | undefined;
  if (inline !== undefined) {
    current = parseEncryptionKey(inline, encryptionKeyVariables.key);
  } else if (file !== undefined) {
    current = parseEncryptionKey(
      readKeyFile(file, encryptionKeyVariables.keyFile),
      `${encryptionKeyVariables.keyFile} (${file})`,
    );
  }
  if (current === undefined) {
    if (previous.length > 0) {
      throw new EncryptionKeyError(
        `${encryptionKeyVariables.previousKeys} needs a current key in ${encryptionKeyVariables.key} or ${encryptionKeyVariables.keyFile}`,
      );
    }
    return undefined;
  }
  return new EncryptionKeyRing(current, previous);
}
