import { decodeProtectedHeader, jwtVerify, type JWTPayload } from 'jose';
import type { Clock } from '../../lib/clock.ts';
import { createJwksSource, type JwksFetchOptions } from './jwks-source.ts';
import type { JwtAuthSettings } from './jwt-auth-settings.ts';
import { mapClaimsToIdentity } from './jwt-claim-mapping.ts';
import { looksLikeJwt } from './jwt-format.ts';
import type { JwtIdentity } from './jwt-identity.ts';
import { refusalFromJoseError, refuse, type JwtRefusal } from './jwt-refusal.ts';
import { VerifiedTokenCache } from './verified-token-cache.ts';

/** The outcome of verifying a token: an identity, or why it was refused. */
export type JwtVerification =
  | {
      readonly ok: true;
      readonly identity: JwtIdentity;
      /** Served from the verified-token cache, without checking the signature again. */
      readonly cached: boolean;
    }
  | JwtRefusal;

export interface JwtVerifierOptions {
  /** How the remote key set is fetched (cooldown, cache age, timeout). */
  readonly jwks?: JwksFetchOptions;
  /** Most verified tokens remembered. Default 10,000; 0 turns the cache off. */
  readonly cacheMaxEntries?: number;
  /** A cached token is verified again this long before its `exp`. Default 5 s. */
  readonly cacheExpiryMarginMs?: number;
  /** Longest a verified token is served from the cache. Default 5 minutes. */
  readonly cacheMaxAgeMs?: number;
}

export interface JwtVerifier {
  /**
   * Verifies a compact JWT and maps its claims to an identity. Never throws and never rejects:
   * every failure is a refusal. Answers synchronously for a token in the cache (the common case,
   * so the request path does not wait a microtask) and with a promise otherwise; `await` both.
   */
  verify(token: string): JwtVerification | Promise<JwtVerification>;
}

/**
 * Creates the verifier for the `auth.jwt` configuration. A token is accepted only when: it is a
 * compact JWS whose `alg` is in the allow-list (checked before any key lookup); its signature
 * verifies with a key of the configured JWKS chosen by `kid`; `iss` equals the issuer; `aud` names
 * one of the audiences; `exp` (required) and `nbf` hold at `clock.now()` within the clock
 * tolerance; `sub` is present; and the configured claims map to an identity (see `JwtIdentity`).
 *
 * Verified tokens are remembered by their SHA-256 until shortly before `exp` (at most
 * `cacheMaxAgeMs`), so repeated requests with one token cost a hash. The remote JWKS is fetched on
 * first use. Throws only when a local key set is not a JWKS (the config loader checks that first).
 */
export function createJwtVerifier(
  settings: JwtAuthSettings,
  clock: Clock,
  options: JwtVerifierOptions = {},
): JwtVerifier {
  const getKey = createJwksSource(settings.keySource, options.jwks);
  const cache = new VerifiedTokenCache({
    clock,
    maxEntries: options.cacheMaxEntries ?? 10_000,
    expiryMarginMs: options.cacheExpiryMarginMs ?? 5_000,
    maxAgeMs: options.cacheMaxAgeMs ?? 300_000,
  });
  const algorithms = [...settings.algorithms];
  const verifyOptions = {
    issuer: settings.issuer,
    audience: [...settings.audience],
    algorithms,
    clockTolerance: settings.clockToleranceSeconds,
    requiredClaims: ['exp', 'sub'],
  };

  async function verifyUncached(token: string): Promise<JwtVerification> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, getKey, {
        ...verifyOptions,
        currentDate: new Date(clock.now()),
      }));
    } catch (error) {
      return refusalFromJoseError(error);
    }
    const identity = mapClaimsToIdentity(payload, settings);
    if ('ok' in identity) {
      return identity;
    }
    cache.set(token, identity);
    return { ok: true, identity, cached: false };
  }

  return {
    verify(token) {
      if (!looksLikeJwt(token)) {
        return refuse('malformed', 'the credential is not a compact JWT');
      }
      const cached = cache.get(token);
      if (cached !== undefined) {
        return { ok: true, identity: cached, cached: true };
      }
      const algorithm = readAlgorithm(token);
      if (algorithm === undefined) {
        return refuse('malformed', 'the token header is not valid');
      }
      if (!algorithms.includes(algorithm)) {
        return refuse(
          'disallowed-algorithm',
          `the token is signed with ${describeAlgorithm(algorithm)}, which is not in the allow-list`,
        );
      }
      return verifyUncached(token);
    },
  };
}

/** The header's `alg`, or undefined when the header cannot be decoded. */
function readAlgorithm(token: string): string | undefined {
  try {
    const header = decodeProtectedHeader(token);
    return typeof header.alg === 'string' ? header.alg : undefined;
  } catch {
    return undefined;
  }
}

/** Algorithm names are attacker-chosen text; only well-formed ones are echoed into messages. */
function describeAlgorithm(algorithm: string): string {
  return /^[A-Za-z0-9+-]{1,16}$/.test(algorithm) ? `"${algorithm}"` : 'an unknown algorithm';
}
