import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomUUID,
  type KeyObject,
} from 'node:crypto';
import {
  closeSync,
  fsyncSync,
  linkSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import type { Environment } from '../config/environment.ts';
import {
  ed25519PrivateKeyFromSeed,
  rawEd25519PublicKey,
  type CheckpointSignerKey,
  type CheckpointVerifierKey,
} from '../pipeline/audit/checkpoint.ts';

/** The file the signing key is generated into, inside the state directory. */
export const auditSigningKeyFileName = 'audit-signing-key.pem';

/** The checkpoint file's default place, inside the state directory. */
export const auditCheckpointFileName = 'audit-checkpoints.txt';

/** The log name (checkpoint origin and key name) when none is configured. */
export const defaultAuditOrigin = 'signalbox-audit';

/** A loaded signing key. */
export interface AuditSigningKey {
  readonly signer: CheckpointSignerKey;
  readonly verifier: CheckpointVerifierKey;
  /** Where it came from: an environment variable's name or a file path (never the key). */
  readonly source: string;
}

function asEd25519(key: KeyObject, source: string): KeyObject {
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new Error(`${source} is not an Ed25519 key`);
  }
  return key;
}

/** A private key from PKCS8 PEM text or a base64 32-byte seed. Throws naming only `source`. */
export function parseAuditPrivateKey(text: string, source: string): KeyObject {
  const trimmed = text.trim();
  if (trimmed.startsWith('-----BEGIN')) {
    try {
      return asEd25519(createPrivateKey({ key: trimmed, format: 'pem' }), source);
    } catch (error) {
      throw new Error(`${source} is not a PKCS8 PEM Ed25519 private key`, { cause: error });
    }
  }
  const seed = Buffer.from(trimmed, 'base64');
  if (seed.length !== 32 || seed.toString('base64') !== trimmed) {
    throw new Error(`${source} must be a PKCS8 PEM Ed25519 key or the base64 of a 32-byte seed`);
  }
  return ed25519PrivateKeyFromSeed(seed);
}

/** A raw 32-byte public key from SPKI PEM text or base64 of the 32 bytes. */
export function parseAuditPublicKey(text: string, source: string): Uint8Array {
  const trimmed = text.trim();
  if (trimmed.startsWith('-----BEGIN')) {
    try {
      const key = createPublicKey({ key: trimmed, format: 'pem' });
      return rawEd25519PublicKey(asEd25519(key, source));
    } catch (error) {
      throw new Error(`${source} is not an Ed25519 public or private key in PEM`, { cause: error });
    }
  }
  const raw = Buffer.from(trimmed, 'base64');
  if (raw.length !== 32 || raw.toString('base64') !== trimmed) {
    throw new Error(`${source} must be an Ed25519 PEM key or the base64 of 32 raw bytes`);
  }
  return raw;
}

function withKey(privateKey: KeyObject, name: string, source: string): AuditSigningKey {
  return {
    signer: { name, privateKey },
    verifier: { name, publicKey: rawEd25519PublicKey(privateKey) },
    source,
  };
}

function readIfPresent(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * The checkpoint signing key, from the first of: `SIGNALBOX_AUDIT_SIGNING_KEY` (PKCS8 PEM or
 * base64 seed), the file named by `SIGNALBOX_AUDIT_SIGNING_KEY_FILE`, or
 * `<stateDir>/audit-signing-key.pem`. When none exists and `create` is true, a new key is
 * generated into that state-directory file (PKCS8 PEM, mode 0600, put in place whole and
 * exclusively, so processes starting together end up with the same key); otherwise resolves undefined. Throws
 * when both variables are set or a key is malformed; messages never contain key material.
 */
export function loadAuditSigningKey(options: {
  readonly environment: Environment;
  readonly stateDir: string;
  readonly keyName?: string;
  readonly create: boolean;
}): AuditSigningKey | undefined {
  const name = options.keyName ?? defaultAuditOrigin;
  const inline = options.environment.SIGNALBOX_AUDIT_SIGNING_KEY;
  const file = options.environment.SIGNALBOX_AUDIT_SIGNING_KEY_FILE;
  if (inline !== undefined && inline !== '' && file !== undefined && file !== '') {
    throw new Error(
      'set only one of SIGNALBOX_AUDIT_SIGNING_KEY and SIGNALBOX_AUDIT_SIGNING_KEY_FILE',
    );
  }
  if (inline !== undefined && inline !== '') {
    const source = 'SIGNALBOX_AUDIT_SIGNING_KEY';
    return withKey(parseAuditPrivateKey(inline, source), name, source);
  }
  if (file !== undefined && file !== '') {
    const source = `SIGNALBOX_AUDIT_SIGNING_KEY_FILE (${file})`;
    return withKey(parseAuditPrivateKey(readFileSync(file, 'utf8'), source), name, source);
  }
  const path = join(options.stateDir, auditSigningKeyFileName);
  const existing = readIfPresent(path);
  if (existing !== undefined) return withKey(parseAuditPrivateKey(existing, path), name, path);
  if (!options.create) return undefined;
  const { privateKey } = generateKeyPairSync('ed25519');
  const pem = privateKey.export({ format: 'pem', type: 'pkcs8' });
  if (!publishExclusively(path, pem)) {
    return withKey(parseAuditPrivateKey(readFileSync(path, 'utf8'), path), name, path);
  }
  return withKey(privateKey, name, path);
}

/**
 * Puts `content` at `path` (mode 0600) unless a file is already there; false when one was. The
 * file appears whole: it is written under a name of its own first and then linked into place,
 * which fails when `path` exists. A file created in place and then written would be seen empty
 * by a process starting beside this one (replicas share the state directory), which then
 * refused to start. The draft is synced before it is linked and the directory after, so a power
 * cut leaves the key whole or absent, never an empty file that stops the next start.
 */
function publishExclusively(path: string, content: string | Buffer): boolean {
  const draft = `${path}.${String(process.pid)}.${randomUUID()}.tmp`;
  try {
    writeSynced(draft, content);
    try {
      linkSync(draft, path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      return false;
    }
  } finally {
    // Also when writing failed (a full disk): no partial copy of a key is left behind.
    rmSync(draft, { force: true });
  }
  syncDirectory(dirname(path));
  return true;
}

/** Creates `path` (mode 0600, failing if it exists) with `content`, on disk when it returns. */
function writeSynced(path: string, content: string | Buffer): void {
  const file = openSync(path, 'wx', 0o600);
  try {
    writeFileSync(file, content);
    fsyncSync(file);
  } finally {
    closeSync(file);
  }
}

/** Makes a directory's entries durable (a new name in it); Windows cannot open a directory. */
function syncDirectory(directory: string): void {
  if (process.platform === 'win32') return;
  const handle = openSync(directory, 'r');
  try {
    fsyncSync(handle);
  } finally {
    closeSync(handle);
  }
}
