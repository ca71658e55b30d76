import type { SignalboxRole } from './jwt-auth-settings.ts';

/**
 * A caller authenticated by a verified JWT from the operator's identity provider. Immutable.
 *
 * How the fields map (claim paths are set under `auth.jwt.claims`; see docs/authentication.md):
 *
 * | field       | from                                                                            |
 * |-------------|---------------------------------------------------------------------------------|
 * | `subject`   | the standard `sub` claim (required), exactly as the provider issued it          |
 * | `user`      | `claims.user` (default `sub`): the natural person (or workload) behind the call |
 * | `email`     | `claims.email`, when configured and present                                     |
 * | `team`      | `claims.team`: a string, or the first string of an array                        |
 * | `org`       | `claims.org`: a string, or the first string of an array                         |
 * | `role`      | `claims.role`: the first value (of a string or array) that maps through `roles`;|
 * |             | otherwise `default_role`, or a refusal when `require_role` is set               |
 * | `agent`     | `claims.agent` (e.g. `azp`, `client_id`): the calling application or agent      |
 * | `issuer`    | the `iss` claim, equal to the configured issuer                                 |
 * | `expiresAt` | the `exp` claim (required), in milliseconds since the Unix epoch                |
 *
 * Every text field is 1-256 characters with no control characters, so it can go into audit
 * records, logs and routing rules as is. An end-user id that the client sends in the request body
 * is not part of this: it is not verified by anyone and must be recorded as unverified.
 */
export interface JwtIdentity {
  readonly subject: string;
  readonly user: string;
  readonly email: string | undefined;
  readonly team: string | undefined;
  readonly org: string | undefined;
  readonly role: SignalboxRole;
  /** Whether `role` came from the token (`claim`) or is the configured default (`default`). */
  readonly roleSource: 'claim' | 'default';
  readonly agent: string | undefined;
  readonly issuer: string;
  readonly expiresAt: number;
}
