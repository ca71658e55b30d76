import { defaultOrganisationId } from '../../storage/ports.ts';
import type { KeyRole, TeamRecord, UserRecord, VirtualKeyRecord } from '../../storage/ports.ts';
import type { Principal } from './principal.ts';

/**
 * Every authorisation rule of the gateway, in one place. Pure functions of the caller's
 * principal and the object concerned; callers turn a refusal into an error. Objects of another
 * organisation are simply invisible (callers answer 404, never 403, so existence does not leak).
 *
 * | role         | model routes | admin API reads              | admin API writes                 |
 * |--------------|--------------|------------------------------|----------------------------------|
 * | `admin`      | yes          | its organisation             | its organisation                 |
 * | `team_admin` | yes          | its team (and itself)        | its team's users and keys        |
 * | `member`     | yes          | itself and its own keys      | its own keys, its name and email |
 * | `viewer`     | no           | its team, or its organisation when it has no team | none |
 * | `service`    | yes          | none                         | none                             |
 *
 * A platform admin (SIGNALBOX_ADMIN_KEY, or an `admin` key of the organisation `default`) may
 * also create organisations and act in any organisation.
 */

/** Model route names a key's `allowed_routes` may list, one per family of model endpoints. */
export const modelRouteNames = [
  'chat',
  'responses',
  'messages',
  'embeddings',
  'models',
  'route',
] as const;

export type ModelRouteName = (typeof modelRouteNames)[number];

/** Every role, most powerful first. */
export const keyRoles = [
  'admin',
  'team_admin',
  'member',
  'viewer',
  'service',
] as const satisfies readonly KeyRole[];

/** Rank for "not more privileged than": `service` ranks lowest (it administers nothing). */
const roleRank: Readonly<Record<KeyRole, number>> = {
  admin: 4,
  team_admin: 3,
  member: 2,
  viewer: 1,
  service: 0,
};

/** Why something was refused: the field concerned (or `(body)`) and a sentence for the client. */
export interface Refusal {
  readonly param: string;
  readonly detail: string;
}

/** Whether the caller administers the whole install: organisations, deployments, every tenant. */
export function isPlatformAdmin(principal: Principal): boolean {
  return principal.role === 'admin' && principal.org === defaultOrganisationId;
}

/** Whether the caller may read install-wide state (`GET /admin/deployments`). */
export function canReadPlatform(principal: Principal): boolean {
  return (
    isPlatformAdmin(principal) ||
    (principal.role === 'viewer' &&
      principal.org === defaultOrganisationId &&
      principal.team === undefined)
  );
}

/** The refusal for a model route (`chat`, `messages`, ...), or undefined when allowed. */
export function checkModelRoute(principal: Principal, route: ModelRouteName): string | undefined {
  if (principal.role === 'viewer') {
    return 'Viewer keys may only read the admin API; model routes need an admin, team_admin, member or service key.';
  }
  if (principal.allowedRoutes !== null && !principal.allowedRoutes.includes(route)) {
    const allowed =
      principal.allowedRoutes.length === 0 ? 'none' : principal.allowedRoutes.join(', ');
    return `This key may not call the \`${route}\` route (allowed routes: ${allowed}).`;
  }
  return undefined;
}

/** The refusal for an admin route before any object is looked at, or undefined when allowed. */
export function checkAdminRoute(principal: Principal, method: string): string | undefined {
  if (principal.role === 'service') {
    return 'Service keys call model routes only; the admin API needs an admin, team_admin, member or viewer key.';
  }
  if (principal.role === 'viewer' && method !== 'GET') {
    return 'Viewer keys may only read the admin API.';
  }
  return undefined;
}

/**
 * The organisation a request acts in: the caller's own, or, for a platform admin only, the one
 * it names (`org` in the body or query). Undefined when the caller may not name that one.
 */
export function resolveActingOrg(
  principal: Principal,
  requested: string | undefined,
): string | undefined {
  if (requested === undefined || requested === principal.org) {
    return principal.org;
  }
  return isPlatformAdmin(principal) ? requested : undefined;
}

function sameTenant(principal: Principal, org: string): boolean {
  return org === principal.org || isPlatformAdmin(principal);
}

/** Whether the caller may see an organisation. */
export function canReadOrganisation(principal: Principal, org: string): boolean {
  return principal.role !== 'service' && sameTenant(principal, org);
}

/** Whether the caller may rename an organisation. */
export function canManageOrganisation(principal: Principal, org: string): boolean {
  return principal.role === 'admin' && sameTenant(principal, org);
}

/** Whether the caller may see a team. */
export function canReadTeam(principal: Principal, team: TeamRecord): boolean {
  if (!sameTenant(principal, team.org) || principal.role === 'service') {
    return false;
  }
  if (principal.role === 'admin' || (principal.role === 'viewer' && principal.team === undefined)) {
    return true;
  }
  return principal.team === team.id;
}

/** Whether the caller may create teams (in an organisation it acts in). */
export function canCreateTeam(principal: Principal): boolean {
  return principal.role === 'admin';
}

/** Whether the caller may rename a team: an admin, or the team's own team_admin. */
export function canManageTeam(principal: Principal, team: TeamRecord): boolean {
  return (
    canReadTeam(principal, team) &&
    (principal.role === 'admin' || (principal.role === 'team_admin' && principal.team === team.id))
  );
}

/** Whether the caller may see a user. */
export function canReadUser(principal: Principal, user: UserRecord): boolean {
  if (!sameTenant(principal, user.org) || principal.role === 'service') {
    return false;
  }
  if (user.id === principal.userId) {
    return true;
  }
  switch (principal.role) {
    case 'admin':
      return true;
    case 'viewer':
    case 'team_admin':
      return principal.team === undefined
        ? principal.role === 'viewer'
        : user.teams.includes(principal.team);
    default:
      return false;
  }
}

/** Whether the caller may see a key (never its secret). */
export function canReadKey(principal: Principal, key: VirtualKeyRecord): boolean {
  if (!sameTenant(principal, key.org)) {
    return false;
  }
  if (key.id === principal.keyId) {
    return principal.role !== 'service';
  }
  switch (principal.role) {
    case 'admin':
      return true;
    case 'viewer':
      return principal.team === undefined || key.team === principal.team;
    case 'team_admin':
      return principal.team !== undefined && key.team === principal.team;
    case 'member':
      return principal.userId !== undefined && key.ownerUser === principal.userId;
    default:
      return false;
  }
}

/** Whether the caller may change or revoke a key: it sees it, and the key is not above it. */
export function canManageKey(principal: Principal, key: VirtualKeyRecord): boolean {
  return (
    principal.role !== 'viewer' &&
    principal.role !== 'service' &&
    canReadKey(principal, key) &&
    roleRank[key.role] <= roleRank[principal.role]
  );
}

/** The roles of keys the caller may create. */
export function grantableKeyRoles(principal: Principal): readonly KeyRole[] {
  switch (principal.role) {
    case 'admin':
      return keyRoles;
    case 'team_admin':
      return ['team_admin', 'member', 'viewer', 'service'];
    case 'member':
      return ['member', 'viewer'];
    default:
      return [];
  }
}

/** The roles of users the caller may create or set. */
export function grantableUserRoles(principal: Principal): readonly KeyRole[] {
  switch (principal.role) {
    case 'admin':
      return ['admin', 'team_admin', 'member', 'viewer'];
    case 'team_admin':
      return ['member', 'viewer'];
    default:
      return [];
  }
}

/** Whether `rank(role) <= rank(limit)`: a role no more privileged than another. */
export function isRoleWithin(role: KeyRole, limit: KeyRole): boolean {
  return roleRank[role] <= roleRank[limit];
}
