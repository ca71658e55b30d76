import type { JSONWebKeySet } from 'jose';

/**
 * The roles a caller can hold in Signalbox, as JWT claims are mapped to them. Kept here (and
 * mirrored by the `auth` config schema, which may not import the pipeline) until the role model
 * of `principal.ts` settles; a test checks that both lists agree.
 */
export const signalboxRoleNames = ['admin', 'team_admin', 'member', 'viewer', 'service'] as const;

export type SignalboxRole = (typeof signalboxRoleNames)[number];

/** Where the identity provider's public keys come from. */
export type JwksKeySource =
  /** Fetched over HTTPS (`jwks_url`), cached, and fetched again for an unknown `kid` after a cooldown. */
  | { readonly kind: 'remote'; readonly url: string }
  /** Read from a file when the configuration was loaded (`jwks_file`); a reload picks up new keys. */
  | { readonly kind: 'local'; readonly path: string; readonly keySet: JSONWebKeySet };

/**
 * Claim paths, dotted for nesting (`realm_access.roles`). A claim whose own name contains dots
 * (`https://example.com/roles`) is found too: the whole path is tried as a name first.
 */
export interface JwtClaimPaths {
  /** The natural person (or workload) behind the token. */
  readonly user: string;
  readonly email: string | undefined;
  readonly team: string | undefined;
  readonly org: string | undefined;
  readonly role: string | undefined;
  /** The calling application or agent (`azp`, `client_id`). */
  readonly agent: string | undefined;
}

/**
 * What the JWT verifier needs: the `auth.jwt` configuration with defaults applied. The config
 * layer's `JwtAuthConfig` has the same shape and is passed as is.
 */
export interface JwtAuthSettings {
  readonly issuer: string;
  /** Accepted audiences; a token must name at least one. Never empty. */
  readonly audience: readonly string[];
  readonly keySource: JwksKeySource;
  /** Accepted signature algorithms; never `none` and never a shared-secret (HS*) algorithm. */
  readonly algorithms: readonly string[];
  readonly clockToleranceSeconds: number;
  readonly claims: JwtClaimPaths;
  /**
   * Identity-provider role values to Signalbox roles. Undefined: a role claim value that is itself
   * a Signalbox role name is taken as is, and any other value is ignored.
   */
  readonly roles: ReadonlyMap<string, SignalboxRole> | undefined;
  /** The role of a token whose role claim maps to nothing (unless `requireRole`). */
  readonly defaultRole: SignalboxRole;
  /** Refuse a token whose role claim maps to no Signalbox role instead of giving it `defaultRole`. */
  readonly requireRole: boolean;
}
