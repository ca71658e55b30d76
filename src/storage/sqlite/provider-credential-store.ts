import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type { ProviderCredentialRecord, ProviderCredentialStore } from '../ports.ts';

interface ProviderCredentialRow {
  name: string;
  key_id: string;
  ciphertext: Uint8Array;
  created_at: number;
  updated_at: number;
}

function toRecord(row: ProviderCredentialRow): ProviderCredentialRecord {
  return {
    name: row.name,
    keyId: row.key_id,
    ciphertext: Buffer.from(row.ciphertext),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

const columns = 'name, key_id, ciphertext, created_at, updated_at';

/**
 * Encrypted provider credentials in the embedded SQLite database. All statements are prepared
 * and parameterised. Names compare in byte order (SQLite's default BINARY collation).
 */
export class SqliteProviderCredentialStore implements ProviderCredentialStore {
  readonly #insert: StatementSync;
  readonly #findByName: StatementSync;
  readonly #list: StatementSync;
  readonly #replace: StatementSync;
  readonly #replaceIf: StatementSync;
  readonly #remove: StatementSync;

  constructor(database: DatabaseSync) {
    this.#insert = database.prepare(
      `INSERT INTO provider_credentials (${columns}) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (name) DO NOTHING`,
    );
    this.#findByName = database.prepare(
      `SELECT ${columns} FROM provider_credentials WHERE name = ?`,
    );
    this.#list = database.prepare(`SELECT ${columns} FROM provider_credentials ORDER BY name`);
    this.#replace = database.prepare(
      'UPDATE provider_credentials SET key_id = ?, ciphertext = ?, updated_at = ? WHERE name = ?',
    );
    this.#replaceIf = database.prepare(
      `UPDATE provider_credentials SET key_id = ?, ciphertext = ?, updated_at = ?
       WHERE name = ? AND ciphertext = ?`,
    );
    this.#remove = database.prepare('DELETE FROM provider_credentials WHERE name = ?');
  }

  insert(record: ProviderCredentialRecord): Promise<boolean> {
    return settle(() => {
      const result = this.#insert.run(
        record.name,
        record.keyId,
        record.ciphertext,
        record.createdAt,
        record.updatedAt,
      );
      return Number(result.changes) > 0;
    });
  }

  findByName(name: string): Promise<ProviderCredentialRecord | undefined> {
    return settle(() => {
      const row = this.#findByName.get(name) as ProviderCredentialRow | undefined;
      return row === undefined ? undefined : toRecord(row);
    });
  }

  list(): Promise<ProviderCredentialRecord[]> {
    return settle(() => (this.#list.all() as unknown as ProviderCredentialRow[]).map(toRecord));
  }

  replace(record: ProviderCredentialRecord, expectedCiphertext?: Buffer): Promise<boolean> {
    return settle(() => {
      const parameters = [record.keyId, record.ciphertext, record.updatedAt, record.name] as const;
      const result =
        expectedCiphertext === undefined
          ? this.#replace.run(...parameters)
          : this.#replaceIf.run(...parameters, expectedCiphertext);
      return Number(result.changes) > 0;
    });
  }

  remove(name: string): Promise<boolean> {
    return settle(() => Number(this.#remove.run(name).changes) > 0);
  }
}

/** Runs a synchronous statement as a promise, so storage failures reject instead of throwing. */
function settle<T>(run: () => T): Promise<T> {
  try {
    return Promise.resolve(run());
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
}
