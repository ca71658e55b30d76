import { errors } from 'jose';

/**
 * Why a JWT was refused. All but `jwks-unavailable` are the caller's fault (answer 401);
 * `jwks-unavailable` means the identity provider's keys could not be fetched (answer 503, and
 * alert the operator).
 */
export type JwtRefusalReason =
  | 'malformed'
  | 'disallowed-algorithm'
  | 'unknown-key'
  | 'bad-signature'
  | 'expired'
  | 'not-yet-valid'
  | 'wrong-issuer'
  | 'wrong-audience'
  | 'missing-claim'
  | 'invalid-claim'
  | 'unmapped-role'
  | 'jwks-unavailable';

/**
 * A refusal with a message fit for logs. Messages name claims and reasons, never claim values or
 * token text, so they may be logged; they are still not meant for the client, which should get
 * one generic "invalid credentials" answer.
 */
export interface JwtRefusal {
  readonly ok: false;
  readonly reason: JwtRefusalReason;
  readonly message: string;
}

export function refuse(reason: JwtRefusalReason, message: string): JwtRefusal {
  return { ok: false, reason, message };
}

const claimReasons: Readonly<Record<string, JwtRefusalReason>> = {
  iss: 'wrong-issuer',
  aud: 'wrong-audience',
  nbf: 'not-yet-valid',
  iat: 'invalid-claim',
};

/** Turns an error thrown by jose's `jwtVerify` (or the key set it called) into a refusal. */
export function refusalFromJoseError(error: unknown): JwtRefusal {
  if (error instanceof errors.JWTExpired) {
    return refuse('expired', 'the token has expired');
  }
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.reason === 'missing') {
      return refuse('missing-claim', `the token has no "${error.claim}" claim`);
    }
    const reason = claimReasons[error.claim] ?? 'invalid-claim';
    return refuse(reason, `the "${error.claim}" claim is not accepted: ${error.message}`);
  }
  if (error instanceof errors.JOSEAlgNotAllowed || error instanceof errors.JOSENotSupported) {
    return refuse('disallowed-algorithm', 'the token is signed with an algorithm not accepted');
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return refuse('bad-signature', 'the token signature does not verify');
  }
  if (error instanceof errors.JWKSNoMatchingKey) {
    return refuse('unknown-key', 'no key of the identity provider matches the token (kid, alg)');
  }
  if (error instanceof errors.JWKSMultipleMatchingKeys) {
    return refuse('unknown-key', 'several keys match the token and none verifies it');
  }
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) {
    return refuse('malformed', `the token is malformed: ${error.message}`);
  }
  // Anything else comes from fetching, parsing or importing the key set: timeouts, non-200
  // answers, bad JSON, unusable keys. The operator must fix those, not the caller.
  const detail = error instanceof Error ? error.message : 'unknown error';
  return refuse('jwks-unavailable', `the identity provider keys are unavailable: ${detail}`);
}
