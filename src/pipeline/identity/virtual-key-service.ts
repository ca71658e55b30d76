import type { Clock } from '../../lib/clock.ts';
import { defaultOrganisationId } from '../../storage/ports.ts';
import type {
  KeyMetadata,
  KeyRole,
  VirtualKeyChanges,
  VirtualKeyFilter,
  VirtualKeyRecord,
  VirtualKeyStore,
} from '../../storage/ports.ts';
import type { KeyAuthenticator } from './key-authenticator.ts';
import { orderTags } from './key-labels.ts';
import { describeKey, mintVirtualKey } from './virtual-key-format.ts';

/** A key as shown to operators: never the secret, never its hash. */
export interface KeyView {
  readonly id: string;
  readonly display: string;
  readonly name: string;
  readonly role: KeyRole;
  readonly models: readonly string[] | null;
  readonly team: string | null;
  readonly tags: readonly string[];
  readonly org: string;
  /** The owning user's id, or null for service and unowned keys. */
  readonly owner: string | null;
  readonly routes: readonly string[] | null;
  readonly max_output_tokens: number | null;
  readonly metadata: KeyMetadata;
  readonly created_by: string;
  readonly created_at: string;
  readonly expires_at: string | null;
  readonly revoked_at: string | null;
}

export interface CreateKeyInput {
  readonly name: string;
  readonly allowedModels: readonly string[] | null;
  readonly expiresAt: number | null;
  readonly role?: KeyRole;
  /** A team id (see `key-labels.ts`); absent or null for none. */
  readonly team?: string | null;
  /** Tags (see `key-labels.ts`), in any order; absent for none. Stored sorted. */
  readonly tags?: readonly string[];
  /** Absent for `default`. */
  readonly org?: string;
  readonly ownerUser?: string | null;
  readonly allowedRoutes?: readonly string[] | null;
  readonly maxOutputTokens?: number | null;
  readonly metadata?: KeyMetadata;
  /** The creating principal's key id; absent for `cli` (keys made on the command line). */
  readonly createdBy?: string;
}

function isoOrNull(milliseconds: number | null): string | null {
  return milliseconds === null ? null : new Date(milliseconds).toISOString();
}

/** Turns a stored key into what operators see. */
export function toKeyView(record: VirtualKeyRecord): KeyView {
  return {
    id: record.id,
    display: describeKey(record.id),
    name: record.name,
    role: record.role,
    models: record.allowedModels,
    team: record.team,
    tags: record.tags,
    org: record.org,
    owner: record.ownerUser,
    routes: record.allowedRoutes,
    max_output_tokens: record.maxOutputTokens,
    metadata: record.metadata,
    created_by: record.createdBy,
    created_at: new Date(record.createdAt).toISOString(),
    expires_at: isoOrNull(record.expiresAt),
    revoked_at: isoOrNull(record.revokedAt),
  };
}

/**
 * Creating, listing and revoking virtual keys, shared by the admin API and the CLI. A created
 * key's text is returned once and not kept. Input is validated by the caller (team and tags with
 * `key-labels.ts`); tags are stored sorted.
 */
export class VirtualKeyService {
  readonly #store: VirtualKeyStore;
  readonly #clock: Clock;
  readonly #authenticator: KeyAuthenticator | undefined;

  constructor(store: VirtualKeyStore, clock: Clock, authenticator?: KeyAuthenticator) {
    this.#store = store;
    this.#clock = clock;
    this.#authenticator = authenticator;
  }

  async create(input: CreateKeyInput): Promise<{ readonly key: string; readonly view: KeyView }> {
    const minted = mintVirtualKey();
    const record: VirtualKeyRecord = {
      id: minted.id,
      name: input.name,
      role: input.role ?? 'service',
      secretHash: minted.secretHash,
      allowedModels: input.allowedModels,
      team: input.team ?? null,
      tags: orderTags(input.tags ?? []),
      createdAt: this.#clock.now(),
      expiresAt: input.expiresAt,
      revokedAt: null,
      org: input.org ?? defaultOrganisationId,
      ownerUser: input.ownerUser ?? null,
      allowedRoutes: input.allowedRoutes ?? null,
      maxOutputTokens: input.maxOutputTokens ?? null,
      metadata: input.metadata ?? {},
      createdBy: input.createdBy ?? 'cli',
    };
    await this.#store.insert(record);
    return { key: minted.text, view: toKeyView(record) };
  }

  async list(includeRevoked = false): Promise<KeyView[]> {
    return (await this.#store.list({ includeRevoked })).map(toKeyView);
  }

  /** Stored keys matching `filter` (for callers that check each one). */
  listRecords(filter: VirtualKeyFilter): Promise<VirtualKeyRecord[]> {
    return this.#store.list(filter);
  }

  async get(id: string): Promise<KeyView | undefined> {
    const record = await this.#store.findById(id);
    return record === undefined ? undefined : toKeyView(record);
  }

  /** The stored key (for callers that check it before showing or changing it). */
  find(id: string): Promise<VirtualKeyRecord | undefined> {
    return this.#store.findById(id);
  }

  /**
   * Changes an active key (tags are stored sorted); undefined when there is no such active key.
   * Takes effect at once here.
   */
  async update(id: string, changes: VirtualKeyChanges): Promise<VirtualKeyRecord | undefined> {
    const ordered =
      changes.tags === undefined ? changes : { ...changes, tags: orderTags(changes.tags) };
    const updated = await this.#store.update(id, ordered);
    this.#authenticator?.forget(id);
    return updated;
  }

  /** Revokes a key; false when it does not exist or was already revoked. Takes effect at once here. */
  async revoke(id: string): Promise<boolean> {
    const changed = await this.#store.revoke(id, this.#clock.now());
    this.#authenticator?.forget(id);
    return changed;
  }

  /**
   * Makes sure an admin key exists. Returns the text of a newly created one (to print once), or
   * undefined when one already existed.
   */
  async ensureAdminKey(): Promise<string | undefined> {
    const keys = await this.#store.list({ org: defaultOrganisationId });
    if (keys.some((key) => key.role === 'admin')) {
      return undefined;
    }
    return (
      await this.create({
        name: 'admin',
        allowedModels: null,
        expiresAt: null,
        role: 'admin',
        createdBy: 'bootstrap',
      })
    ).key;
  }

  /** Revokes every stored admin key and creates a new one, returning its text. */
  async rotateAdminKey(): Promise<string> {
    for (const key of await this.#store.list({ org: defaultOrganisationId })) {
      if (key.role === 'admin') {
        await this.revoke(key.id);
      }
    }
    return (
      await this.create({
        name: 'admin',
        allowedModels: null,
        expiresAt: null,
        role: 'admin',
        createdBy: 'bootstrap',
      })
    ).key;
  }
}
