import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { EncryptionKeyRing } from './encryption-key-ring.ts';

/** A credential encrypted at rest: the ciphertext and the id of the key that sealed it. */
export interface SealedCredential {
  /** The id of the key (see `encryptionKeyId`); public. */
  readonly keyId: string;
  /** `version (1 byte) || IV (12 bytes) || GCM tag (16 bytes) || AES-256-GCM ciphertext`. */
  readonly ciphertext: Buffer;
}

/** Why a sealed credential could not be opened; never carries plaintext or key material. */
export class CredentialDecryptionError extends Error {
  readonly reason: 'unknown-key' | 'damaged';

  constructor(reason: 'unknown-key' | 'damaged', message: string) {
    super(message);
    this.name = 'CredentialDecryptionError';
    this.reason = reason;
  }
}

const formatVersion = 1;
const ivBytes = 12;
const tagBytes = 16;
const headerBytes = 1 + ivBytes + tagBytes;

/**
 * The additional authenticated data: the format version and the credential's name, so a
 * ciphertext copied to another name (another row) fails authentication instead of decrypting.
 */
function associatedData(name: string): Buffer {
  return Buffer.from(`signalbox-credential:v${String(formatVersion)}:${name}`, 'utf8');
}

/**
 * Encrypts `plaintext` for the credential called `name` with AES-256-GCM under the ring's
 * current key and a fresh random 96-bit IV. Never throws for valid input.
 */
export function sealCredential(
  ring: EncryptionKeyRing,
  name: string,
  plaintext: string,
): SealedCredential {
  const iv = randomBytes(ivBytes);
  const cipher = createCipheriv('aes-256-gcm', ring.current.material, iv, {
    authTagLength: tagBytes,
  });
  cipher.setAAD(associatedData(name));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return {
    keyId: ring.current.id,
    ciphertext: Buffer.concat([Buffer.from([formatVersion]), iv, cipher.getAuthTag(), body]),
  };
}

/**
 * Decrypts a credential sealed by {@link sealCredential} for the same `name`, with whichever key
 * of the ring `sealed.keyId` names. Throws `CredentialDecryptionError` ('unknown-key') when the
 * ring lacks that key, and ('damaged') when the bytes were altered, belong to another name or
 * were sealed under another key; the message names the key id, never a secret.
 */
export function openCredential(
  ring: EncryptionKeyRing,
  name: string,
  sealed: SealedCredential,
): string {
  const key = ring.find(sealed.keyId);
  if (key === undefined) {
    throw new CredentialDecryptionError(
      'unknown-key',
      `it was encrypted under key ${sealed.keyId}, which is neither the current encryption key nor a previous one (SIGNALBOX_ENCRYPTION_PREVIOUS_KEYS)`,
    );
  }
  const bytes = sealed.ciphertext;
  if (bytes.length < headerBytes || bytes[0] !== formatVersion) {
    throw new CredentialDecryptionError(
      'damaged',
      'its stored ciphertext is not in a known format',
    );
  }
  const decipher = createDecipheriv('aes-256-gcm', key.material, bytes.subarray(1, 1 + ivBytes), {
    authTagLength: tagBytes,
  });
  decipher.setAAD(associatedData(name));
  decipher.setAuthTag(bytes.subarray(1 + ivBytes, headerBytes));
  try {
    return Buffer.concat([decipher.update(bytes.subarray(headerBytes)), decipher.final()]).toString(
      'utf8',
    );
  } catch {
    throw new CredentialDecryptionError(
      'damaged',
      'its stored ciphertext failed authentication (altered, copied from another credential, or encrypted under a different key with the same id)',
    );
  }
}
