import type { Pool } from 'pg';
import { readStringList } from '../key-row-values.ts';
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
  // bigint arrives as a string.
  created_at: string;
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
  teams: unknown;
  created_at: string;
}

const toOrganisation = (row: OrganisationRow): OrganisationRecord => ({
  id: row.id,
  name: row.name,
  createdAt: Number(row.created_at),
});

const toTeam = (row: TeamRow): TeamRecord => ({
  org: row.org,
  id: row.id,
  name: row.name,
  createdAt: Number(row.created_at),
});

const toUser = (row: UserRow): UserRecord => ({
  id: row.id,
  org: row.org,
  email: row.email,
  name: row.name,
  role: row.role as UserRole,
  teams: readStringList(row.teams),
  createdAt: Number(row.created_at),
});

const userColumns = 'id, org, email, name, role, teams, created_at';

/**
 * Organisations, teams and users in PostgreSQL (schema from `postgres-migrations.ts`). Every
 * statement is parameterised; ids sort in byte order whatever the locale.
 */
export class PostgresDirectoryStore implements DirectoryStore {
  readonly #pool: Pool;

  constructor(pool: Pool) {
    this.#pool = pool;
  }

  async insertOrganisation(record: OrganisationRecord): Promise<void> {
    await this.#pool.query('INSERT INTO organisations (id, name, created_at) VALUES ($1, $2, $3)', [
      record.id,
      record.name,
      record.createdAt,
    ]);
  }

  async findOrganisation(id: string): Promise<OrganisationRecord | undefined> {
    const result = await this.#pool.query<OrganisationRow>(
      'SELECT id, name, created_at FROM organisations WHERE id = $1',
      [id],
    );
    const row = result.rows[0];
    return row === undefined ? undefined : toOrganisation(row);
  }

  async listOrganisations(): Promise<OrganisationRecord[]> {
    const result = await this.#pool.query<OrganisationRow>(
      'SELECT id, name, created_at FROM organisations ORDER BY id COLLATE "C"',
    );
    return result.rows.map(toOrganisation);
  }

  async renameOrganisation(id: string, name: string): Promise<OrganisationRecord | undefined> {
    const result = await this.#pool.query<OrganisationRow>(
      'UPDATE organisations SET name = $1 WHERE id = $2 RETURNING id, name, created_at',
      [name, id],
    );
    const row = result.rows[0];
    return row === undefined ? undefined : toOrganisation(row);
  }

  async insertTeam(record: TeamRecord): Promise<void> {
    await this.#pool.query(
      'INSERT INTO teams (org, id, name, created_at) VALUES ($1, $2, $3, $4)',
      [record.org, record.id, record.name, record.createdAt],
    );
  }

  async findTeam(org: string, id: string): Promise<TeamRecord | undefined> {
    const result = await this.#pool.query<TeamRow>(
      'SELECT org, id, name, created_at FROM teams WHERE org = $1 AND id = $2',
      [org, id],
    );
    const row = result.rows[0];
    return row === undefined ? undefined : toTeam(row);
  }

  async listTeams(org: string): Promise<TeamRecord[]> {
    const result = await this.#pool.query<TeamRow>(
      'SELECT org, id, name, created_at FROM teams WHERE org = $1 ORDER BY id COLLATE "C"',
      [org],
    );
    return result.rows.map(toTeam);
  }

  async renameTeam(org: string, id: string, name: string): Promise<TeamRecord | undefined> {
    const result = await this.#pool.query<TeamRow>(
      'UPDATE teams SET name = $1 WHERE org = $2 AND id = $3 RETURNING org, id, name, created_at',
      [name, org, id],
    );
    const row = result.rows[0];
    return row === undefined ? undefined : toTeam(row);
  }

  async insertUser(record: UserRecord): Promise<void> {
    await this.#pool.query(
      `INSERT INTO users (${userColumns}) VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7)`,
      [
        record.id,
        record.org,
        record.email,
        record.name,
        record.role,
        JSON.stringify(record.teams),
        record.createdAt,
      ],
    );
  }

  async findUser(id: string): Promise<UserRecord | undefined> {
    const result = await this.#pool.query<UserRow>(
      `SELECT ${userColumns} FROM users WHERE id = $1`,
      [id],
    );
    const row = result.rows[0];
    return row === undefined ? undefined : toUser(row);
  }

  async listUsers(org: string, filter: { readonly team?: string } = {}): Promise<UserRecord[]> {
    const result =
      filter.team === undefined
        ? await this.#pool.query<UserRow>(
            `SELECT ${userColumns} FROM users WHERE org = $1 ORDER BY created_at, id COLLATE "C"`,
            [org],
          )
        : await this.#pool.query<UserRow>(
            `SELECT ${userColumns} FROM users WHERE org = $1 AND teams ? $2
             ORDER BY created_at, id COLLATE "C"`,
            [org, filter.team],
          );
    return result.rows.map(toUser);
  }

  async updateUser(org: string, id: string, changes: UserChanges): Promise<UserRecord | undefined> {
    const result = await this.#pool.query<UserRow>(
      `UPDATE users SET
         email = coalesce($1, email),
         name = coalesce($2, name),
         role = coalesce($3, role),
         teams = coalesce($4::jsonb, teams)
       WHERE org = $5 AND id = $6 RETURNING ${userColumns}`,
      [
        changes.email ?? null,
        changes.name ?? null,
        changes.role ?? null,
        changes.teams === undefined ? null : JSON.stringify(changes.teams),
        org,
        id,
      ],
    );
    const row = result.rows[0];
    return row === undefined ? undefined : toUser(row);
  }
}
