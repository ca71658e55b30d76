import { describe, expect, it } from 'vitest';
import { testPrincipal } from '../../../test/helpers/test-principal.ts';
import type { Principal } from '../identity/principal.ts';
import { scopeSpendFilters } from './spend-report-scope.ts';

function principal(overrides: Partial<Principal>): Principal {
  return testPrincipal({ keyName: 'k', ...overrides });
}

describe('scopeSpendFilters', () => {
  it('keeps an organisation admin in its organisation whatever it asks', () => {
    expect(scopeSpendFilters(principal({}), { org: 'other', team: 'x' })).toEqual({
      org: 'acme',
      team: 'x',
    });
  });

  it('lets a platform admin name any organisation', () => {
    const platform = principal({ org: 'default' });
    expect(scopeSpendFilters(platform, { org: 'acme' })).toEqual({ org: 'acme' });
    expect(scopeSpendFilters(platform, {})).toEqual({ org: 'default' });
  });

  it('pins team admins and team viewers to their team', () => {
    for (const role of ['team_admin', 'viewer'] as const) {
      expect(scopeSpendFilters(principal({ role, team: 'alpha' }), { team: 'beta' })).toEqual({
        org: 'acme',
        team: 'alpha',
      });
    }
  });

  it('shows members only their own spend', () => {
    expect(
      scopeSpendFilters(principal({ role: 'member', userId: 'ada' }), { user: 'bob', key: 'k9' }),
    ).toEqual({ org: 'acme', user: 'ada', key: 'k9' });
    expect(scopeSpendFilters(principal({ role: 'member' }), { key: 'k9' })).toEqual({
      org: 'acme',
      key: 'key1',
    });
  });
});
