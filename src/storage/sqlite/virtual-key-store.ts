import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { safeParseJson } from '../../lib/json.ts';
import type { KeyRole, VirtualKeyRecord, VirtualKeyStore } from '../ports.ts';
import { virtualKeyParameters } from '../virtual-key-parameters.ts';

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
}

/** The strings of a JSON array column; a damaged value reads as empty, which grants nothing. */
function readStringList(text: string): string[] {
  const parsed = safeParseJson(text);
  return parsed.ok && Array.isArray(parsed.value)
    ? parsed.value.filter((entry): entry is string => typeof entry === 'string')
    : [];
}

function toRecord(row: VirtualKeyRow): VirtualKeyRecord {
  return {
    id: row.id,
    name: row.name,
    role: row.role as KeyRole,
    secretHash: Buffer.from(row.secret_hash),
    allowedModels: row.allowed_models === null ? null : readStringList(row.allowed_models),
    team: row.team,
    tags: readStringList(row.tags),
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
  };
}

/** Virtual keys in the embedded SQLite database. All statements are prepared and parameterised. */
export class SqliteVirtualKeyStore implements VirtualKeyStore {
  readonly #database: DatabaseSync;
  readonly #insert: StatementSync;
  readonly #findById: StatementSync;
  readonly #listActive: StatementSync;
  readonly #listAll: StatementSync;
  readonly #revoke: StatementSync;
  readonly #dataVersion: StatementSync;

  constructor(database: DatabaseSync) {
    this.#database = database;
    this.#insert = database.prepare(
      `INSERT INTO virtual_keys
         (id, name, role, secret_hash, allowed_models, team, tags, created_at, expires_at, revoked_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.#findById = database.prepare('SELECT * FROM virtual_keys WHERE id = ?');
    this.#listActive = database.prepare(
      'SELECT * FROM virtual_keys WHERE revoked_at IS NULL ORDER BY created_at, id',
    );
    this.#listAll = database.prepare('SELECT * FROM virtual_keys ORDER BY created_at, id');
    this.#revoke = database.prepare(
      'UPDATE virtual_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL',
    );
    this.#dataVersion = database.prepare('PRAGMA data_version');
  }

  insert(record: VirtualKeyRecord): Promise<void> {
    try {
      this.#insert.run(...virtualKeyParameters(record));
      return Promise.resolve();
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  findById(id: string): Promise<VirtualKeyRecord | undefined> {
    const row = this.#findById.get(id) as VirtualKeyRow | undefined;
    return Promise.resolve(row === undefined ? undefined : toRecord(row));
  }

  list(options: { readonly includeRevoked?: boolean } = {}): Promise<VirtualKeyRecord[]> {
    const statement = options.includeRevoked === true ? this.#listAll : this.#listActive;
    return Promise.resolve((statement.all() as unknown as VirtualKeyRow[]).map(toRecord));
  }

  revoke(id: string, at: number): Promise<boolean> {
    const result = this.#revoke.run(at, id);
    return Promise.resolve(Number(result.changes) > 0);
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
