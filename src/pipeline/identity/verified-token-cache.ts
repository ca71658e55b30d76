import { hash } from 'node:crypto';
import type { Clock } from '../../lib/clock.ts';
import type { JwtIdentity } from './jwt-identity.ts';

export interface VerifiedTokenCacheOptions {
  readonly clock: Clock;
  /** Most tokens kept; the least recently used goes first. */
  readonly maxEntries: number;
  /** Entries stop being served this long before the token's `exp`. */
  readonly expiryMarginMs: number;
  /** Longest an entry is served, so a key withdrawn from the JWKS stops working within it. */
  readonly maxAgeMs: number;
}

interface Entry {
  readonly identity: JwtIdentity;
  readonly freshUntil: number;
}

/**
 * Identities of verified tokens, by the SHA-256 of the token text (the text itself is never kept).
 * An entry is served only while `clock.now()` is before its token's `exp` minus a margin, and for at
 * most `maxAgeMs`; after that the token is verified again and, if expired, refused. Bounded: past
 * `maxEntries` the least recently used entry is dropped.
 */
export class VerifiedTokenCache {
  readonly #options: VerifiedTokenCacheOptions;
  readonly #entries = new Map<string, Entry>();

  constructor(options: VerifiedTokenCacheOptions) {
    this.#options = options;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** The cached identity for `token`, or undefined when absent or no longer fresh. */
  get(token: string): JwtIdentity | undefined {
    const key = cacheKey(token);
    const entry = this.#entries.get(key);
    if (entry === undefined) {
      return undefined;
    }
    this.#entries.delete(key);
    if (this.#options.clock.now() >= entry.freshUntil) {
      return undefined;
    }
    // Re-inserted so that Map order is least recently used first.
    this.#entries.set(key, entry);
    return entry.identity;
  }

  /** Remembers a verified token's identity; tokens too close to expiry are not kept. */
  set(token: string, identity: JwtIdentity): void {
    const now = this.#options.clock.now();
    const freshUntil = Math.min(
      identity.expiresAt - this.#options.expiryMarginMs,
      now + this.#options.maxAgeMs,
    );
    if (freshUntil <= now || this.#options.maxEntries <= 0) {
      return;
    }
    const key = cacheKey(token);
    this.#entries.delete(key);
    while (this.#entries.size >= this.#options.maxEntries) {
      const oldest = this.#entries.keys().next();
      if (oldest.done === true) {
        break;
      }
      this.#entries.delete(oldest.value);
    }
    this.#entries.set(key, { identity, freshUntil });
  }

  clear(): void {
    this.#entries.clear();
  }
}

function cacheKey(token: string): string {
  return hash('sha256', token, 'base64url');
}
