import type { Principal } from '../identity/principal.ts';

declare const tenantScopeBrand: unique symbol;

/**
 * Who may share a cached answer, derived on the server from the authenticated caller and never
 * from the request body or headers. Branded so that a cache address cannot be built from any
 * other string: a tenant-less key is not constructible.
 */
export type TenantScope = string & { readonly [tenantScopeBrand]: true };

/** How widely answers are shared: the organisation, team, key or user of the caller. */
export type TenantScopeKind = 'org' | 'team' | 'key' | 'user';

/**
 * The caller's scope. Narrower kinds fall back to the key when the caller has no team or user,
 * never to something wider. Every scope names the organisation, so scopes of two organisations
 * never coincide. Pure.
 */
export function tenantScopeOf(principal: Principal, kind: TenantScopeKind): TenantScope {
  const org = principal.org;
  const key = `key:${org}/${principal.keyId}`;
  switch (kind) {
    case 'org':
      return `org:${org}` as TenantScope;
    case 'team':
      return (principal.team === undefined ? key : `team:${org}/${principal.team}`) as TenantScope;
    case 'user':
      return (
        principal.userId === undefined ? key : `user:${org}/${principal.userId}`
      ) as TenantScope;
    case 'key':
      return key as TenantScope;
  }
}
