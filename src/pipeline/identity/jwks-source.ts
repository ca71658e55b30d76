import {
  createLocalJWKSet,
  createRemoteJWKSet,
  customFetch,
  type FetchImplementation,
  type JWTVerifyGetKey,
} from 'jose';
import type { JwksKeySource } from './jwt-auth-settings.ts';

/** How a remote key set is fetched and kept; jose's defaults unless said otherwise. */
export interface JwksFetchOptions {
  /** Least time between two fetches for an unknown `kid` (a key rotation). Default 30 s. */
  readonly cooldownMs?: number;
  /** Age after which the key set is fetched again before use. Default 10 minutes. */
  readonly cacheMaxAgeMs?: number;
  /** Time allowed for one fetch. Default 5 s. */
  readonly timeoutMs?: number;
  /** Replaces the global `fetch` (tests). */
  readonly fetch?: FetchImplementation;
}

export const defaultJwksCooldownMs = 30_000;
export const defaultJwksCacheMaxAgeMs = 600_000;
export const defaultJwksTimeoutMs = 5_000;

/**
 * The key lookup jose's `jwtVerify` calls with each token's header. A remote set is fetched on
 * first use, not here, and at most once at a time; jose picks the key by `kid`, `alg` and key type,
 * never follows redirects, and fetches again for an unknown `kid` only after the cooldown, so a
 * flood of tokens with made-up key ids costs at most one fetch per cooldown. A local set is the
 * one read with the configuration.
 *
 * Throws (jose's `JWKSInvalid`) when a local key set is not a JWKS; the configuration loader has
 * already checked its shape.
 */
export function createJwksSource(
  source: JwksKeySource,
  options: JwksFetchOptions = {},
): JWTVerifyGetKey {
  if (source.kind === 'local') {
    return createLocalJWKSet(source.keySet);
  }
  return createRemoteJWKSet(new URL(source.url), {
    cooldownDuration: options.cooldownMs ?? defaultJwksCooldownMs,
    cacheMaxAge: options.cacheMaxAgeMs ?? defaultJwksCacheMaxAgeMs,
    timeoutDuration: options.timeoutMs ?? defaultJwksTimeoutMs,
    ...(options.fetch === undefined ? {} : { [customFetch]: options.fetch }),
  });
}
