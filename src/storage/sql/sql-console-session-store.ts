import type { ConsoleSessionRecord, ConsoleSessionStore } from '../console-session-store.ts';
import type { SqlDatabase } from './sql-database.ts';

interface SessionRow {
  id_hash: string;
  key_id: string;
  csrf_token: string;
  // PostgreSQL bigint columns arrive as strings.
  created_at: number | string;
  expires_at: number | string;
  last_seen_at: number | string;
  revoked_at: number | string | null;
}

function toRecord(row: SessionRow): ConsoleSessionRecord {
  return {
    idHash: row.id_hash,
    keyId: row.key_id,
    csrfToken: row.csrf_token,
    createdAt: Number(row.created_at),
    expiresAt: Number(row.expires_at),
    lastSeenAt: Number(row.last_seen_at),
    revokedAt: row.revoked_at === null ? null : Number(row.revoked_at),
  };
}

const columns = 'id_hash, key_id, csrf_token, created_at, expires_at, last_seen_at, revoked_at';

/**
 * Console sessions in the state database (SQLite or PostgreSQL, table `console_sessions`), so
 * every worker process and replica sees the same sessions. Every statement is parameterised.
 */
export class SqlConsoleSessionStore implements ConsoleSessionStore {
  readonly #database: SqlDatabase;

  constructor(database: SqlDatabase) {
    this.#database = database;
  }

  async insert(record: ConsoleSessionRecord): Promise<void> {
    await this.#database.run(
      `INSERT INTO console_sessions (${columns}) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [
        record.idHash,
        record.keyId,
        record.csrfToken,
        record.createdAt,
        record.expiresAt,
        record.lastSeenAt,
        record.revokedAt,
      ],
    );
  }

  async findByHash(idHash: string): Promise<ConsoleSessionRecord | undefined> {
    const rows = await this.#database.rows<SessionRow>(
      `SELECT ${columns} FROM console_sessions WHERE id_hash = $1`,
      [idHash],
    );
    const row = rows[0];
    return row === undefined ? undefined : toRecord(row);
  }

  async touch(idHash: string, at: number): Promise<void> {
    await this.#database.run(
      'UPDATE console_sessions SET last_seen_at = $2 WHERE id_hash = $1 AND revoked_at IS NULL AND last_seen_at < $2',
      [idHash, at],
    );
  }

  async revoke(idHash: string, at: number): Promise<boolean> {
    const changed = await this.#database.run(
      'UPDATE console_sessions SET revoked_at = $2 WHERE id_hash = $1 AND revoked_at IS NULL',
      [idHash, at],
    );
    return changed > 0;
  }

  purgeExpired(before: number): Promise<number> {
    return this.#database.run('DELETE FROM console_sessions WHERE expires_at < $1', [before]);
  }
}
