import type { Clock } from '../../lib/clock.ts';
import { CredentialDecryptionError } from '../../lib/credential-envelope.ts';
import type { EncryptionKey, EncryptionKeyRing } from '../../lib/encryption-key-ring.ts';
import type { AuditPayloadRow, AuditPayloadStore } from '../../storage/ports.ts';
import {
  createTenantKey,
  openAuditPayload,
  openTenantKey,
  sealAuditPayload,
  sealedPayloadDigest,
} from './audit-payload-sealing.ts';

/** A payload to keep beside an audit record. */
export interface AuditAttachment {
  readonly org: string;
  readonly requestId: string;
  /** The plaintext (JSON text). */
  readonly text: string;
}

/** A sealed attachment, ready to store with its record. */
export interface SealedAttachment {
  readonly org: string;
  readonly requestId: string;
  readonly keyId: string;
  readonly sealed: Buffer;
  /** The SHA-256 of `sealed`, in hex, for the chained record. */
  readonly digest: string;
}

/** What reading a kept payload found. */
export type OpenedPayload =
  | {
      readonly status: 'ok';
      readonly org: string;
      readonly requestId: string;
      readonly text: string;
    }
  | { readonly status: 'erased'; readonly org: string; readonly requestId: string }
  | { readonly status: 'absent' };

/**
 * Seals and opens audit payloads with each organisation's data key (see
 * `audit-payload-sealing.ts`). Opened keys are cached for `cacheMs`, so an erasure made by
 * another process takes effect here within that time; payloads sealed meanwhile under the
 * erased key are unreadable, which errs on the side of erasure.
 */
export class AuditPayloadVault {
  readonly #store: AuditPayloadStore;
  readonly #ring: EncryptionKeyRing;
  readonly #clock: Clock;
  readonly #cacheMs: number;
  readonly #keys = new Map<string, { key: EncryptionKey; until: number }>();

  constructor(store: AuditPayloadStore, ring: EncryptionKeyRing, clock: Clock, cacheMs = 5000) {
    this.#store = store;
    this.#ring = ring;
    this.#clock = clock;
    this.#cacheMs = cacheMs;
  }

  /**
   * Seals `attachment` under its organisation's live key (created on first use). Rejects when
   * the store cannot be reached, and with `CredentialDecryptionError` when the stored key cannot
   * be opened with the configured encryption keys.
   */
  async seal(attachment: AuditAttachment): Promise<SealedAttachment> {
    const key = await this.#liveKey(attachment.org);
    const sealed = sealAuditPayload(key, attachment.requestId, attachment.text);
    return {
      org: attachment.org,
      requestId: attachment.requestId,
      keyId: key.id,
      sealed,
      digest: sealedPayloadDigest(sealed),
    };
  }

  /** Opens the payload of record `seq`: its text, `erased` when its key is gone, or `absent`. */
  async open(seq: number): Promise<OpenedPayload> {
    const row = await this.#store.read(seq);
    if (row === undefined) return { status: 'absent' };
    return this.openRow(row);
  }

  /** Opens a stored payload row (see `open`). */
  async openRow(row: AuditPayloadRow): Promise<OpenedPayload> {
    const keyRow = await this.#store.tenantKey(row.keyId);
    const key = keyRow === undefined ? undefined : openTenantKey(this.#ring, keyRow);
    if (key === undefined) {
      return { status: 'erased', org: row.org, requestId: row.requestId };
    }
    return {
      status: 'ok',
      org: row.org,
      requestId: row.requestId,
      text: openAuditPayload(key, row.requestId, row.sealed),
    };
  }

  /** Destroys the organisation's keys (its payloads become unreadable); resolves their ids. */
  async erase(org: string): Promise<string[]> {
    this.#keys.delete(org);
    return this.#store.eraseTenantKeys(org, this.#clock.now());
  }

  async #liveKey(org: string): Promise<EncryptionKey> {
    const now = this.#clock.monotonic();
    const cached = this.#keys.get(org);
    if (cached !== undefined && cached.until > now) return cached.key;
    let key: EncryptionKey | undefined;
    const live = await this.#store.liveTenantKey(org);
    if (live !== undefined) {
      key = openTenantKey(this.#ring, live);
    } else {
      const created = createTenantKey(this.#ring, org, this.#clock.now());
      const stored = await this.#store.addTenantKey(created.row);
      key = stored.id === created.key.id ? created.key : openTenantKey(this.#ring, stored);
    }
    if (key === undefined) {
      throw new CredentialDecryptionError('damaged', 'the live tenant key has no material');
    }
    this.#keys.set(org, { key, until: now + this.#cacheMs });
    return key;
  }
}
