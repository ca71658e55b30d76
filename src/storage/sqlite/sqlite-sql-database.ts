import type { DatabaseSync, SQLInputValue } from 'node:sqlite';
import type {
  SqlDatabase,
  SqlDialect,
  SqlSession,
  SqlValue,
  TransactionOptions,
} from '../sql/sql-database.ts';

const sqliteDialect: SqlDialect = {
  name: 'sqlite',
  lockRows: '',
  jsonArrayContains: (column, param) =>
    `EXISTS (SELECT 1 FROM json_each(${column}) WHERE json_each.value = ${param})`,
  utcDate: (column) => `strftime('%Y-%m-%d', ${column} / 1000, 'unixepoch')`,
  json: (param) => param,
  jsonTextField: (column, field) => `json_extract(${column}, '$.${field}')`,
};

/** `$1` parameters as SQLite's numbered `?1`. */
function toSqlite(sql: string): string {
  return sql.replace(/\$(\d+)/g, '?$1');
}

/**
 * The SQL store interface over a `node:sqlite` connection. Statements run synchronously; a
 * transaction is `BEGIN IMMEDIATE` (so other processes on the same file wait for it) and every
 * call is queued behind the previous one, so transactions never interleave on the connection.
 */
export class SqliteSqlDatabase implements SqlDatabase {
  readonly dialect = sqliteDialect;
  readonly #database: DatabaseSync;
  readonly #statements = new Map<string, ReturnType<DatabaseSync['prepare']>>();
  #queue: Promise<unknown> = Promise.resolve();
  #level: number | undefined;

  constructor(database: DatabaseSync) {
    this.#database = database;
  }

  /** The database file, for another connection to open (a worker thread); undefined in memory. */
  get file(): string | undefined {
    const file = this.#database.location();
    return file === null || file === '' ? undefined : file;
  }

  #statement(sql: string): ReturnType<DatabaseSync['prepare']> {
    let statement = this.#statements.get(sql);
    if (statement === undefined) {
      statement = this.#database.prepare(toSqlite(sql));
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  readonly #session: SqlSession = {
    rows: <Row>(sql: string, params: readonly SqlValue[]): Promise<Row[]> =>
      Promise.resolve(this.#statement(sql).all(...(params as SQLInputValue[])) as Row[]),
    run: (sql: string, params: readonly SqlValue[]): Promise<number> =>
      Promise.resolve(Number(this.#statement(sql).run(...(params as SQLInputValue[])).changes)),
  };

  #enqueue<T>(work: () => Promise<T>): Promise<T> {
    const next = this.#queue.then(work, work);
    this.#queue = next.catch(() => undefined);
    return next;
  }

  rows<Row>(sql: string, params: readonly SqlValue[]): Promise<Row[]> {
    return this.#enqueue(() => this.#session.rows<Row>(sql, params));
  }

  run(sql: string, params: readonly SqlValue[]): Promise<number> {
    return this.#enqueue(() => this.#session.run(sql, params));
  }

  transaction<T>(
    work: (session: SqlSession) => Promise<T>,
    options: TransactionOptions = {},
  ): Promise<T> {
    return this.#enqueue(async () => {
      // The connection's own level (FULL for the ledger's) is restored after a commit that does
      // not wait: a later waiting commit syncs the write-ahead log, this one's frames included.
      const restore = options.waitForDisk === false ? this.#synchronous() : undefined;
      if (restore !== undefined) this.#database.exec('PRAGMA synchronous = NORMAL');
      this.#database.exec('BEGIN IMMEDIATE');
      try {
        const result = await work(this.#session);
        this.#database.exec('COMMIT');
        return result;
      } catch (error) {
        this.#database.exec('ROLLBACK');
        throw error;
      } finally {
        if (restore !== undefined) this.#database.exec(`PRAGMA synchronous = ${String(restore)}`);
      }
    });
  }

  /**
   * The connection's `synchronous` level (0 to 3), read once: the stores set it when they open
   * the connection, before any transaction, and only transactions change it (and restore it).
   */
  #synchronous(): number {
    if (this.#level === undefined) {
      const row = this.#statement('PRAGMA synchronous').get() as
        { synchronous?: number } | undefined;
      this.#level = row?.synchronous ?? 2;
    }
    return this.#level;
  }
}
