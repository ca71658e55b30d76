import type { KeyRole, UserRecord } from '../../storage/ports.ts';
import {
  grantableKeyRoles,
  grantableUserRoles,
  isRoleWithin,
  type Refusal,
} from './authorisation.ts';
import type { Principal } from './principal.ts';

/**
 * "A key can never be more privileged than its creator": the checks of every writable field of a
 * key or a user against the caller's own rights. Pure; each returns the first excess found, or
 * undefined. Part of the authorisation rules (see `authorisation.ts`).
 */

/** What a created or changed key would hold; only the fields given are checked. */
export interface KeyGrant {
  readonly role?: KeyRole;
  readonly team?: string | null;
  /** The owner (already found in the acting organisation), or null for none. */
  readonly owner?: UserRecord | null;
  readonly allowedModels?: readonly string[] | null;
  readonly allowedRoutes?: readonly string[] | null;
  readonly maxOutputTokens?: number | null;
  readonly expiresAt?: number | null;
  readonly tags?: readonly string[];
}

/** Whether one model pattern admits everything `pattern` admits. Pure. */
function patternCovers(limit: string, pattern: string): boolean {
  if (limit === '*' || limit === pattern) {
    return true;
  }
  return limit.endsWith('/*') && pattern !== '*' && pattern.startsWith(limit.slice(0, -1));
}

/** Whether a model list admits no more than `limit` does (null means every model). Pure. */
export function modelsWithin(
  models: readonly string[] | null,
  limit: readonly string[] | null,
): boolean {
  if (limit === null) {
    return true;
  }
  return models?.every((pattern) => limit.some((entry) => patternCovers(entry, pattern))) === true;
}

function listWithin(values: readonly string[] | null, limit: readonly string[] | null): boolean {
  return limit === null || values?.every((value) => limit.includes(value)) === true;
}

function capWithin(value: number | null, limit: number | null): boolean {
  return limit === null || (value !== null && value <= limit);
}

const forbidden = (param: string, detail: string): Refusal => ({ param, detail });

/** The first field of `grant` that exceeds what `creator` may give, or undefined. */
export function findKeyGrantExcess(creator: Principal, grant: KeyGrant): Refusal | undefined {
  const isAdmin = creator.role === 'admin';
  if (grant.role !== undefined && !grantableKeyRoles(creator).includes(grant.role)) {
    return forbidden(
      'role',
      `A ${creator.role} key cannot create a key with the role \`${grant.role}\`.`,
    );
  }
  if (grant.team !== undefined && !isAdmin && grant.team !== (creator.team ?? null)) {
    return forbidden(
      'team',
      `A ${creator.role} key may create keys only in its own team (${creator.team ?? 'none'}).`,
    );
  }
  if (grant.owner !== undefined && grant.owner !== null && !isAdmin) {
    const owner = grant.owner;
    const ownTeam = creator.team;
    const allowed =
      creator.role === 'member'
        ? owner.id === creator.userId
        : ownTeam !== undefined &&
          owner.teams.includes(ownTeam) &&
          isRoleWithin(owner.role, creator.role);
    if (!allowed) {
      return forbidden(
        'owner',
        creator.role === 'member'
          ? 'A member may create keys only for itself.'
          : 'A team_admin may create keys only for users of its team, below admin.',
      );
    }
  }
  if (grant.owner === null && creator.role === 'member') {
    return forbidden('owner', 'A member may create keys only for itself.');
  }
  if (
    grant.allowedModels !== undefined &&
    !modelsWithin(grant.allowedModels, creator.allowedModels)
  ) {
    return forbidden(
      'models',
      `The models must stay within the caller's own: ${(creator.allowedModels ?? []).join(', ')}.`,
    );
  }
  if (
    grant.allowedRoutes !== undefined &&
    !listWithin(grant.allowedRoutes, creator.allowedRoutes)
  ) {
    return forbidden(
      'routes',
      `The routes must stay within the caller's own: ${(creator.allowedRoutes ?? []).join(', ')}.`,
    );
  }
  if (
    grant.maxOutputTokens !== undefined &&
    !capWithin(grant.maxOutputTokens, creator.maxOutputTokens)
  ) {
    return forbidden(
      'max_output_tokens',
      `\`max_output_tokens\` must be at most the caller's own cap of ${String(creator.maxOutputTokens)}.`,
    );
  }
  if (grant.expiresAt !== undefined && !capWithin(grant.expiresAt, creator.expiresAt)) {
    return forbidden(
      'expires_at',
      'A key may not outlive the key that creates it; set `expires_at` no later than its own.',
    );
  }
  if (
    grant.tags !== undefined &&
    !isAdmin &&
    !grant.tags.every((tag) => creator.tags.includes(tag))
  ) {
    return forbidden('tags', 'Only an admin may give tags the caller does not carry itself.');
  }
  return undefined;
}

/**
 * Whether a key fits its owner: not above the owner's role, in one of the owner's teams (any team
 * for an admin owner; none when the owner has none), and never a `service` key. Pure.
 */
export function findOwnerMismatch(
  role: KeyRole,
  team: string | null,
  owner: UserRecord | null,
): Refusal | undefined {
  if (owner === null) {
    return undefined;
  }
  if (role === 'service') {
    return forbidden('owner', 'Service keys stand for a workload, not a person: give no `owner`.');
  }
  if (!isRoleWithin(role, owner.role)) {
    return forbidden('role', `The key's role may not exceed its owner's (${owner.role}).`);
  }
  if (
    owner.role !== 'admin' &&
    (team === null ? owner.teams.length > 0 : !owner.teams.includes(team))
  ) {
    return forbidden(
      'team',
      `The key's team must be one of its owner's teams (${owner.teams.join(', ') || 'none'}).`,
    );
  }
  return undefined;
}

/** What a created or changed user would hold; `target` is the user as stored (absent on create). */
export interface UserGrant {
  readonly target?: UserRecord;
  readonly role?: KeyRole;
  readonly teams?: readonly string[];
  /** True when the name or email changes. */
  readonly profile?: boolean;
}

/** The first field of a user grant that exceeds what `caller` may do, or undefined. */
export function findUserGrantExcess(caller: Principal, grant: UserGrant): Refusal | undefined {
  const target = grant.target;
  const isSelf = target !== undefined && target.id === caller.userId;
  if (caller.role === 'admin') {
    return undefined;
  }
  if (caller.role === 'member' || isSelf) {
    if (!isSelf) {
      return forbidden('(body)', 'A member may change only its own name and email.');
    }
    if (grant.role !== undefined) {
      return forbidden('role', 'No one may change their own role.');
    }
    if (grant.teams !== undefined) {
      return forbidden('teams', 'No one but an admin may change their own teams.');
    }
    return undefined;
  }
  if (caller.role !== 'team_admin' || caller.team === undefined) {
    return forbidden('(body)', `A ${caller.role} key cannot manage users.`);
  }
  const team = caller.team;
  if (target !== undefined && !grantableUserRoles(caller).includes(target.role)) {
    return forbidden('(body)', 'A team_admin may manage only members and viewers of its team.');
  }
  if (grant.role !== undefined && !grantableUserRoles(caller).includes(grant.role)) {
    return forbidden(
      'role',
      `A team_admin may give only the roles member and viewer, not \`${grant.role}\`.`,
    );
  }
  if (grant.teams !== undefined) {
    const before = new Set(target?.teams ?? []);
    const after = new Set(grant.teams);
    const changed = [...before, ...after].filter((entry) => before.has(entry) !== after.has(entry));
    if (changed.some((entry) => entry !== team) || (target === undefined && !after.has(team))) {
      return forbidden(
        'teams',
        `A team_admin may add users to, or remove them from, only its own team (${team}).`,
      );
    }
  }
  return undefined;
}
