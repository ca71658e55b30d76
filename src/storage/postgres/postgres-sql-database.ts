import type { Pool, PoolClient } from 'pg';
import type {
  SqlDatabase,
  SqlDialect,
  SqlSession,
  SqlValue,
  TransactionOptions,
} from '../sql/sql-database.ts';

const postgresDialect: SqlDialect = {
  name: 'postgres',
  lockRows: 'FOR UPDATE',
  jsonArrayContains: (column, param) => `${column} @> jsonb_build_array(${param}::text)`,
  utcDate: (column) => `to_char(to_timestamp(${column} / 1000.0) AT TIME ZONE 'UTC', 'YYYY-MM-DD')`,
  json: (param) => `${param}::jsonb`,
  jsonTextField: (column, field) => `((${column}::jsonb) ->> '${field}')`,
};

function sessionOf(client: Pool | PoolClient): SqlSession {
  return {
    rows: async <Row>(sql: string, params: readonly SqlValue[]): Promise<Row[]> =>
      (await client.query(sql, params as SqlValue[])).rows as Row[],
    run: async (sql: string, params: readonly SqlValue[]): Promise<number> =>
      (await client.query(sql, params as SqlValue[])).rowCount ?? 0,
  };
}

/** The SQL store interface over a `pg` pool: each transaction on one pooled connection. */
export class PostgresSqlDatabase implements SqlDatabase {
  readonly dialect = postgresDialect;
  readonly #pool: Pool;
  readonly #session: SqlSession;

  constructor(pool: Pool) {
    this.#pool = pool;
    this.#session = sessionOf(pool);
  }

  rows<Row>(sql: string, params: readonly SqlValue[]): Promise<Row[]> {
    return this.#session.rows<Row>(sql, params);
  }

  run(sql: string, params: readonly SqlValue[]): Promise<number> {
    return this.#session.run(sql, params);
  }

  async transaction<T>(
    work: (session: SqlSession) => Promise<T>,
    options: TransactionOptions = {},
  ): Promise<T> {
    const client = await this.#pool.connect();
    // A checked-out client has no pool listener: if its connection dies now (a server restart, a
    // network cut) it emits 'error', which would crash the process unheard. The query under way
    // rejects with that error anyway; here it only marks the client to be discarded.
    let broken: Error | undefined;
    const onError = (error: Error): void => {
      broken = error;
    };
    client.on('error', onError);
    try {
      await client.query('BEGIN');
      if (options.waitForDisk === false) await client.query('SET LOCAL synchronous_commit = off');
      const result = await work(sessionOf(client));
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch((rollbackError: unknown) => {
        // A connection that cannot roll back is not returned to the pool.
        broken ??=
          rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
      });
      throw error;
    } finally {
      client.off('error', onError);
      client.release(broken);
    }
  }
}
