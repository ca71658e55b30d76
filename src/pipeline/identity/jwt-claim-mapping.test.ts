import { describe, expect, it } from 'vitest';
import type { JwtAuthSettings } from './jwt-auth-settings.ts';
import { mapClaimsToIdentity, readClaimPath } from './jwt-claim-mapping.ts';

const base = { iss: 'https://idp.example.com', sub: 'u1', exp: 2_000_000_000 };

const settings: Pick<JwtAuthSettings, 'claims' | 'roles' | 'defaultRole' | 'requireRole'> = {
  claims: {
    user: 'sub',
    email: undefined,
    team: 'groups',
    org: undefined,
    role: 'resource_access.signalbox.roles',
    agent: undefined,
  },
  roles: new Map([
    ['sb-admin', 'admin'],
    ['sb-team-lead', 'team_admin'],
  ]),
  defaultRole: 'member',
  requireRole: false,
};

describe('readClaimPath', () => {
  const claims = {
    realm_access: { roles: ['a', 'b'] },
    'https://example.com/roles': ['x'],
    list: [{ name: 'not indexed' }],
  };

  it('follows dotted paths through nested objects', () => {
    expect(readClaimPath(claims, 'realm_access.roles')).toEqual(['a', 'b']);
    expect(readClaimPath(claims, 'realm_access.missing')).toBeUndefined();
    expect(readClaimPath(claims, 'realm_access.roles.length')).toBeUndefined();
  });

  it('prefers a claim whose own name is the whole path', () => {
    expect(readClaimPath(claims, 'https://example.com/roles')).toEqual(['x']);
  });

  it('reads only own properties, never the prototype chain', () => {
    expect(readClaimPath(claims, 'realm_access.constructor')).toBeUndefined();
    expect(readClaimPath(claims, '__proto__')).toBeUndefined();
    expect(readClaimPath(claims, 'toString')).toBeUndefined();
  });
});

describe('mapClaimsToIdentity', () => {
  it('takes the first array role value that maps, through nested paths', () => {
    const identity = mapClaimsToIdentity(
      {
        ...base,
        resource_access: { signalbox: { roles: ['unknown', 'sb-team-lead', 'sb-admin'] } },
      },
      settings,
    );
    expect(identity).toMatchObject({ role: 'team_admin', roleSource: 'claim' });
  });

  it('accepts a single string role and ignores unmapped Signalbox role names when a map is set', () => {
    expect(
      mapClaimsToIdentity(
        { ...base, resource_access: { signalbox: { roles: 'sb-admin' } } },
        settings,
      ),
    ).toMatchObject({ role: 'admin' });
    // "admin" is a Signalbox role name, but the operator's map does not list it.
    expect(
      mapClaimsToIdentity(
        { ...base, resource_access: { signalbox: { roles: ['admin'] } } },
        settings,
      ),
    ).toMatchObject({ role: 'member', roleSource: 'default' });
  });

  it('takes the first string of an array team claim and ignores an empty array', () => {
    expect(
      mapClaimsToIdentity({ ...base, groups: [{}, 'platform', 'ml'] }, settings),
    ).toMatchObject({
      team: 'platform',
    });
    expect(mapClaimsToIdentity({ ...base, groups: [] }, settings)).toMatchObject({
      team: undefined,
    });
  });

  it('refuses a present but unusable team claim rather than dropping it', () => {
    expect(mapClaimsToIdentity({ ...base, groups: { name: 'x' } }, settings)).toMatchObject({
      ok: false,
      reason: 'invalid-claim',
    });
  });

  it('refuses a token without a usable sub', () => {
    expect(mapClaimsToIdentity({ ...base, sub: '' }, settings)).toMatchObject({
      ok: false,
      reason: 'missing-claim',
    });
  });

  it('returns a frozen identity', () => {
    expect(Object.isFrozen(mapClaimsToIdentity(base, settings))).toBe(true);
  });
});
