import type { Pool } from 'pg';
import type { ProviderCredentialRecord, ProviderCredentialStore } from '../ports.ts';

interface ProviderCredentialRow {
  name: string;
  key_id: string;
  ciphertext: Buffer;
  // bigint columns arrive as strings: JavaScript numbers cannot hold every int8.
  created_at: string;
  updated_at: string;
}

function readMilliseconds(value: string): number {
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed)) {
    throw new Error(`stored time ${value} is outside the safe integer range`);
  }
  return parsed;
}

function toRecord(row: ProviderCredentialRow): ProviderCredentialRecord {
  return {
    name: row.name,
    keyId: row.key_id,
    ciphertext: Buffer.from(row.ciphertext),
    createdAt: readMilliseconds(row.created_at),
    updatedAt: readMilliseconds(row.updated_at),
  };
}

const columns = 'name, key_id, ciphertext, created_at, updated_at';

/**
 * Encrypted provider credentials in PostgreSQL (schema from `postgres-migrations.ts`). Every
 * statement is parameterised. Names sort in byte order (`COLLATE "C"`), as in SQLite.
 */
export class PostgresProviderCredentialStore implements ProviderCredentialStore {
  readonly #pool: Pool;

  /** `pool` must reach a migrated schema (see `openPostgresDatabase`). */
  constructor(pool: Pool) {
    this.#pool = pool;
  }

  async insert(record: ProviderCredentialRecord): Promise<boolean> {
    const result = await this.#pool.query(
      `INSERT INTO provider_credentials (${columns}) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (name) DO NOTHING`,
      [record.name, record.keyId, record.ciphertext, record.createdAt, record.updatedAt],
    );
    return (result.rowCount ?? 0) > 0;
  }

  async findByName(name: string): Promise<ProviderCredentialRecord | undefined> {
    const result = await this.#pool.query<ProviderCredentialRow>(
      `SELECT ${columns} FROM provider_credentials WHERE name = $1`,
      [name],
    );
    const row = result.rows[0];
    return row === undefined ? undefined : toRecord(row);
  }

  async list(): Promise<ProviderCredentialRecord[]> {
    const result = await this.#pool.query<ProviderCredentialRow>(
      `SELECT ${columns} FROM provider_credentials ORDER BY name COLLATE "C"`,
    );
    return result.rows.map(toRecord);
  }

  async replace(record: ProviderCredentialRecord, expectedCiphertext?: Buffer): Promise<boolean> {
    const parameters = [record.keyId, record.ciphertext, record.updatedAt, record.name];
    const result =
      expectedCiphertext === undefined
        ? await this.#pool.query(
            'UPDATE provider_credentials SET key_id = $1, ciphertext = $2, updated_at = $3 WHERE name = $4',
            parameters,
          )
        : await this.#pool.query(
            `UPDATE provider_credentials SET key_id = $1, ciphertext = $2, updated_at = $3
             WHERE name = $4 AND ciphertext = $5`,
            [...parameters, expectedCiphertext],
          );
    return (result.rowCount ?? 0) > 0;
  }

  async remove(name: string): Promise<boolean> {
    const result = await this.#pool.query('DELETE FROM provider_credentials WHERE name = $1', [
      name,
    ]);
    return (result.rowCount ?? 0) > 0;
  }
}
