import { GatewayError } from '../../errors/gateway-error.ts';
import type { Clock } from '../../lib/clock.ts';
import type {
  DirectoryStore,
  KeyMetadata,
  KeyRole,
  UserRecord,
  VirtualKeyRecord,
} from '../../storage/ports.ts';
import {
  canManageKey,
  canReadKey,
  isPlatformAdmin,
  resolveActingOrg,
  type Refusal,
} from './authorisation.ts';
import { findKeyGrantExcess, findOwnerMismatch } from './grant-limits.ts';
import type { Principal } from './principal.ts';
import { toKeyView, type KeyView, type VirtualKeyService } from './virtual-key-service.ts';

/** A request to create a virtual key, as validated (shape only) by the admin API. */
export interface CreateKeyRequest {
  readonly name: string;
  /** Undefined: the caller's own model list. */
  readonly models?: readonly string[] | null | undefined;
  readonly routes?: readonly string[] | null | undefined;
  readonly maxOutputTokens?: number | null | undefined;
  readonly expiresAt?: number | null | undefined;
  /** Undefined: the caller's own team (none for an admin). */
  readonly team?: string | null | undefined;
  readonly tags?: readonly string[] | undefined;
  /** Undefined: `member` when the key has an owner, else `service`. */
  readonly role?: KeyRole | undefined;
  /** A user id in the acting organisation; undefined: the caller itself for a member, else none. */
  readonly owner?: string | null | undefined;
  readonly metadata?: KeyMetadata | undefined;
  /** Only a platform admin may name another organisation. */
  readonly org?: string | undefined;
}

/** The fields of a key that may change; undefined leaves a field as it is. */
export interface UpdateKeyRequest {
  readonly name?: string | undefined;
  readonly models?: readonly string[] | null | undefined;
  readonly routes?: readonly string[] | null | undefined;
  readonly maxOutputTokens?: number | null | undefined;
  readonly expiresAt?: number | null | undefined;
  readonly tags?: readonly string[] | undefined;
  readonly metadata?: KeyMetadata | undefined;
}

/** Filters of a key listing; all given must match. */
export interface ListKeysRequest {
  readonly includeRevoked: boolean;
  readonly org?: string | undefined;
  readonly team?: string | undefined;
  readonly owner?: string | undefined;
}

function refuse(refusal: Refusal): never {
  throw new GatewayError('SB_ERR_AUTH_FORBIDDEN', { param: refusal.param, detail: refusal.detail });
}

/** The acting organisation, or a 400 naming `org` (only platform admins may choose one). */
export function actingOrgOrThrow(caller: Principal, requested: string | undefined): string {
  const org = resolveActingOrg(caller, requested);
  if (org === undefined) {
    throw new GatewayError('SB_ERR_REQUEST_INVALID', {
      param: 'org',
      detail: '`org` may be given only by a platform admin.',
    });
  }
  return org;
}

/**
 * Key administration on behalf of a caller: every lookup scoped to the caller's organisation (a
 * key it may not see answers "not found"), and every written field checked against the caller's
 * own rights (`grant-limits.ts`), so no key is ever more privileged than its creator. Throws
 * `GatewayError` (400, 403, 404) on refusal.
 */
export class KeyAdministration {
  readonly #keys: VirtualKeyService;
  readonly #directory: DirectoryStore;
  readonly #clock: Clock;

  constructor(keys: VirtualKeyService, directory: DirectoryStore, clock: Clock) {
    this.#keys = keys;
    this.#directory = directory;
    this.#clock = clock;
  }

  async create(
    caller: Principal,
    request: CreateKeyRequest,
  ): Promise<{ readonly key: string; readonly view: KeyView }> {
    const org = actingOrgOrThrow(caller, request.org);
    if (org !== caller.org && (await this.#directory.findOrganisation(org)) === undefined) {
      throw new GatewayError('SB_ERR_REQUEST_INVALID', {
        param: 'org',
        detail: `There is no organisation \`${org}\`.`,
      });
    }
    const owner = await this.#findOwner(caller, org, request.owner);
    // A member only ever makes member keys for itself; others default to a service key.
    const role =
      request.role ?? (owner === null && caller.role !== 'member' ? 'service' : 'member');
    const team =
      request.team === undefined
        ? caller.role === 'admin'
          ? null
          : (caller.team ?? null)
        : request.team;
    const grant = {
      role,
      team,
      owner,
      allowedModels: request.models === undefined ? caller.allowedModels : request.models,
      allowedRoutes: request.routes === undefined ? caller.allowedRoutes : request.routes,
      maxOutputTokens:
        request.maxOutputTokens === undefined ? caller.maxOutputTokens : request.maxOutputTokens,
      expiresAt: request.expiresAt === undefined ? caller.expiresAt : request.expiresAt,
      tags: request.tags ?? [],
    };
    if (role === 'team_admin' && team === null) {
      throw new GatewayError('SB_ERR_REQUEST_INVALID', {
        param: 'team',
        detail: 'A team_admin key needs the `team` it administers.',
      });
    }
    const excess = findKeyGrantExcess(caller, grant) ?? findOwnerMismatch(role, team, owner);
    if (excess !== undefined) {
      refuse(excess);
    }
    if (team !== null && (await this.#directory.findTeam(org, team)) === undefined) {
      // Keys named teams before teams were objects: a team named on a key exists from then on.
      await this.#directory
        .insertTeam({ org, id: team, name: team, createdAt: this.#clock.now() })
        .catch(async (error: unknown) => {
          if ((await this.#directory.findTeam(org, team)) === undefined) {
            throw error;
          }
        });
    }
    return this.#keys.create({
      name: request.name,
      role,
      org,
      team,
      ownerUser: owner?.id ?? null,
      allowedModels: grant.allowedModels,
      allowedRoutes: grant.allowedRoutes,
      maxOutputTokens: grant.maxOutputTokens,
      expiresAt: grant.expiresAt,
      tags: grant.tags,
      metadata: request.metadata ?? {},
      createdBy: caller.keyId,
    });
  }

  async list(caller: Principal, request: ListKeysRequest): Promise<KeyView[]> {
    const org = actingOrgOrThrow(caller, request.org);
    const records = await this.#keys.listRecords({
      includeRevoked: request.includeRevoked,
      org,
      ...(request.team === undefined ? {} : { team: request.team }),
      ...(request.owner === undefined ? {} : { ownerUser: request.owner }),
    });
    return records.filter((record) => canReadKey(caller, record)).map(toKeyView);
  }

  async get(caller: Principal, id: string): Promise<KeyView | undefined> {
    const record = await this.#visible(caller, id);
    return record === undefined ? undefined : toKeyView(record);
  }

  /** Resolves the changed key, or undefined when the caller sees no such active key. */
  async update(
    caller: Principal,
    id: string,
    request: UpdateKeyRequest,
  ): Promise<KeyView | undefined> {
    const record = await this.#manageable(caller, id);
    if (record?.revokedAt !== null) {
      return undefined;
    }
    const excess = findKeyGrantExcess(caller, {
      ...(request.models === undefined ? {} : { allowedModels: request.models }),
      ...(request.routes === undefined ? {} : { allowedRoutes: request.routes }),
      ...(request.maxOutputTokens === undefined
        ? {}
        : { maxOutputTokens: request.maxOutputTokens }),
      ...(request.expiresAt === undefined ? {} : { expiresAt: request.expiresAt }),
      ...(request.tags === undefined ? {} : { tags: request.tags }),
    });
    if (excess !== undefined) {
      refuse(excess);
    }
    const updated = await this.#keys.update(id, {
      ...(request.name === undefined ? {} : { name: request.name }),
      ...(request.models === undefined ? {} : { allowedModels: request.models }),
      ...(request.routes === undefined ? {} : { allowedRoutes: request.routes }),
      ...(request.maxOutputTokens === undefined
        ? {}
        : { maxOutputTokens: request.maxOutputTokens }),
      ...(request.expiresAt === undefined ? {} : { expiresAt: request.expiresAt }),
      ...(request.tags === undefined ? {} : { tags: request.tags }),
      ...(request.metadata === undefined ? {} : { metadata: request.metadata }),
    });
    return updated === undefined ? undefined : toKeyView(updated);
  }

  /** Resolves the revoked key, or undefined when the caller sees no such key. */
  async revoke(caller: Principal, id: string): Promise<KeyView | undefined> {
    const record = await this.#manageable(caller, id);
    if (record === undefined) {
      return undefined;
    }
    await this.#keys.revoke(id);
    const after = await this.#keys.find(id);
    return after === undefined ? undefined : toKeyView(after);
  }

  /** The key if the caller may see it; another tenant's key is as absent as a missing one. */
  async #visible(caller: Principal, id: string): Promise<VirtualKeyRecord | undefined> {
    const record = await this.#keys.find(id);
    return record !== undefined && canReadKey(caller, record) ? record : undefined;
  }

  /** The key if the caller may change it; 403 when it may only read it. */
  async #manageable(caller: Principal, id: string): Promise<VirtualKeyRecord | undefined> {
    const record = await this.#visible(caller, id);
    if (record !== undefined && !canManageKey(caller, record)) {
      refuse({ param: 'id', detail: `A ${caller.role} key may not change this key.` });
    }
    return record;
  }

  /** The owner named in a create request, checked to be in the acting organisation. */
  async #findOwner(
    caller: Principal,
    org: string,
    requested: string | null | undefined,
  ): Promise<UserRecord | null> {
    const id =
      requested === undefined ? (caller.role === 'member' ? caller.userId : undefined) : requested;
    if (id === undefined) {
      if (caller.role === 'member') {
        refuse({
          param: 'owner',
          detail: 'This member key belongs to no user, so it cannot create keys.',
        });
      }
      return null;
    }
    if (id === null) {
      return null;
    }
    const user = await this.#directory.findUser(id);
    if (user?.org !== org || (!isPlatformAdmin(caller) && user.org !== caller.org)) {
      throw new GatewayError('SB_ERR_REQUEST_INVALID', {
        param: 'owner',
        detail: `There is no user \`${id}\` in this organisation.`,
      });
    }
    return user;
  }
}
