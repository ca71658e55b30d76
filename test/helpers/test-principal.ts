import type { Principal } from '../../src/pipeline/identity/principal.ts';

/**
 * A caller for tests: an admin key (`key1`) of organisation `acme`, in no team, with no user, tags
 * or limits; `overrides` change any of it.
 */
export function testPrincipal(overrides: Partial<Principal> = {}): Principal {
  return {
    role: 'admin',
    org: 'acme',
    userId: undefined,
    agent: 'key1',
    keyId: 'key1',
    keyName: 'key1',
    team: undefined,
    tags: [],
    allowedModels: null,
    allowedRoutes: null,
    maxOutputTokens: null,
    expiresAt: null,
    ...overrides,
  };
}
