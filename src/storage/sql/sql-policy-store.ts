import type { PolicyActivation, PolicyStore, PolicyVersionRecord } from '../ports.ts';
import type { SqlDatabase, SqlSession } from './sql-database.ts';

interface VersionRow {
  version: string;
  name: string;
  text: string;
  created_at: number | string;
  created_by: string;
}

interface ActivationRow {
  seq: number | string;
  version: string;
  activated_at: number | string;
  activated_by: string;
}

function toVersion(row: VersionRow): PolicyVersionRecord {
  return {
    version: row.version,
    name: row.name,
    text: row.text,
    createdAt: Number(row.created_at),
    createdBy: row.created_by,
  };
}

function toActivation(row: ActivationRow): PolicyActivation {
  return {
    seq: Number(row.seq),
    version: row.version,
    activatedAt: Number(row.activated_at),
    activatedBy: row.activated_by,
  };
}

const versionColumns = 'version, name, text, created_at, created_by';

/** Policy versions and activations in SQLite or PostgreSQL; parameterised statements only. */
export class SqlPolicyStore implements PolicyStore {
  readonly #database: SqlDatabase;

  constructor(database: SqlDatabase) {
    this.#database = database;
  }

  async saveVersion(record: PolicyVersionRecord): Promise<boolean> {
    const changed = await this.#database.run(
      `INSERT INTO policy_versions (${versionColumns}) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (version) DO NOTHING`,
      [record.version, record.name, record.text, record.createdAt, record.createdBy],
    );
    return changed > 0;
  }

  activate(version: string, at: number, by: string): Promise<PolicyActivation> {
    return this.#database.transaction(async (session) => {
      if ((await this.#find(session, version)) === undefined) {
        throw new RangeError(`no stored policy version ${version}`);
      }
      const rows = await session.rows<ActivationRow>(
        `INSERT INTO policy_activations (version, activated_at, activated_by) VALUES ($1, $2, $3)
         RETURNING seq, version, activated_at, activated_by`,
        [version, at, by],
      );
      const row = rows[0];
      if (row === undefined) throw new Error('the activation was not recorded');
      return toActivation(row);
    });
  }

  async active(): Promise<
    { readonly record: PolicyVersionRecord; readonly activation: PolicyActivation } | undefined
  > {
    const [latest] = await this.listActivations(1);
    if (latest === undefined) return undefined;
    const record = await this.findVersion(latest.version);
    return record === undefined ? undefined : { record, activation: latest };
  }

  async #find(session: SqlSession, version: string): Promise<PolicyVersionRecord | undefined> {
    const rows = await session.rows<VersionRow>(
      `SELECT ${versionColumns} FROM policy_versions WHERE version = $1`,
      [version],
    );
    const row = rows[0];
    return row === undefined ? undefined : toVersion(row);
  }

  findVersion(version: string): Promise<PolicyVersionRecord | undefined> {
    return this.#find(this.#database, version);
  }

  async listVersions(limit: number): Promise<PolicyVersionRecord[]> {
    const rows = await this.#database.rows<VersionRow>(
      `SELECT ${versionColumns} FROM policy_versions ORDER BY created_at DESC, version LIMIT $1`,
      [limit],
    );
    return rows.map(toVersion);
  }

  async listActivations(limit: number): Promise<PolicyActivation[]> {
    const rows = await this.#database.rows<ActivationRow>(
      `SELECT seq, version, activated_at, activated_by FROM policy_activations
       ORDER BY seq DESC LIMIT $1`,
      [limit],
    );
    return rows.map(toActivation);
  }
}
