import { createHash } from 'node:crypto';
import type { Clock } from '../../lib/clock.ts';
import { randomBytes } from '../../lib/random.ts';
import type { ConsoleSessionStore } from '../../storage/console-session-store.ts';
import { checkAdminRoute } from './authorisation.ts';
import type { Principal } from './principal.ts';

/** How long a session lasts from sign-in, whatever its use: 8 hours. */
export const sessionLifetimeMs = 8 * 60 * 60 * 1000;
/** How long a session may go unused before it ends: 30 minutes. */
export const sessionIdleMs = 30 * 60 * 1000;
/** Use is written back at most this often, so a busy console costs no write per request. */
const touchEveryMs = 60 * 1000;

export interface ConsoleSessionsOptions {
  readonly store: ConsoleSessionStore;
  readonly clock: Clock;
  /** The principal a key reference stands for now (undefined once revoked, expired or unknown). */
  readonly principalOfKey: (reference: string) => Promise<Principal | undefined>;
  /** The reference stored for a principal (its key id by default). */
  readonly referenceOf?: (principal: Principal) => string;
  readonly lifetimeMs?: number;
  readonly idleMs?: number;
}

/** A session just opened: the id goes into the cookie and is never stored or logged. */
export interface OpenedConsoleSession {
  readonly id: string;
  readonly csrfToken: string;
  readonly expiresAt: number;
  readonly principal: Principal;
}

/** A live session and who it stands for now. */
export interface ResolvedConsoleSession {
  readonly principal: Principal;
  readonly csrfToken: string;
  readonly expiresAt: number;
}

/** The SHA-256 (hex) of a session id: all the database ever sees. */
export function hashSessionId(id: string): string {
  return createHash('sha256').update(id, 'utf8').digest('hex');
}

/** Session ids are 32 random bytes, base64url: exactly 43 characters of that alphabet. */
const sessionIdPattern = /^[A-Za-z0-9_-]{43}$/;

/**
 * Console sign-in sessions. Opening one needs a principal that may use the admin API; each use
 * re-reads the principal of the session's key, so revoking or expiring the key (or a changed
 * role) takes effect on the next request. Sessions end 8 hours after sign-in, after 30 minutes
 * unused, or when revoked. Only a hash of the id is stored.
 */
export class ConsoleSessions {
  readonly #options: ConsoleSessionsOptions;

  constructor(options: ConsoleSessionsOptions) {
    this.#options = options;
  }

  /** Opens a session for `principal`; undefined when it may not use the admin API. */
  async open(principal: Principal): Promise<OpenedConsoleSession | undefined> {
    if (checkAdminRoute(principal, 'GET') !== undefined) {
      return undefined;
    }
    const now = this.#options.clock.now();
    const id = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(32).toString('base64url');
    const expiresAt = now + (this.#options.lifetimeMs ?? sessionLifetimeMs);
    await this.#options.store.insert({
      idHash: hashSessionId(id),
      keyId: this.#options.referenceOf?.(principal) ?? principal.keyId,
      csrfToken,
      createdAt: now,
      expiresAt,
      lastSeenAt: now,
      revokedAt: null,
    });
    // Expired rows are only clutter (they never resolve); clear them now and then, here.
    if (id.charCodeAt(0) % 16 === 0) {
      await this.#options.store.purgeExpired(now);
    }
    return { id, csrfToken, expiresAt, principal };
  }

  /** The live session with this id and its principal now, or undefined. */
  async resolve(id: string): Promise<ResolvedConsoleSession | undefined> {
    if (!sessionIdPattern.test(id)) {
      return undefined;
    }
    const idHash = hashSessionId(id);
    const record = await this.#options.store.findByHash(idHash);
    const now = this.#options.clock.now();
    if (record?.revokedAt !== null || record.expiresAt <= now) {
      return undefined;
    }
    if (record.lastSeenAt + (this.#options.idleMs ?? sessionIdleMs) <= now) {
      return undefined;
    }
    const principal = await this.#options.principalOfKey(record.keyId);
    if (principal === undefined || checkAdminRoute(principal, 'GET') !== undefined) {
      return undefined;
    }
    if (now - record.lastSeenAt >= touchEveryMs) {
      await this.#options.store.touch(idHash, now);
    }
    return { principal, csrfToken: record.csrfToken, expiresAt: record.expiresAt };
  }

  /** Revokes the session with this id; resolves whether a live one was revoked. */
  async revoke(id: string): Promise<boolean> {
    if (!sessionIdPattern.test(id)) {
      return false;
    }
    return this.#options.store.revoke(hashSessionId(id), this.#options.clock.now());
  }
}
