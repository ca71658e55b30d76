import { describe, expect, it } from 'vitest';
import type { KeyRole, UserRecord, VirtualKeyRecord } from '../../storage/ports.ts';
import {
  canManageKey,
  canReadKey,
  canReadUser,
  checkAdminRoute,
  checkModelRoute,
  grantableKeyRoles,
  isPlatformAdmin,
  resolveActingOrg,
} from './authorisation.ts';
import {
  findKeyGrantExcess,
  findOwnerMismatch,
  findUserGrantExcess,
  modelsWithin,
} from './grant-limits.ts';
import type { Principal } from './principal.ts';

function principal(role: KeyRole, overrides: Partial<Principal> = {}): Principal {
  return {
    role,
    org: 'acme',
    userId: `usr_${role}`,
    agent: `key_${role}`,
    keyId: `key_${role}`,
    keyName: role,
    team: role === 'admin' ? undefined : 'payments',
    tags: [],
    allowedModels: null,
    allowedRoutes: null,
    maxOutputTokens: null,
    expiresAt: null,
    ...overrides,
  };
}

function key(overrides: Partial<VirtualKeyRecord> = {}): VirtualKeyRecord {
  return {
    id: 'target000000',
    name: 'target',
    role: 'service',
    secretHash: Buffer.alloc(32),
    allowedModels: null,
    team: 'payments',
    tags: [],
    createdAt: 1,
    expiresAt: null,
    revokedAt: null,
    org: 'acme',
    ownerUser: null,
    allowedRoutes: null,
    maxOutputTokens: null,
    metadata: {},
    createdBy: 'test',
    ...overrides,
  };
}

function user(overrides: Partial<UserRecord> = {}): UserRecord {
  return {
    id: 'usr_someone',
    org: 'acme',
    email: 'a@b.c',
    name: 'a',
    role: 'member',
    teams: ['payments'],
    createdAt: 1,
    ...overrides,
  };
}

describe('route access by role', () => {
  it.each([
    ['admin', true, true],
    ['team_admin', true, true],
    ['member', true, true],
    ['viewer', false, true],
    ['service', true, false],
  ] as const)('%s: model routes %s, admin reads %s', (role, model, adminRead) => {
    expect(checkModelRoute(principal(role), 'chat') === undefined).toBe(model);
    expect(checkAdminRoute(principal(role), 'GET') === undefined).toBe(adminRead);
  });

  it('refuses writes to viewers and routes a key does not list', () => {
    expect(checkAdminRoute(principal('viewer'), 'POST')).toMatch(/only read/);
    expect(checkModelRoute(principal('member', { allowedRoutes: ['chat'] }), 'embeddings')).toMatch(
      /`embeddings`/,
    );
    expect(checkModelRoute(principal('member', { allowedRoutes: [] }), 'chat')).toMatch(/none/);
  });

  it('makes only admins of default platform admins, and lets only them name another org', () => {
    expect(isPlatformAdmin(principal('admin', { org: 'default' }))).toBe(true);
    expect(isPlatformAdmin(principal('admin'))).toBe(false);
    expect(resolveActingOrg(principal('admin'), 'globex')).toBeUndefined();
    expect(resolveActingOrg(principal('admin'), 'acme')).toBe('acme');
    expect(resolveActingOrg(principal('admin', { org: 'default' }), 'globex')).toBe('globex');
  });
});

describe('object scope', () => {
  it('hides every object of another organisation, whatever the role', () => {
    for (const role of ['admin', 'team_admin', 'member', 'viewer', 'service'] as const) {
      expect(canReadKey(principal(role), key({ org: 'globex' }))).toBe(false);
      expect(canReadUser(principal(role), user({ org: 'globex' }))).toBe(false);
    }
  });

  it('scopes team_admins to their team and members to their own keys', () => {
    expect(canReadKey(principal('team_admin'), key({ team: 'ml' }))).toBe(false);
    expect(canManageKey(principal('team_admin'), key({ role: 'admin' }))).toBe(false);
    expect(canManageKey(principal('team_admin'), key())).toBe(true);
    expect(canReadKey(principal('member'), key())).toBe(false);
    expect(
      canManageKey(principal('member'), key({ ownerUser: 'usr_member', role: 'member' })),
    ).toBe(true);
    expect(canManageKey(principal('viewer', { team: undefined }), key())).toBe(false);
    expect(canReadKey(principal('viewer', { team: undefined }), key())).toBe(true);
  });
});

describe('grants never exceed the creator', () => {
  it('keeps model lists within the creator list', () => {
    expect(modelsWithin(['openai/gpt-4o'], ['openai/*'])).toBe(true);
    expect(modelsWithin(['openai/*'], ['openai/*'])).toBe(true);
    expect(modelsWithin(['*'], ['openai/*'])).toBe(false);
    expect(modelsWithin(null, ['fast'])).toBe(false);
    expect(modelsWithin(['slow'], ['fast'])).toBe(false);
    expect(modelsWithin(null, null)).toBe(true);
  });

  it.each([
    [{ role: 'admin' }, 'role'],
    [{ allowedModels: null }, 'models'],
    [{ allowedRoutes: null }, 'routes'],
    [{ maxOutputTokens: 11 }, 'max_output_tokens'],
    [{ expiresAt: 6 }, 'expires_at'],
    [{ expiresAt: null }, 'expires_at'],
    [{ tags: ['vip'] }, 'tags'],
    [{ team: 'ml' }, 'team'],
    [{ owner: user({ id: 'usr_other' }) }, 'owner'],
  ] as const)('refuses a member %j (naming %s)', (grant, param) => {
    const creator = principal('member', {
      allowedModels: ['fast'],
      allowedRoutes: ['chat'],
      maxOutputTokens: 10,
      expiresAt: 5,
    });
    expect(findKeyGrantExcess(creator, grant)?.param).toBe(param);
  });

  it('lets an admin grant anything, and lists grantable roles by rank', () => {
    expect(findKeyGrantExcess(principal('admin'), { role: 'admin', team: 'ml', tags: ['x'] })).toBe(
      undefined,
    );
    expect(grantableKeyRoles(principal('team_admin'))).not.toContain('admin');
    expect(grantableKeyRoles(principal('viewer'))).toEqual([]);
  });

  it('keeps keys within their owner', () => {
    expect(findOwnerMismatch('admin', 'payments', user())?.param).toBe('role');
    expect(findOwnerMismatch('member', 'ml', user())?.param).toBe('team');
    expect(findOwnerMismatch('service', null, user())?.param).toBe('owner');
    expect(findOwnerMismatch('member', 'payments', user())).toBeUndefined();
  });

  it('refuses self-promotion and team_admins reaching past their team', () => {
    const self = user({ id: 'usr_member' });
    expect(findUserGrantExcess(principal('member'), { target: self, role: 'admin' })?.param).toBe(
      'role',
    );
    expect(
      findUserGrantExcess(principal('member'), { target: self, profile: true }),
    ).toBeUndefined();
    const lead = principal('team_admin');
    expect(findUserGrantExcess(lead, { role: 'admin', teams: ['payments'] })?.param).toBe('role');
    expect(findUserGrantExcess(lead, { role: 'member', teams: ['ml'] })?.param).toBe('teams');
    expect(findUserGrantExcess(lead, { target: user(), teams: ['payments', 'ml'] })?.param).toBe(
      'teams',
    );
    expect(findUserGrantExcess(lead, { target: user(), teams: [] })).toBeUndefined();
  });
});
