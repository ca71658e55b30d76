import type { AuditPayloadRow, AuditPayloadStore, AuditTenantKey } from '../ports.ts';
import type { SqlDatabase } from './sql-database.ts';

interface PayloadRow {
  seq: number | string;
  request_id: string;
  org: string;
  key_id: string;
  sealed: string;
}

interface TenantKeyRow {
  id: string;
  org: string;
  wrapped: string | null;
  wrapping_key_id: string | null;
  created_at: number | string;
  erased_at: number | string | null;
}

const payloadColumns = 'seq, request_id, org, key_id, sealed';
const keyColumns = 'id, org, wrapped, wrapping_key_id, created_at, erased_at';

function toPayload(row: PayloadRow): AuditPayloadRow {
  return {
    seq: Number(row.seq),
    requestId: row.request_id,
    org: row.org,
    keyId: row.key_id,
    sealed: Buffer.from(row.sealed, 'base64'),
  };
}

function toKey(row: TenantKeyRow): AuditTenantKey {
  return {
    id: row.id,
    org: row.org,
    wrapped:
      row.wrapped === null || row.wrapping_key_id === null
        ? undefined
        : { wrappingKeyId: row.wrapping_key_id, sealed: Buffer.from(row.wrapped, 'base64') },
    createdAt: Number(row.created_at),
    erasedAt: row.erased_at === null ? undefined : Number(row.erased_at),
  };
}

function checkSeq(seq: number): void {
  if (!Number.isSafeInteger(seq) || seq < 0) {
    throw new RangeError('an audit seq is a non-negative integer');
  }
}

/**
 * Sealed audit payloads and organisation data keys in SQLite or PostgreSQL (`audit_payloads`,
 * `audit_tenant_keys`). Payload rows are written by `SqlAuditLogStore.append`, in the
 * transaction of their records; here they are read and purged. A unique index allows one live
 * key per organisation, so processes creating one together end up sharing it.
 */
export class SqlAuditPayloadStore implements AuditPayloadStore {
  readonly #database: SqlDatabase;

  constructor(database: SqlDatabase) {
    this.#database = database;
  }

  async read(seq: number): Promise<AuditPayloadRow | undefined> {
    checkSeq(seq);
    const [row] = await this.#database.rows<PayloadRow>(
      `SELECT ${payloadColumns} FROM audit_payloads WHERE seq = $1`,
      [seq],
    );
    return row === undefined ? undefined : toPayload(row);
  }

  async list(fromSeq: number, limit: number): Promise<AuditPayloadRow[]> {
    checkSeq(fromSeq);
    if (!Number.isSafeInteger(limit) || limit < 0) {
      throw new RangeError('a limit is a non-negative integer');
    }
    const rows = await this.#database.rows<PayloadRow>(
      `SELECT ${payloadColumns} FROM audit_payloads WHERE seq >= $1 ORDER BY seq LIMIT $2`,
      [fromSeq, limit],
    );
    return rows.map(toPayload);
  }

  purgeBefore(beforeSeq: number): Promise<number> {
    checkSeq(beforeSeq);
    return this.#database.run('DELETE FROM audit_payloads WHERE seq < $1', [beforeSeq]);
  }

  async tenantKey(id: string): Promise<AuditTenantKey | undefined> {
    const [row] = await this.#database.rows<TenantKeyRow>(
      `SELECT ${keyColumns} FROM audit_tenant_keys WHERE id = $1`,
      [id],
    );
    return row === undefined ? undefined : toKey(row);
  }

  async liveTenantKey(org: string): Promise<AuditTenantKey | undefined> {
    const [row] = await this.#database.rows<TenantKeyRow>(
      `SELECT ${keyColumns} FROM audit_tenant_keys WHERE org = $1 AND erased_at IS NULL`,
      [org],
    );
    return row === undefined ? undefined : toKey(row);
  }

  async addTenantKey(key: AuditTenantKey): Promise<AuditTenantKey> {
    if (key.wrapped === undefined || key.erasedAt !== undefined) {
      throw new TypeError('a new tenant key carries its sealed material');
    }
    await this.#database.run(
      `INSERT INTO audit_tenant_keys (${keyColumns}) VALUES ($1, $2, $3, $4, $5, NULL)
       ON CONFLICT DO NOTHING`,
      [
        key.id,
        key.org,
        key.wrapped.sealed.toString('base64'),
        key.wrapped.wrappingKeyId,
        key.createdAt,
      ],
    );
    const live = await this.liveTenantKey(key.org);
    if (live === undefined) {
      throw new Error('the tenant key was stored and erased at once; try again');
    }
    return live;
  }

  async eraseTenantKeys(org: string, at: number): Promise<string[]> {
    return this.#database.transaction(async (session) => {
      const rows = await session.rows<{ id: string }>(
        `SELECT id FROM audit_tenant_keys WHERE org = $1 AND erased_at IS NULL ${this.#database.dialect.lockRows}`,
        [org],
      );
      await session.run(
        'UPDATE audit_tenant_keys SET wrapped = NULL, wrapping_key_id = NULL, erased_at = $2 WHERE org = $1 AND erased_at IS NULL',
        [org, at],
      );
      return rows.map((row) => row.id);
    });
  }
}
