import type {
  DirectoryStore,
  OrganisationRecord,
  TeamRecord,
  UserChanges,
  UserRecord,
} from '../ports.ts';
import { defaultOrganisationId } from '../ports.ts';

function byId<Value extends { readonly id: string }>(left: Value, right: Value): number {
  return left.id < right.id ? -1 : left.id > right.id ? 1 : 0;
}

function withoutUndefined<Value extends object>(changes: Value): Partial<Value> {
  return Object.fromEntries(
    Object.entries(changes).filter(([, value]) => value !== undefined),
  ) as Partial<Value>;
}

/**
 * Organisations, teams and users in process memory, for tests and throwaway runs. Starts with
 * the organisation `default`, like the SQL backends after migration.
 */
export class MemoryDirectoryStore implements DirectoryStore {
  readonly #organisations = new Map<string, OrganisationRecord>([
    [defaultOrganisationId, { id: defaultOrganisationId, name: 'Default', createdAt: 0 }],
  ]);
  /** By `org` and `id` joined with a character neither may contain. */
  readonly #teams = new Map<string, TeamRecord>();
  readonly #users = new Map<string, UserRecord>();

  insertOrganisation(record: OrganisationRecord): Promise<void> {
    if (this.#organisations.has(record.id)) {
      return Promise.reject(new Error(`organisation ${record.id} already exists`));
    }
    this.#organisations.set(record.id, record);
    return Promise.resolve();
  }

  findOrganisation(id: string): Promise<OrganisationRecord | undefined> {
    return Promise.resolve(this.#organisations.get(id));
  }

  listOrganisations(): Promise<OrganisationRecord[]> {
    return Promise.resolve([...this.#organisations.values()].sort(byId));
  }

  renameOrganisation(id: string, name: string): Promise<OrganisationRecord | undefined> {
    const record = this.#organisations.get(id);
    if (record === undefined) {
      return Promise.resolve(undefined);
    }
    const renamed = { ...record, name };
    this.#organisations.set(id, renamed);
    return Promise.resolve(renamed);
  }

  insertTeam(record: TeamRecord): Promise<void> {
    const key = `${record.org}\n${record.id}`;
    if (!this.#organisations.has(record.org)) {
      return Promise.reject(new Error(`organisation ${record.org} does not exist`));
    }
    if (this.#teams.has(key)) {
      return Promise.reject(new Error(`team ${record.id} already exists`));
    }
    this.#teams.set(key, record);
    return Promise.resolve();
  }

  findTeam(org: string, id: string): Promise<TeamRecord | undefined> {
    return Promise.resolve(this.#teams.get(`${org}\n${id}`));
  }

  listTeams(org: string): Promise<TeamRecord[]> {
    return Promise.resolve([...this.#teams.values()].filter((team) => team.org === org).sort(byId));
  }

  renameTeam(org: string, id: string, name: string): Promise<TeamRecord | undefined> {
    const record = this.#teams.get(`${org}\n${id}`);
    if (record === undefined) {
      return Promise.resolve(undefined);
    }
    const renamed = { ...record, name };
    this.#teams.set(`${org}\n${id}`, renamed);
    return Promise.resolve(renamed);
  }

  insertUser(record: UserRecord): Promise<void> {
    if (!this.#organisations.has(record.org)) {
      return Promise.reject(new Error(`organisation ${record.org} does not exist`));
    }
    if (this.#users.has(record.id)) {
      return Promise.reject(new Error(`user ${record.id} already exists`));
    }
    this.#users.set(record.id, record);
    return Promise.resolve();
  }

  findUser(id: string): Promise<UserRecord | undefined> {
    return Promise.resolve(this.#users.get(id));
  }

  listUsers(org: string, filter: { readonly team?: string } = {}): Promise<UserRecord[]> {
    const team = filter.team;
    return Promise.resolve(
      [...this.#users.values()]
        .filter((user) => user.org === org && (team === undefined || user.teams.includes(team)))
        .sort((left, right) => left.createdAt - right.createdAt || byId(left, right)),
    );
  }

  updateUser(org: string, id: string, changes: UserChanges): Promise<UserRecord | undefined> {
    const record = this.#users.get(id);
    if (record?.org !== org) {
      return Promise.resolve(undefined);
    }
    const updated: UserRecord = { ...record, ...withoutUndefined(changes) };
    this.#users.set(id, updated);
    return Promise.resolve(updated);
  }
}
