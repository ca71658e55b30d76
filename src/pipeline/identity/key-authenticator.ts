import { createHash } from 'node:crypto';
import { constantTimeEqual } from '../../lib/constant-time-equal.ts';
import type { Clock } from '../../lib/clock.ts';
import { defaultOrganisationId } from '../../storage/ports.ts';
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

/** A stored key and the (immutable) principal it stands for, kept together in the cache. */
interface CachedKey {
  readonly record: VirtualKeyRecord;
  readonly principal: Principal;
}

const environmentAdmin: Principal = Object.freeze({
  role: 'admin',
  org: defaultOrganisationId,
  userId: undefined,
  agent: 'environment',
  keyId: 'environment',
  keyName: 'SIGNALBOX_ADMIN_KEY',
  team: undefined,
  tags: Object.freeze([]),
  allowedModels: null,
  allowedRoutes: null,
  maxOutputTokens: null,
  expiresAt: null,
});

function toPrincipal(record: VirtualKeyRecord): Principal {
  return Object.freeze({
    role: record.role,
    org: record.org,
    userId: record.ownerUser ?? undefined,
    agent: record.id,
    keyId: record.id,
    keyName: record.name,
    team: record.team ?? undefined,
    tags: Object.freeze([...record.tags]),
    allowedModels: record.allowedModels,
    allowedRoutes: record.allowedRoutes,
    maxOutputTokens: record.maxOutputTokens,
    expiresAt: record.expiresAt,
  });
}

/**
 * Turns a presented API key into a principal. Keys are cached in memory by id after the first
 * lookup, so a request costs one SHA-256 and one constant-time comparison; `refresh()` drops the
 * cache when another process changed the keys, and `forget()` drops one key after a change made
 * here. Revoked and expired keys authenticate as nothing, exactly like unknown ones.
 */
export class KeyAuthenticator {
  readonly #options: KeyAuthenticatorOptions;
  readonly #cache = new Map<string, CachedKey>();
  #changeMarker: number | undefined;

  constructor(options: KeyAuthenticatorOptions) {
    this.#options = options;
  }

  /**
   * The principal for `keyText`, or undefined when the key is not valid now. Answers synchronously
   * when the key's record is cached (the common case, so the request path does not wait a
   * microtask), and with a promise when it must be read from the store.
   */
  authenticate(keyText: string): Principal | undefined | Promise<Principal | undefined> {
    const presentedHash = hashKeyText(keyText);
    const adminHash = this.#options.environmentAdminKeyHash;
    if (adminHash !== undefined && constantTimeEqual(presentedHash, adminHash)) {
      return environmentAdmin;
    }
    const id = readKeyId(keyText);
    if (id === undefined) {
      // Compare anyway, so malformed keys take as long as well-formed ones.
      constantTimeEqual(presentedHash, absent);
      return undefined;
    }
    const cached = this.#cache.get(id);
    if (cached !== undefined) {
      return this.#verify(presentedHash, cached);
    }
    return this.#options.store.findById(id).then((record) => {
      if (record === undefined) {
        return this.#verify(presentedHash, undefined);
      }
      if (this.#cache.size >= (this.#options.cacheLimit ?? 100_000)) {
        this.#cache.clear();
      }
      const entry: CachedKey = { record, principal: toPrincipal(record) };
      this.#cache.set(id, entry);
      return this.#verify(presentedHash, entry);
    });
  }

  /**
   * The principal a key id stands for now, without its secret: for console sessions, which
   * name their key by id. Undefined when the key is unknown, revoked, expired, or a stored
   * platform admin key replaced by SIGNALBOX_ADMIN_KEY; `environment` is that admin key while it
   * is set. Uses the same cache as `authenticate` (so the same refresh applies).
   */
  async principalOfKeyId(id: string): Promise<Principal | undefined> {
    if (id.startsWith(`${environmentAdmin.keyId}:`)) {
      const current = this.#environmentReference();
      return current !== undefined && id === current ? environmentAdmin : undefined;
    }
    let entry = this.#cache.get(id);
    if (entry === undefined) {
      const record = await this.#options.store.findById(id);
      if (record === undefined) return undefined;
      if (this.#cache.size >= (this.#options.cacheLimit ?? 100_000)) this.#cache.clear();
      entry = { record, principal: toPrincipal(record) };
      this.#cache.set(id, entry);
    }
    return this.#usable(entry.record) ? entry.principal : undefined;
  }

  /**
   * How `principalOfKeyId` finds this principal again: its key id, or for SIGNALBOX_ADMIN_KEY
   * `environment:` and a fingerprint of that key's hash, so setting another admin key ends
   * what the old one opened.
   */
  referenceOf(principal: Principal): string {
    if (principal === environmentAdmin) {
      return this.#environmentReference() ?? principal.keyId;
    }
    return principal.keyId;
  }

  #environmentReference(): string | undefined {
    const hash = this.#options.environmentAdminKeyHash;
    if (hash === undefined) return undefined;
    return `${environmentAdmin.keyId}:${createHash('sha256').update(hash).digest('hex').slice(0, 32)}`;
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

  /** Compares in constant time (also when nothing was found), then checks the key is usable now. */
  #verify(presentedHash: Buffer, entry: CachedKey | undefined): Principal | undefined {
    const matches = constantTimeEqual(presentedHash, entry?.record.secretHash ?? absent);
    if (entry === undefined || !matches) {
      return undefined;
    }
    return this.#usable(entry.record) ? entry.principal : undefined;
  }

  /** Whether a stored key may be used now. */
  #usable(record: VirtualKeyRecord): boolean {
    if (record.revokedAt !== null) {
      return false;
    }
    if (record.expiresAt !== null && record.expiresAt <= this.#options.clock.now()) {
      return false;
    }
    // SIGNALBOX_ADMIN_KEY replaces any stored platform admin key while it is set.
    return !(
      record.role === 'admin' &&
      record.org === defaultOrganisationId &&
      this.#options.environmentAdminKeyHash !== undefined
    );
  }
}
