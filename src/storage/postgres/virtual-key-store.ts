import type { Pool } from 'pg';
import { readMetadata, readStringList } from '../key-row-values.ts';
import type {
  KeyRole,
  VirtualKeyChanges,
  VirtualKeyFilter,
  VirtualKeyRecord,
  VirtualKeyStore,
} from '../ports.ts';
import { virtualKeyFilterSql } from '../virtual-key-filter-sql.ts';
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
  secret_hash: Buffer;
  allowed_models: unknown;
  team: string | null;
  tags: unknown;
  // bigint columns arrive as strings: JavaScript numbers cannot hold every int8.
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
  org: string;
  owner_user: string | null;
  allowed_routes: unknown;
  max_output_tokens: number | null;
  metadata: unknown;
  created_by: string;
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
    org: row.org,
    ownerUser: row.owner_user,
    allowedRoutes: row.allowed_routes === null ? null : readStringList(row.allowed_routes),
    maxOutputTokens: row.max_output_tokens,
    metadata: readMetadata(row.metadata),
    createdBy: row.created_by,
  };
}

// Data-modifying CTEs run to completion in the one statement (one implicit transaction), so the
// change counter moves exactly when a key row does: a duplicate id fails both, a no-op revoke
// bumps nothing.
const insertSql = `WITH inserted AS (
    INSERT INTO virtual_keys (${virtualKeyColumns})
    VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7::jsonb, $8, $9, $10, $11, $12, $13::jsonb, $14, $15::jsonb, $16)
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

/** Each mutable column as `column = CASE WHEN $flag THEN $value ELSE column END`. */
const updateAssignments = mutableKeyColumns
  .map(({ column, json }, index) => {
    const flag = `$${String(index * 2 + 1)}::boolean`;
    const value = `$${String(index * 2 + 2)}${json ? '::jsonb' : ''}`;
    return `${column} = CASE WHEN ${flag} THEN ${value} ELSE ${column} END`;
  })
  .join(', ');

const updateSql = `WITH updated AS (
    UPDATE virtual_keys SET ${updateAssignments}
    WHERE id = $${String(mutableKeyColumns.length * 2 + 1)} AND revoked_at IS NULL
    RETURNING ${virtualKeyColumns}
  ), bumped AS (
    UPDATE signalbox_key_changes SET counter = counter + 1
    WHERE singleton AND EXISTS (SELECT 1 FROM updated)
    RETURNING counter
  )
  SELECT * FROM updated`;

/**
 * Virtual keys in PostgreSQL (schema from `postgres-migrations.ts`). Every statement is
 * parameterised. Safe to share between requests; many processes may use one database.
 *
 * `changeMarker()` reads the single row of `signalbox_key_changes`, whose counter is bumped in
 * the same statement (so the same transaction) as every insert, update and effective revoke, by
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
      `SELECT ${virtualKeyColumns} FROM virtual_keys WHERE id = $1`,
      [id],
    );
    const row = result.rows[0];
    return row === undefined ? undefined : toRecord(row);
  }

  /** Ties in creation time break by id in byte order (as SQLite does), whatever the locale. */
  async list(filter: VirtualKeyFilter = {}): Promise<VirtualKeyRecord[]> {
    const { where, parameters } = virtualKeyFilterSql(filter, (index) => `$${String(index)}`);
    const result = await this.#pool.query<VirtualKeyRow>(
      `SELECT ${virtualKeyColumns} FROM virtual_keys ${where} ORDER BY created_at, id COLLATE "C"`,
      parameters,
    );
    return result.rows.map(toRecord);
  }

  async revoke(id: string, at: number): Promise<boolean> {
    const result = await this.#pool.query<{ revoked: number }>(revokeSql, [at, id]);
    return (result.rows[0]?.revoked ?? 0) > 0;
  }

  async update(id: string, changes: VirtualKeyChanges): Promise<VirtualKeyRecord | undefined> {
    const result = await this.#pool.query<VirtualKeyRow>(updateSql, [
      ...virtualKeyChangeParameters(changes),
      id,
    ]);
    const row = result.rows[0];
    return row === undefined ? undefined : toRecord(row);
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
