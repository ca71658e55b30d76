import type { DatabaseSync } from 'node:sqlite';
import { safeParseJson } from '../../lib/json.ts';
import { readStringList } from '../key-row-values.ts';
import { retryWhileLocked } from './sqlite-locked.ts';
import type {
  DirectoryStore,
  OrganisationRecord,
  TeamRecord,
  UserChanges,
  UserRecord,
  UserRole,
} from '../ports.ts';

interface OrganisationRow {
  id: string;
  name: string;
  created_at: number;
}

interface TeamRow extends OrganisationRow {
  org: string;
}

interface UserRow {
  id: string;
  org: string;
  email: string;
  name: string;
  role: string;
  teams: string;
  created_at: number;
}

const toOrganisation = (row: OrganisationRow): OrganisationRecord => ({
  id: row.id,
  name: row.name,
  createdAt: row.created_at,
});

const toTeam = (row: TeamRow): TeamRecord => ({
  org: row.org,
  id: row.id,
  name: row.name,
  createdAt: row.created_at,
});

function toUser(row: UserRow): UserRecord {
  const teams = safeParseJson(row.teams);
  return {
    id: row.id,
    org: row.org,
    email: row.email,
    name: row.name,
    role: row.role as UserRole,
    teams: readStringList(teams.ok ? teams.value : undefined),
    createdAt: row.created_at,
  };
}

/**
 * Organisations, teams and users in the embedded SQLite database; parameterised statements only.
 * Writes wait for another connection's lock on timers (`retryWhileLocked`), not inside SQLite.
 */
export class SqliteDirectoryStore implements DirectoryStore {
  readonly #database: DatabaseSync;

  constructor(database: DatabaseSync) {
    this.#database = database;
  }

  insertOrganisation(record: OrganisationRecord): Promise<void> {
    return retryWhileLocked(() => {
      this.#database
        .prepare('INSERT INTO organisations (id, name, created_at) VALUES (?, ?, ?)')
        .run(record.id, record.name, record.createdAt);
    });
  }

  findOrganisation(id: string): Promise<OrganisationRecord | undefined> {
    const row = this.#database.prepare('SELECT * FROM organisations WHERE id = ?').get(id) as
      OrganisationRow | undefined;
    return Promise.resolve(row === undefined ? undefined : toOrganisation(row));
  }

  listOrganisations(): Promise<OrganisationRecord[]> {
    const rows = this.#database
      .prepare('SELECT * FROM organisations ORDER BY id')
      .all() as unknown as OrganisationRow[];
    return Promise.resolve(rows.map(toOrganisation));
  }

  renameOrganisation(id: string, name: string): Promise<OrganisationRecord | undefined> {
    return retryWhileLocked(() => {
      const row = this.#database
        .prepare('UPDATE organisations SET name = ? WHERE id = ? RETURNING *')
        .get(name, id) as OrganisationRow | undefined;
      return row === undefined ? undefined : toOrganisation(row);
    });
  }

  insertTeam(record: TeamRecord): Promise<void> {
    return retryWhileLocked(() => {
      this.#database
        .prepare('INSERT INTO teams (org, id, name, created_at) VALUES (?, ?, ?, ?)')
        .run(record.org, record.id, record.name, record.createdAt);
    });
  }

  findTeam(org: string, id: string): Promise<TeamRecord | undefined> {
    const row = this.#database
      .prepare('SELECT * FROM teams WHERE org = ? AND id = ?')
      .get(org, id) as TeamRow | undefined;
    return Promise.resolve(row === undefined ? undefined : toTeam(row));
  }

  listTeams(org: string): Promise<TeamRecord[]> {
    const rows = this.#database
      .prepare('SELECT * FROM teams WHERE org = ? ORDER BY id')
      .all(org) as unknown as TeamRow[];
    return Promise.resolve(rows.map(toTeam));
  }

  renameTeam(org: string, id: string, name: string): Promise<TeamRecord | undefined> {
    return retryWhileLocked(() => {
      const row = this.#database
        .prepare('UPDATE teams SET name = ? WHERE org = ? AND id = ? RETURNING *')
        .get(name, org, id) as TeamRow | undefined;
      return row === undefined ? undefined : toTeam(row);
    });
  }

  insertUser(record: UserRecord): Promise<void> {
    return retryWhileLocked(() => {
      this.#database
        .prepare(
          'INSERT INTO users (id, org, email, name, role, teams, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
        )
        .run(
          record.id,
          record.org,
          record.email,
          record.name,
          record.role,
          JSON.stringify(record.teams),
          record.createdAt,
        );
    });
  }

  findUser(id: string): Promise<UserRecord | undefined> {
    const row = this.#database.prepare('SELECT * FROM users WHERE id = ?').get(id) as
      UserRow | undefined;
    return Promise.resolve(row === undefined ? undefined : toUser(row));
  }

  listUsers(org: string, filter: { readonly team?: string } = {}): Promise<UserRecord[]> {
    const rows = (filter.team === undefined
      ? this.#database.prepare('SELECT * FROM users WHERE org = ? ORDER BY created_at, id').all(org)
      : this.#database
          .prepare(
            `SELECT * FROM users WHERE org = ?
                 AND EXISTS (SELECT 1 FROM json_each(users.teams) WHERE json_each.value = ?)
               ORDER BY created_at, id`,
          )
          .all(org, filter.team)) as unknown as UserRow[];
    return Promise.resolve(rows.map(toUser));
  }

  updateUser(org: string, id: string, changes: UserChanges): Promise<UserRecord | undefined> {
    return retryWhileLocked(() => {
      const row = this.#database
        .prepare(
          `UPDATE users SET
             email = coalesce(?, email),
             name = coalesce(?, name),
             role = coalesce(?, role),
             teams = coalesce(?, teams)
           WHERE org = ? AND id = ? RETURNING *`,
        )
        .get(
          changes.email ?? null,
          changes.name ?? null,
          changes.role ?? null,
          changes.teams === undefined ? null : JSON.stringify(changes.teams),
          org,
          id,
        ) as UserRow | undefined;
      return row === undefined ? undefined : toUser(row);
    });
  }
}
