import { GatewayError } from '../errors/gateway-error.ts';
import type { Clock } from '../lib/clock.ts';
import type { JwtAuthSettings } from '../pipeline/identity/jwt-auth-settings.ts';
import { looksLikeJwt } from '../pipeline/identity/jwt-format.ts';
import { principalFromJwt } from '../pipeline/identity/jwt-principal.ts';
import { createJwtVerifier, type JwtVerifier } from '../pipeline/identity/jwt-verifier.ts';
import type { KeyAuthenticator } from '../pipeline/identity/key-authenticator.ts';
import type { Principal } from '../pipeline/identity/principal.ts';

/**
 * Authenticates a presented credential: a JWT from the operator's identity provider when
 * `auth.jwt` is configured and the text is shaped like one, a virtual key otherwise. Every
 * refusal reads as an invalid key (the reason goes to `onJwtRefused`, never to the caller), except an identity
 * provider whose keys cannot be fetched: 503, since the token may well be valid. The verifier is
 * rebuilt when a reload changes the settings.
 */
export function createCallerAuthenticator(
  keys: KeyAuthenticator,
  jwtSettings: () => JwtAuthSettings | undefined,
  clock: Clock,
  onJwtRefused: (reason: string) => void,
): (text: string) => Principal | undefined | Promise<Principal | undefined> {
  let verifier: { settings: JwtAuthSettings; verifier: JwtVerifier } | undefined;
  const currentVerifier = (): JwtVerifier | undefined => {
    const settings = jwtSettings();
    if (settings === undefined) return undefined;
    if (verifier?.settings !== settings) {
      verifier = { settings, verifier: createJwtVerifier(settings, clock) };
    }
    return verifier.verifier;
  };
  return (text) => {
    const jwt = looksLikeJwt(text) ? currentVerifier() : undefined;
    if (jwt === undefined) return keys.authenticate(text);
    return Promise.resolve(jwt.verify(text)).then((verification) => {
      if (verification.ok) return principalFromJwt(verification.identity);
      onJwtRefused(verification.reason);
      if (verification.reason === 'jwks-unavailable') {
        throw new GatewayError('SB_ERR_AUTH_UNAVAILABLE', { retryAfterSeconds: 5 });
      }
      return undefined;
    });
  };
}
