import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  CredentialDecryptionError,
  openCredential,
  sealCredential,
} from './credential-envelope.ts';
import {
  EncryptionKeyError,
  EncryptionKeyRing,
  encryptionKeyId,
  parseEncryptionKey,
} from './encryption-key-ring.ts';

function ringOf(...materials: Buffer[]): EncryptionKeyRing {
  const [current, ...previous] = materials.map((material) => ({
    id: encryptionKeyId(material),
    material,
  }));
  if (current === undefined) {
    throw new Error('a ring needs a key');
  }
  return new EncryptionKeyRing(current, previous);
}

const oldKey = Buffer.alloc(32, 1);
const newKey = Buffer.alloc(32, 2);
const canary = 'sk-envelope-canary-7d1e0b3c9a5f';

function decryptionFailure(run: () => unknown): CredentialDecryptionError {
  try {
    run();
  } catch (error) {
    if (error instanceof CredentialDecryptionError) {
      return error;
    }
    throw error;
  }
  throw new Error('expected a CredentialDecryptionError');
}

describe('credential envelope', () => {
  it('round-trips a value, records the key id and never contains the plaintext', () => {
    const ring = ringOf(newKey);
    const sealed = sealCredential(ring, 'openai-prod', canary);
    expect(sealed.keyId).toBe(encryptionKeyId(newKey));
    expect(sealed.keyId).toMatch(/^[0-9a-f]{16}$/);
    expect(sealed.ciphertext.toString('latin1')).not.toContain(canary);
    expect(sealed.ciphertext.length).toBe(1 + 12 + 16 + Buffer.byteLength(canary));
    expect(openCredential(ring, 'openai-prod', sealed)).toBe(canary);
  });

  it('round-trips empty, multi-byte and 16 KiB values', () => {
    const ring = ringOf(newKey);
    for (const value of ['', 'ключ-🔑-鍵', 'x'.repeat(16 * 1024)]) {
      expect(openCredential(ring, 'name', sealCredential(ring, 'name', value))).toBe(value);
    }
  });

  it('uses a fresh IV each time, so equal values seal differently', () => {
    const ring = ringOf(newKey);
    const first = sealCredential(ring, 'same', canary);
    const second = sealCredential(ring, 'same', canary);
    expect(first.ciphertext.equals(second.ciphertext)).toBe(false);
    expect(first.ciphertext.subarray(1, 13).equals(second.ciphertext.subarray(1, 13))).toBe(false);
  });

  it('refuses a ciphertext altered in any byte', () => {
    const ring = ringOf(newKey);
    const sealed = sealCredential(ring, 'tampered', canary);
    for (let index = 1; index < sealed.ciphertext.length; index += 1) {
      const altered = Buffer.from(sealed.ciphertext);
      altered[index] = (altered[index] ?? 0) ^ 0x01;
      const failure = decryptionFailure(() =>
        openCredential(ring, 'tampered', { ...sealed, ciphertext: altered }),
      );
      expect(failure.reason).toBe('damaged');
      expect(failure.message).not.toContain(canary);
    }
    expect(
      decryptionFailure(() =>
        openCredential(ring, 'tampered', {
          ...sealed,
          ciphertext: sealed.ciphertext.subarray(0, 20),
        }),
      ).reason,
    ).toBe('damaged');
  });

  it('refuses a ciphertext moved to another name (the name is authenticated data)', () => {
    const ring = ringOf(newKey);
    const sealed = sealCredential(ring, 'openai-prod', canary);
    const failure = decryptionFailure(() => openCredential(ring, 'openai-dev', sealed));
    expect(failure.reason).toBe('damaged');
    expect(failure.message).not.toContain(canary);
  });

  it('refuses a ciphertext under a key the ring does not hold, naming only the key id', () => {
    const sealed = sealCredential(ringOf(oldKey), 'rotated', canary);
    const failure = decryptionFailure(() => openCredential(ringOf(newKey), 'rotated', sealed));
    expect(failure.reason).toBe('unknown-key');
    expect(failure.message).toContain(encryptionKeyId(oldKey));
    expect(failure.message).not.toContain(oldKey.toString('hex'));
    expect(failure.message).not.toContain(oldKey.toString('base64'));
  });

  it('refuses a ciphertext relabelled with another key id the ring holds', () => {
    const ring = ringOf(newKey, oldKey);
    const sealed = sealCredential(ring, 'relabelled', canary);
    const failure = decryptionFailure(() =>
      openCredential(ring, 'relabelled', { ...sealed, keyId: encryptionKeyId(oldKey) }),
    );
    expect(failure.reason).toBe('damaged');
  });

  it('opens values sealed under a previous key during rotation, and seals under the current one', () => {
    const sealedBefore = sealCredential(ringOf(oldKey), 'rotating', canary);
    const rotating = ringOf(newKey, oldKey);
    expect(openCredential(rotating, 'rotating', sealedBefore)).toBe(canary);
    const resealed = sealCredential(rotating, 'rotating', canary);
    expect(resealed.keyId).toBe(encryptionKeyId(newKey));
    expect(openCredential(ringOf(newKey), 'rotating', resealed)).toBe(canary);
  });
});

describe('parseEncryptionKey', () => {
  const material = randomBytes(32);

  it('reads 32 bytes as hex, base64 and URL-safe base64, ignoring surrounding whitespace', () => {
    const id = encryptionKeyId(material);
    for (const text of [
      material.toString('hex'),
      material.toString('hex').toUpperCase(),
      material.toString('base64'),
      material.toString('base64url'),
      `  ${material.toString('base64')}\n`,
    ]) {
      const key = parseEncryptionKey(text, 'TEST_KEY');
      expect(key.id).toBe(id);
      expect(key.material.equals(material)).toBe(true);
    }
  });

  it('refuses keys of the wrong length or form without echoing them', () => {
    for (const text of [
      randomBytes(16).toString('base64'),
      randomBytes(31).toString('hex'),
      randomBytes(33).toString('base64'),
      randomBytes(64).toString('hex'),
      'not a key at all!',
      '',
    ]) {
      let failure: unknown;
      try {
        parseEncryptionKey(text, 'TEST_KEY');
      } catch (error) {
        failure = error;
      }
      expect(failure).toBeInstanceOf(EncryptionKeyError);
      const message = (failure as Error).message;
      expect(message).toContain('TEST_KEY');
      if (text.trim() !== '') {
        expect(message).not.toContain(text.trim());
      }
    }
  });

  it('says how many bytes a wrong-length key holds', () => {
    expect(() => parseEncryptionKey(randomBytes(16).toString('base64'), 'K')).toThrow(
      /exactly 32 bytes, but holds 16/,
    );
  });
});

describe('EncryptionKeyRing', () => {
  it('finds current and previous keys by id and prints no key material', () => {
    const ring = ringOf(newKey, oldKey, newKey);
    expect(ring.ids).toEqual([encryptionKeyId(newKey), encryptionKeyId(oldKey)]);
    expect(ring.find(encryptionKeyId(oldKey))?.material.equals(oldKey)).toBe(true);
    expect(ring.find('0000000000000000')).toBeUndefined();
    const printed = JSON.stringify(ring);
    expect(printed).not.toContain(newKey.toString('hex'));
    expect(printed).not.toContain(newKey.toString('base64'));
  });
});
