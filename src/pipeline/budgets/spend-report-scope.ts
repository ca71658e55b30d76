import type { SpendQuery } from '../../storage/ports.ts';
import { isPlatformAdmin } from '../identity/authorisation.ts';
import type { Principal } from '../identity/principal.ts';

/** Spend report filters a caller asks for. */
export type SpendFilters = SpendQuery['filters'];

/**
 * The filters a caller's spend report really runs with: its own organisation always (a platform
 * admin may name another), its team for team admins and team viewers, and its own spend for
 * members (its user, or its key when it has no user). A filter that asks for more than the caller
 * may see is replaced, not widened, so another tenant's spend reads as none: existence does not
 * leak. Pure.
 */
export function scopeSpendFilters(principal: Principal, requested: SpendFilters): SpendFilters {
  const scoped: { -readonly [Name in keyof SpendFilters]: SpendFilters[Name] } = { ...requested };
  if (!isPlatformAdmin(principal) || requested.org === undefined) {
    scoped.org = principal.org;
  }
  switch (principal.role) {
    case 'admin':
      break;
    case 'team_admin':
    case 'viewer':
      if (principal.team !== undefined) scoped.team = principal.team;
      break;
    case 'member':
    case 'service':
      if (principal.userId === undefined) {
        scoped.key = principal.keyId;
      } else {
        scoped.user = principal.userId;
      }
      break;
  }
  return scoped;
}
