import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { safeParseJson } from '../../lib/json.ts';
import { readMetadata, readStringList } from '../key-row-values.ts';
import type {
  KeyRole,
  VirtualKeyChanges,
  VirtualKeyFilter,
  VirtualKeyRecord,
  VirtualKeyStore,
} from '../ports.ts';
import { virtualKeyFilterSql } from '../virtual-key-filter-sql.ts';
import { retryWhileLocked } from './sqlite-locked.ts';
import {
  mutableKeyColumns,
  virtualKeyChangeParameters,
  virtualKeyColumns,
  virtualKeyParameters,
} from '../virtual-key-parameters.ts';

interface VirtualKeyRow {
  id: string;
  name: string;
  role: string;
  secret_hash: Uint8Array;
  allowed_models: string | null;
  team: string | null;
  tags: string;
  created_at: number;
  expires_at: number | null;
  revoked_at: number | null;
  org: string;
  owner_user: string | null;
  allowed_routes: string | null;
  max_output_tokens: number | null;
  metadata: string;
  created_by: string;
}

function parsed(text: string): unknown {
  const result = safeParseJson(text);
  return result.ok ? result.value : undefined;
}

function toRecord(row: VirtualKeyRow): VirtualKeyRecord {
  return {
    id: row.id,
    name: row.name,
    role: row.role as KeyRole,
    secretHash: Buffer.from(row.secret_hash),
    allowedModels: row.allowed_models === null ? null : readStringList(parsed(row.allowed_models)),
    team: row.team,
    tags: readStringList(parsed(row.tags)),
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
    org: row.org,
    ownerUser: row.owner_user,
    allowedRoutes: row.allowed_routes === null ? null : readStringList(parsed(row.allowed_routes)),
    maxOutputTokens: row.max_output_tokens,
    metadata: readMetadata(parsed(row.metadata)),
    createdBy: row.created_by,
  };
}

const updateSql = `UPDATE virtual_keys SET ${mutableKeyColumns
  .map(({ column }) => `${column} = CASE WHEN ? THEN ? ELSE ${column} END`)
  .join(', ')} WHERE id = ? AND revoked_at IS NULL RETURNING *`;

/**
 * Virtual keys in the embedded SQLite database. All statements are prepared and parameterised.
 * Writes wait for another connection's lock on timers (`retryWhileLocked`), not inside SQLite.
 */
export class SqliteVirtualKeyStore implements VirtualKeyStore {
  readonly #database: DatabaseSync;
  readonly #insert: StatementSync;
  readonly #findById: StatementSync;
  readonly #revoke: StatementSync;
  readonly #update: StatementSync;
  readonly #dataVersion: StatementSync;

  constructor(database: DatabaseSync) {
    this.#database = database;
    this.#insert = database.prepare(
      `INSERT INTO virtual_keys (${virtualKeyColumns})
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.#findById = database.prepare('SELECT * FROM virtual_keys WHERE id = ?');
    this.#revoke = database.prepare(
      'UPDATE virtual_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL',
    );
    this.#update = database.prepare(updateSql);
    this.#dataVersion = database.prepare('PRAGMA data_version');
  }

  insert(record: VirtualKeyRecord): Promise<void> {
    return retryWhileLocked(() => {
      this.#insert.run(...virtualKeyParameters(record));
    });
  }

  findById(id: string): Promise<VirtualKeyRecord | undefined> {
    const row = this.#findById.get(id) as VirtualKeyRow | undefined;
    return Promise.resolve(row === undefined ? undefined : toRecord(row));
  }

  list(filter: VirtualKeyFilter = {}): Promise<VirtualKeyRecord[]> {
    const { where, parameters } = virtualKeyFilterSql(filter, () => '?');
    const rows = this.#database
      .prepare(`SELECT * FROM virtual_keys ${where} ORDER BY created_at, id`)
      .all(...parameters) as unknown as VirtualKeyRow[];
    return Promise.resolve(rows.map(toRecord));
  }

  revoke(id: string, at: number): Promise<boolean> {
    return retryWhileLocked(() => Number(this.#revoke.run(at, id).changes) > 0);
  }

  update(id: string, changes: VirtualKeyChanges): Promise<VirtualKeyRecord | undefined> {
    return retryWhileLocked(() => {
      const parameters = virtualKeyChangeParameters(changes).map((value) =>
        typeof value === 'boolean' ? Number(value) : value,
      );
      const row = this.#update.get(...parameters, id) as VirtualKeyRow | undefined;
      return row === undefined ? undefined : toRecord(row);
    });
  }

  changeMarker(): Promise<number> {
    const row = this.#dataVersion.get() as { data_version: number } | undefined;
    return Promise.resolve(row?.data_version ?? 0);
  }

  /** The database this store uses, for callers that close it. */
  get database(): DatabaseSync {
    return this.#database;
  }
}
