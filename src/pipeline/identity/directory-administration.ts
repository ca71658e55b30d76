import { GatewayError } from '../../errors/gateway-error.ts';
import type { Clock } from '../../lib/clock.ts';
import { createRandomBase62 } from '../../lib/ids.ts';
import type {
  DirectoryStore,
  OrganisationRecord,
  TeamRecord,
  UserRecord,
  UserRole,
} from '../../storage/ports.ts';
import {
  canCreateTeam,
  canManageOrganisation,
  canManageTeam,
  canReadOrganisation,
  canReadTeam,
  canReadUser,
  isPlatformAdmin,
  type Refusal,
} from './authorisation.ts';
import { findOwnerMismatch, findUserGrantExcess } from './grant-limits.ts';
import { actingOrgOrThrow } from './key-administration.ts';
import type { Principal } from './principal.ts';
import type { VirtualKeyService } from './virtual-key-service.ts';

/** A user as shown to operators. */
export interface UserView {
  readonly id: string;
  readonly org: string;
  readonly email: string;
  readonly name: string;
  readonly role: UserRole;
  readonly teams: readonly string[];
  readonly created_at: string;
}

/** An organisation or a team as shown to operators. */
export interface OrganisationView {
  readonly id: string;
  readonly name: string;
  readonly created_at: string;
}

export interface TeamView extends OrganisationView {
  readonly org: string;
}

export interface CreateUserRequest {
  readonly email: string;
  readonly name: string;
  readonly role?: UserRole | undefined;
  readonly teams?: readonly string[] | undefined;
  readonly org?: string | undefined;
}

export interface UpdateUserRequest {
  readonly email?: string | undefined;
  readonly name?: string | undefined;
  readonly role?: UserRole | undefined;
  readonly teams?: readonly string[] | undefined;
}

const iso = (milliseconds: number): string => new Date(milliseconds).toISOString();

export const toUserView = (user: UserRecord): UserView => ({
  id: user.id,
  org: user.org,
  email: user.email,
  name: user.name,
  role: user.role,
  teams: user.teams,
  created_at: iso(user.createdAt),
});

const toOrganisationView = (org: OrganisationRecord): OrganisationView => ({
  id: org.id,
  name: org.name,
  created_at: iso(org.createdAt),
});

const toTeamView = (team: TeamRecord): TeamView => ({
  org: team.org,
  id: team.id,
  name: team.name,
  created_at: iso(team.createdAt),
});

function refuse(refusal: Refusal): never {
  throw new GatewayError('SB_ERR_AUTH_FORBIDDEN', { param: refusal.param, detail: refusal.detail });
}

function conflict(what: string, id: string): never {
  throw new GatewayError('SB_ERR_CONFLICT', { param: 'id', detail: `${what} \`${id}\` exists.` });
}

/**
 * Organisations, teams and users on behalf of a caller, with the same rules as keys: lookups
 * scoped to what the caller may see (anything else is "not found"), every written field checked
 * against the caller's rights. Lowering a user's role or teams revokes that user's keys that
 * would now exceed it, so no key outlives the rights it was made from. Throws `GatewayError`.
 */
export class DirectoryAdministration {
  readonly #directory: DirectoryStore;
  readonly #keys: VirtualKeyService;
  readonly #clock: Clock;

  constructor(directory: DirectoryStore, keys: VirtualKeyService, clock: Clock) {
    this.#directory = directory;
    this.#keys = keys;
    this.#clock = clock;
  }

  async createOrganisation(
    caller: Principal,
    request: { readonly id: string; readonly name: string },
  ): Promise<OrganisationView> {
    if (!isPlatformAdmin(caller)) {
      refuse({ param: '(body)', detail: 'Only a platform admin may create organisations.' });
    }
    if ((await this.#directory.findOrganisation(request.id)) !== undefined) {
      conflict('The organisation', request.id);
    }
    const record = { id: request.id, name: request.name, createdAt: this.#clock.now() };
    await this.#directory.insertOrganisation(record);
    return toOrganisationView(record);
  }

  async listOrganisations(caller: Principal): Promise<OrganisationView[]> {
    const all = isPlatformAdmin(caller)
      ? await this.#directory.listOrganisations()
      : [await this.#directory.findOrganisation(caller.org)].filter((org) => org !== undefined);
    return all.filter((org) => canReadOrganisation(caller, org.id)).map(toOrganisationView);
  }

  async getOrganisation(caller: Principal, id: string): Promise<OrganisationView | undefined> {
    if (!canReadOrganisation(caller, id)) {
      return undefined;
    }
    const record = await this.#directory.findOrganisation(id);
    return record === undefined ? undefined : toOrganisationView(record);
  }

  async renameOrganisation(
    caller: Principal,
    id: string,
    name: string,
  ): Promise<OrganisationView | undefined> {
    if (
      !canReadOrganisation(caller, id) ||
      (await this.#directory.findOrganisation(id)) === undefined
    ) {
      return undefined;
    }
    if (!canManageOrganisation(caller, id)) {
      refuse({ param: 'id', detail: 'Only an admin of the organisation may rename it.' });
    }
    const renamed = await this.#directory.renameOrganisation(id, name);
    return renamed === undefined ? undefined : toOrganisationView(renamed);
  }

  async createTeam(
    caller: Principal,
    request: { readonly id: string; readonly name: string; readonly org?: string | undefined },
  ): Promise<TeamView> {
    const org = await this.#existingActingOrg(caller, request.org);
    if (!canCreateTeam(caller)) {
      refuse({ param: '(body)', detail: 'Only an admin may create teams.' });
    }
    if ((await this.#directory.findTeam(org, request.id)) !== undefined) {
      conflict('The team', request.id);
    }
    const record = { org, id: request.id, name: request.name, createdAt: this.#clock.now() };
    await this.#directory.insertTeam(record);
    return toTeamView(record);
  }

  async listTeams(caller: Principal, requestedOrg: string | undefined): Promise<TeamView[]> {
    const org = actingOrgOrThrow(caller, requestedOrg);
    const teams = await this.#directory.listTeams(org);
    return teams.filter((team) => canReadTeam(caller, team)).map(toTeamView);
  }

  async getTeam(
    caller: Principal,
    id: string,
    requestedOrg: string | undefined,
  ): Promise<TeamView | undefined> {
    const team = await this.#visibleTeam(caller, id, requestedOrg);
    return team === undefined ? undefined : toTeamView(team);
  }

  async renameTeam(
    caller: Principal,
    id: string,
    name: string,
    requestedOrg: string | undefined,
  ): Promise<TeamView | undefined> {
    const team = await this.#visibleTeam(caller, id, requestedOrg);
    if (team === undefined) {
      return undefined;
    }
    if (!canManageTeam(caller, team)) {
      refuse({
        param: 'id',
        detail: "Only an admin, or the team's own team_admin, may rename a team.",
      });
    }
    const renamed = await this.#directory.renameTeam(team.org, team.id, name);
    return renamed === undefined ? undefined : toTeamView(renamed);
  }

  async createUser(caller: Principal, request: CreateUserRequest): Promise<UserView> {
    const org = await this.#existingActingOrg(caller, request.org);
    const role = request.role ?? 'member';
    const teams =
      request.teams ??
      (caller.role === 'team_admin' && caller.team !== undefined ? [caller.team] : []);
    const excess =
      caller.role === 'member'
        ? { param: '(body)', detail: 'A member may not create users.' }
        : findUserGrantExcess(caller, { role, teams });
    if (excess !== undefined) {
      refuse(excess);
    }
    await this.#checkTeamsExist(org, teams);
    const record: UserRecord = {
      id: `usr_${createRandomBase62(16)}`,
      org,
      email: request.email,
      name: request.name,
      role,
      teams: [...new Set(teams)].sort(),
      createdAt: this.#clock.now(),
    };
    await this.#directory.insertUser(record);
    return toUserView(record);
  }

  async listUsers(
    caller: Principal,
    filter: { readonly org?: string | undefined; readonly team?: string | undefined },
  ): Promise<UserView[]> {
    const org = actingOrgOrThrow(caller, filter.org);
    const users = await this.#directory.listUsers(
      org,
      filter.team === undefined ? {} : { team: filter.team },
    );
    return users.filter((user) => canReadUser(caller, user)).map(toUserView);
  }

  async getUser(caller: Principal, id: string): Promise<UserView | undefined> {
    const user = await this.#visibleUser(caller, id);
    return user === undefined ? undefined : toUserView(user);
  }

  /**
   * Changes a user; resolves undefined when the caller sees no such user. Keys of the user that
   * the change leaves above the user's rights are revoked, and listed in `revokedKeys`.
   */
  async updateUser(
    caller: Principal,
    id: string,
    request: UpdateUserRequest,
  ): Promise<{ readonly user: UserView; readonly revokedKeys: readonly string[] } | undefined> {
    const target = await this.#visibleUser(caller, id);
    if (target === undefined) {
      return undefined;
    }
    const excess = findUserGrantExcess(caller, {
      target,
      ...(request.role === undefined ? {} : { role: request.role }),
      ...(request.teams === undefined ? {} : { teams: request.teams }),
    });
    if (excess !== undefined) {
      refuse(excess);
    }
    if (request.teams !== undefined) {
      await this.#checkTeamsExist(target.org, request.teams);
    }
    const updated = await this.#directory.updateUser(target.org, target.id, {
      ...(request.email === undefined ? {} : { email: request.email }),
      ...(request.name === undefined ? {} : { name: request.name }),
      ...(request.role === undefined ? {} : { role: request.role }),
      ...(request.teams === undefined ? {} : { teams: [...new Set(request.teams)].sort() }),
    });
    if (updated === undefined) {
      return undefined;
    }
    const revokedKeys: string[] = [];
    for (const key of await this.#keys.listRecords({ org: updated.org, ownerUser: updated.id })) {
      if (findOwnerMismatch(key.role, key.team, updated) !== undefined) {
        await this.#keys.revoke(key.id);
        revokedKeys.push(key.id);
      }
    }
    return { user: toUserView(updated), revokedKeys };
  }

  async #existingActingOrg(caller: Principal, requested: string | undefined): Promise<string> {
    const org = actingOrgOrThrow(caller, requested);
    if (org !== caller.org && (await this.#directory.findOrganisation(org)) === undefined) {
      throw new GatewayError('SB_ERR_REQUEST_INVALID', {
        param: 'org',
        detail: `There is no organisation \`${org}\`.`,
      });
    }
    return org;
  }

  async #checkTeamsExist(org: string, teams: readonly string[]): Promise<void> {
    for (const [index, team] of teams.entries()) {
      if ((await this.#directory.findTeam(org, team)) === undefined) {
        throw new GatewayError('SB_ERR_REQUEST_INVALID', {
          param: `teams[${String(index)}]`,
          detail: `There is no team \`${team}\` in this organisation; create it with POST /admin/teams.`,
        });
      }
    }
  }

  async #visibleTeam(
    caller: Principal,
    id: string,
    requestedOrg: string | undefined,
  ): Promise<TeamRecord | undefined> {
    const org = actingOrgOrThrow(caller, requestedOrg);
    const team = await this.#directory.findTeam(org, id);
    return team !== undefined && canReadTeam(caller, team) ? team : undefined;
  }

  async #visibleUser(caller: Principal, id: string): Promise<UserRecord | undefined> {
    const user = await this.#directory.findUser(id);
    return user !== undefined && canReadUser(caller, user) ? user : undefined;
  }
}
