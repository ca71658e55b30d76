import type { AuditLogRecord, AuditLogStore, AuditPayloadRow } from '../ports.ts';
import type { SqlDatabase } from './sql-database.ts';
import { rowPlaceholders, statementChunks, textPerRowCount } from './statement-chunks.ts';

/** The `prevHash` of record 0 (32 zero bytes in hex), as src/pipeline/audit defines it. */
const genesisPrevHash = '0'.repeat(64);

interface AuditRow {
  seq: number | string;
  at: number | string;
  kind: string;
  payload: string;
  prev_hash: string;
  hash: string;
}

function toRecord(row: AuditRow): AuditLogRecord {
  return {
    seq: Number(row.seq),
    at: Number(row.at),
    kind: row.kind,
    payload: row.payload,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

const columns = 'seq, at, kind, payload, prev_hash, hash';

/** The INSERT of `rows` records in one statement (one text per chunk size, built once). */
const recordInsert = textPerRowCount(
  (rows) =>
    `INSERT INTO audit_log (${columns}) VALUES ${rowPlaceholders(rows, columns.split(',').length)}`,
);

/** A unique violation (a concurrent append won the seq) in either database. */
function isDuplicateSeq(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const code = 'code' in error ? String(error.code) : '';
  const message = error instanceof Error ? error.message : '';
  return code === '23505' || /UNIQUE constraint failed|PRIMARY KEY/i.test(message);
}

/**
 * The audit log in the `audit_log` table of SQLite or PostgreSQL. Appends check contiguity and
 * chain links inside one transaction; the primary key on seq turns a concurrent append of the
 * same seq into a `RangeError`. The table's triggers refuse UPDATE and DELETE.
 */
export class SqlAuditLogStore implements AuditLogStore {
  readonly #database: SqlDatabase;

  constructor(database: SqlDatabase) {
    this.#database = database;
  }

  async append(
    records: readonly AuditLogRecord[],
    payloads: readonly AuditPayloadRow[] = [],
  ): Promise<void> {
    if (records.length === 0) return;
    const seqs = new Set(records.map((record) => record.seq));
    if (payloads.some((payload) => !seqs.has(payload.seq))) {
      throw new TypeError('an audit payload must belong to a record of the same append');
    }
    for (const record of records) {
      if (!Number.isSafeInteger(record.seq) || !Number.isSafeInteger(record.at)) {
        throw new RangeError('audit seq and at must be integers');
      }
      if (!/^[0-9a-f]{64}$/.test(record.hash) || !/^[0-9a-f]{64}$/.test(record.prevHash)) {
        throw new RangeError('audit hashes must be 64 lowercase hex digits');
      }
    }
    try {
      await this.#database.transaction(async (session) => {
        // The link check needs the last record's seq and hash, not its payload.
        const [last] = await session.rows<Pick<AuditRow, 'seq' | 'hash'>>(
          'SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1',
          [],
        );
        let expectedSeq = last === undefined ? 0 : Number(last.seq) + 1;
        let expectedPrev = last === undefined ? genesisPrevHash : last.hash;
        for (const record of records) {
          if (record.seq !== expectedSeq) {
            throw new RangeError(
              `audit append expected seq ${String(expectedSeq)}, got ${String(record.seq)}`,
            );
          }
          if (record.prevHash !== expectedPrev) {
            throw new RangeError(
              `audit record ${String(record.seq)} does not link to its predecessor`,
            );
          }
          expectedSeq += 1;
          expectedPrev = record.hash;
        }
        // Every link checked first, then the records in a few multi-row statements: a
        // statement's fixed cost (and, on PostgreSQL, a round trip) per chunk, not per record.
        for (const chunk of statementChunks(records)) {
          await session.run(
            recordInsert(chunk.length),
            chunk.flatMap((record) => [
              record.seq,
              record.at,
              record.kind,
              record.payload,
              record.prevHash,
              record.hash,
            ]),
          );
        }
        for (const payload of payloads) {
          await session.run(
            'INSERT INTO audit_payloads (seq, request_id, org, key_id, sealed) VALUES ($1, $2, $3, $4, $5)',
            [
              payload.seq,
              payload.requestId,
              payload.org,
              payload.keyId,
              payload.sealed.toString('base64'),
            ],
          );
        }
      });
    } catch (error) {
      if (isDuplicateSeq(error)) {
        throw new RangeError('a concurrent audit append took this seq', { cause: error });
      }
      throw error;
    }
  }

  async read(fromSeq: number, limit: number): Promise<AuditLogRecord[]> {
    if (!Number.isSafeInteger(fromSeq) || !Number.isSafeInteger(limit) || limit < 0) {
      throw new RangeError('read needs an integer seq and a non-negative limit');
    }
    const rows = await this.#database.rows<AuditRow>(
      `SELECT ${columns} FROM audit_log WHERE seq >= $1 ORDER BY seq LIMIT $2`,
      [fromSeq, limit],
    );
    return rows.map(toRecord);
  }

  async last(): Promise<AuditLogRecord | undefined> {
    const [row] = await this.#database.rows<AuditRow>(
      `SELECT ${columns} FROM audit_log ORDER BY seq DESC LIMIT 1`,
      [],
    );
    return row === undefined ? undefined : toRecord(row);
  }

  async findRequestRecords(requestId: string): Promise<AuditLogRecord[]> {
    const requestIdField = this.#database.dialect.jsonTextField('payload', 'request_id');
    const rows = await this.#database.rows<AuditRow>(
      `SELECT ${columns} FROM audit_log WHERE kind = 'request' AND ${requestIdField} = $1 ORDER BY seq`,
      [requestId],
    );
    return rows.map(toRecord);
  }

  async count(): Promise<number> {
    const [row] = await this.#database.rows<{ count: number | string }>(
      'SELECT count(*) AS count FROM audit_log',
      [],
    );
    return Number(row?.count ?? 0);
  }
}
