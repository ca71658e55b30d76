import { createHash, randomBytes } from 'node:crypto';
import { openCredential, sealCredential } from '../../lib/credential-envelope.ts';
import {
  EncryptionKeyRing,
  encryptionKeyBytes,
  encryptionKeyId,
  type EncryptionKey,
} from '../../lib/encryption-key-ring.ts';
import type { AuditTenantKey } from '../../storage/ports.ts';

/**
 * Payload retention's cryptography (docs/audit.md). Every organisation has a random AES-256
 * data key, stored only sealed under the gateway's encryption key (`SIGNALBOX_ENCRYPTION_KEY`);
 * each payload is sealed under its organisation's data key with AES-256-GCM, bound to its
 * request id. The audit record holds the SHA-256 of the sealed bytes, never the plaintext, so
 * destroying a data key makes that organisation's payloads unreadable while every record and
 * checkpoint still verifies.
 */

/** The name the data key is sealed under (authenticated, so a key row cannot be swapped). */
function tenantKeyName(id: string, org: string): string {
  return `audit-tenant-key:${id}:${org}`;
}

function payloadName(requestId: string): string {
  return `audit-payload:${requestId}`;
}

/** A fresh data key for `org`, sealed under the ring's current key, and its material. */
export function createTenantKey(
  ring: EncryptionKeyRing,
  org: string,
  now: number,
): { readonly row: AuditTenantKey; readonly key: EncryptionKey } {
  const material = randomBytes(encryptionKeyBytes);
  const id = encryptionKeyId(material);
  const sealed = sealCredential(ring, tenantKeyName(id, org), material.toString('base64'));
  return {
    row: {
      id,
      org,
      wrapped: { wrappingKeyId: sealed.keyId, sealed: sealed.ciphertext },
      createdAt: now,
      erasedAt: undefined,
    },
    key: { id, material },
  };
}

/**
 * The material of a stored data key, or undefined when it was erased. Throws
 * `CredentialDecryptionError` when the ring cannot open it.
 */
export function openTenantKey(
  ring: EncryptionKeyRing,
  row: AuditTenantKey,
): EncryptionKey | undefined {
  if (row.wrapped === undefined) return undefined;
  const text = openCredential(ring, tenantKeyName(row.id, row.org), {
    keyId: row.wrapped.wrappingKeyId,
    ciphertext: row.wrapped.sealed,
  });
  return { id: row.id, material: Buffer.from(text, 'base64') };
}

/** Seals a payload's text under a data key. */
export function sealAuditPayload(key: EncryptionKey, requestId: string, text: string): Buffer {
  return sealCredential(new EncryptionKeyRing(key), payloadName(requestId), text).ciphertext;
}

/** Opens a sealed payload; throws `CredentialDecryptionError` when it was altered or moved. */
export function openAuditPayload(key: EncryptionKey, requestId: string, sealed: Buffer): string {
  return openCredential(new EncryptionKeyRing(key), payloadName(requestId), {
    keyId: key.id,
    ciphertext: sealed,
  });
}

/** The digest of sealed bytes that the audit record carries (`payload_sha256`). */
export function sealedPayloadDigest(sealed: Buffer): string {
  return createHash('sha256').update(sealed).digest('hex');
}
