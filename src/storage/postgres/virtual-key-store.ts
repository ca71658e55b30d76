import { virtualKeyParameters } from '../virtual-key-parameters.ts';
import type { Pool } from 'pg';
import type { KeyRole, VirtualKeyRecord, VirtualKeyStore } from '../ports.ts';

interface VirtualKeyRow {
  id: string;
  name: string;
  role: string;
  secret_hash: Buffer;
  allowed_models: unknown;
  team: string | null;
  tags: unknown;
  // bigint columns arrive as strings: JavaScript numbers cannot hold every int8.
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
}

/** The strings of a jsonb array column; a damaged value reads as empty, which grants nothing. */
function readStringList(value: unknown): string[] {
  return Array.isArray(value)
    ? value.filter((entry): entry is string => typeof entry === 'string')
    : [];
}

function readMilliseconds(value: string): number {
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed)) {
    throw new Error(`stored time ${value} is outside the safe integer range`);
  }
  return parsed;
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
    createdAt: readMilliseconds(row.created_at),
    expiresAt: row.expires_at === null ? null : readMilliseconds(row.expires_at),
    revokedAt: row.revoked_at === null ? null : readMilliseconds(row.revoked_at),
  };
}

const columns =
  'id, name, role, secret_hash, allowed_models, team, tags, created_at, expires_at, revoked_at';

// Data-modifying CTEs run to completion in the one statement (one implicit transaction), so the
// change counter moves exactly when a key row does: a duplicate id fails both, a no-op revoke
// bumps nothing.
const insertSql = `WITH inserted AS (
    INSERT INTO virtual_keys (${columns})
    VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7::jsonb, $8, $9, $10)
    RETURNING id
  )
  UPDATE signalbox_key_changes SET counter = counter + 1
  WHERE singleton AND EXISTS (SELECT 1 FROM inserted)`;

const revokeSql = `WITH revoked AS (
    UPDATE virtual_keys SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL
    RETURNING id
  ), bumped AS (
    UPDATE signalbox_key_changes SET counter = counter + 1
    WHERE singleton AND EXISTS (SELECT 1 FROM revoked)
    RETURNING counter
  )
  SELECT count(*)::integer AS revoked FROM revoked`;

/**
 * Virtual keys in PostgreSQL (schema from `postgres-migrations.ts`). Every statement is
 * parameterised. Safe to share between requests; many processes may use one database.
 *
 * `changeMarker()` reads the single row of `signalbox_key_changes`, whose counter is bumped in
 * the same statement (so the same transaction) as every insert and effective revoke, by
 * whichever process makes it. It never moves backwards and costs one indexed read.
 */
export class PostgresVirtualKeyStore implements VirtualKeyStore {
  readonly #pool: Pool;

  /** `pool` must reach a migrated schema (see `openPostgresDatabase`). */
  constructor(pool: Pool) {
    this.#pool = pool;
  }

  async insert(record: VirtualKeyRecord): Promise<void> {
    await this.#pool.query(insertSql, [...virtualKeyParameters(record)]);
  }

  async findById(id: string): Promise<VirtualKeyRecord | undefined> {
    const result = await this.#pool.query<VirtualKeyRow>(
      `SELECT ${columns} FROM virtual_keys WHERE id = $1`,
      [id],
    );
    const row = result.rows[0];
    return row === undefined ? undefined : toRecord(row);
  }

  /** Ties in creation time break by id in byte order (as SQLite does), whatever the locale. */
  async list(options: { readonly includeRevoked?: boolean } = {}): Promise<VirtualKeyRecord[]> {
    const result = await this.#pool.query<VirtualKeyRow>(
      options.includeRevoked === true
        ? `SELECT ${columns} FROM virtual_keys ORDER BY created_at, id COLLATE "C"`
        : `SELECT ${columns} FROM virtual_keys WHERE revoked_at IS NULL ORDER BY created_at, id COLLATE "C"`,
    );
    return result.rows.map(toRecord);
  }

  async revoke(id: string, at: number): Promise<boolean> {
    const result = await this.#pool.query<{ revoked: number }>(revokeSql, [at, id]);
    return (result.rows[0]?.revoked ?? 0) > 0;
  }

  async changeMarker(): Promise<number> {
    const result = await this.#pool.query<{ counter: string }>(
      'SELECT counter FROM signalbox_key_changes WHERE singleton',
    );
    return Number(result.rows[0]?.counter ?? 0);
  }

  /** The pool this store uses, for callers that end it. */
  get pool(): Pool {
    return this.#pool;
  }
}
