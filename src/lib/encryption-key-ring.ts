import { createHash } from 'node:crypto';

/** Bytes in an AES-256 key. */
export const encryptionKeyBytes = 32;

/**
 * A problem with configured key material. The message names the setting at fault and never
 * contains key material.
 */
export class EncryptionKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EncryptionKeyError';
  }
}

/** One AES-256 key and its public id. */
export interface EncryptionKey {
  /** The first 8 bytes of the key's SHA-256, in hex: safe to store, log and show. */
  readonly id: string;
  readonly material: Buffer;
}

/** The id of a key: the first 8 bytes of its SHA-256 in hex. Pure. */
export function encryptionKeyId(material: Buffer): string {
  return createHash('sha256').update(material).digest().subarray(0, 8).toString('hex');
}

/**
 * Decodes a 32-byte key written as 64 hex digits or as base64 (standard or URL-safe, padding
 * optional); surrounding whitespace is ignored. Throws `EncryptionKeyError` naming `source` for
 * anything else, without echoing the text.
 */
export function parseEncryptionKey(text: string, source: string): EncryptionKey {
  const trimmed = text.trim();
  let material: Buffer | undefined;
  if (/^[0-9a-fA-F]{64}$/.test(trimmed)) {
    material = Buffer.from(trimmed, 'hex');
  } else if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed)) {
    material = Buffer.from(trimmed.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  }
  if (material === undefined) {
    throw new EncryptionKeyError(
      `${source} must be a 32-byte key written as 64 hex digits or as base64 (make one with: openssl rand -base64 32)`,
    );
  }
  if (material.length !== encryptionKeyBytes) {
    throw new EncryptionKeyError(
      `${source} must hold exactly ${String(encryptionKeyBytes)} bytes, but holds ${String(material.length)} (make one with: openssl rand -base64 32)`,
    );
  }
  return { id: encryptionKeyId(material), material };
}

/**
 * The key that encrypts (current) and the keys that may still decrypt (current and previous),
 * for key rotation: data sealed under a previous key stays readable until it is re-encrypted.
 * Immutable. A previous key equal to the current one is ignored.
 */
export class EncryptionKeyRing {
  readonly current: EncryptionKey;
  readonly #byId: ReadonlyMap<string, EncryptionKey>;

  constructor(current: EncryptionKey, previous: readonly EncryptionKey[] = []) {
    this.current = current;
    const byId = new Map<string, EncryptionKey>();
    for (const key of [current, ...previous]) {
      if (!byId.has(key.id)) {
        byId.set(key.id, key);
      }
    }
    this.#byId = byId;
  }

  /** The key with `id`, current or previous; undefined when the ring does not hold it. */
  find(id: string): EncryptionKey | undefined {
    return this.#byId.get(id);
  }

  /** Ids of every key that can decrypt, current first. */
  get ids(): readonly string[] {
    return [...this.#byId.keys()];
  }

  /** Never prints key material, whatever logs or inspects the ring. */
  toJSON(): { current: string; decrypts: readonly string[] } {
    return { current: this.current.id, decrypts: this.ids };
  }
}
