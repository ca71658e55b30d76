import { virtualKeyPrefix } from './virtual-key-format.ts';

/** The longest bearer token treated as a JWT; identity-provider tokens are a few kilobytes at most. */
export const maxJwtLength = 16 * 1024;

/**
 * A compact JWS: three base64url segments, the first a JSON object (so it starts with `eyJ`, the
 * encoding of `{"`). The signature segment may be empty only in `alg: none` tokens, which are
 * recognised here so that they are refused by the verifier with a clear reason.
 */
const compactJwsPattern = /^eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/**
 * Whether a bearer credential is shaped like a JWT rather than a virtual key (`sk-sb-…`). Pure and
 * cheap (one prefix check and one anchored regex, no decoding), so the authenticator can pick a
 * path before doing any work. Shape only: it says nothing about validity.
 */
export function looksLikeJwt(text: string): boolean {
  return (
    text.length <= maxJwtLength &&
    !text.startsWith(virtualKeyPrefix) &&
    compactJwsPattern.test(text)
  );
}
