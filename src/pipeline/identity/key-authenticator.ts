import { constantTimeEqual } from '../../lib/constant-time-equal.ts';
import type { Clock } from '../../lib/clock.ts';
import type { VirtualKeyRecord, VirtualKeyStore } from '../../storage/ports.ts';
import type { Principal } from './principal.ts';
import { hashKeyText, readKeyId } from './virtual-key-format.ts';

export interface KeyAuthenticatorOptions {
  readonly store: VirtualKeyStore;
  readonly clock: Clock;
  /** SHA-256 of SIGNALBOX_ADMIN_KEY when set: that key is then the only admin key. */
  readonly environmentAdminKeyHash: Buffer | undefined;
  /** Most keys kept in memory; the cache is dropped and refilled past this. */
  readonly cacheLimit?: number;
}

const absent = Buffer.alloc(32);

/**
 * Turns a presented API key into a principal. Keys are cached in memory by id after the first
 * lookup, so a request costs one SHA-256 and one constant-time comparison; `refresh()` drops the
 * cache when another process changed the keys, and `forget()` drops one key after a change made
 * here. Revoked and expired keys authenticate as nothing, exactly like unknown ones.
 */
export class KeyAuthenticator {
  readonly #options: KeyAuthenticatorOptions;
  readonly #cache = new Map<string, VirtualKeyRecord>();
  #changeMarker: number | undefined;

  constructor(options: KeyAuthenticatorOptions) {
    this.#options = options;
  }

  /** The principal for `keyText`, or undefined when the key is not valid now. */
  async authenticate(keyText: string): Promise<Principal | undefined> {
    const presentedHash = hashKeyText(keyText);
    const adminHash = this.#options.environmentAdminKeyHash;
    if (adminHash !== undefined && constantTimeEqual(presentedHash, adminHash)) {
      return {
        role: 'admin',
        keyId: 'environment',
        keyName: 'SIGNALBOX_ADMIN_KEY',
        allowedModels: null,
      };
    }
    const id = readKeyId(keyText);
    const record = id === undefined ? undefined : await this.#lookup(id);
    // Compare even when nothing was found, so the time taken does not reveal whether an id exists.
    const matches = constantTimeEqual(presentedHash, record?.secretHash ?? absent);
    if (record === undefined || !matches || !this.#isActive(record)) {
      return undefined;
    }
    if (record.role === 'admin' && adminHash !== undefined) {
      // SIGNALBOX_ADMIN_KEY replaces any stored admin key while it is set.
      return undefined;
    }
    return {
      role: record.role,
      keyId: record.id,
      keyName: record.name,
      allowedModels: record.allowedModels,
    };
  }

  /** Drops one cached key (after this process revoked or changed it). */
  forget(id: string): void {
    this.#cache.delete(id);
  }

  /** Drops the whole cache if the store changed since the last call. */
  async refresh(): Promise<void> {
    const marker = await this.#options.store.changeMarker();
    if (this.#changeMarker !== undefined && marker !== this.#changeMarker) {
      this.#cache.clear();
    }
    this.#changeMarker = marker;
  }

  #isActive(record: VirtualKeyRecord): boolean {
    if (record.revokedAt !== null) {
      return false;
    }
    return record.expiresAt === null || record.expiresAt > this.#options.clock.now();
  }

  async #lookup(id: string): Promise<VirtualKeyRecord | undefined> {
    const cached = this.#cache.get(id);
    if (cached !== undefined) {
      return cached;
    }
    const record = await this.#options.store.findById(id);
    if (record !== undefined) {
      if (this.#cache.size >= (this.#options.cacheLimit ?? 100_000)) {
        this.#cache.clear();
      }
      this.#cache.set(id, record);
    }
    return record;
  }
}
