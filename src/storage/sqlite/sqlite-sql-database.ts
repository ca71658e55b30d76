import type { DatabaseSync, SQLInputValue } from 'node:sqlite';
import type {
  SqlDatabase,
  SqlDialect,
  SqlSession,
  SqlValue,
  TransactionOptions,
} from '../sql/sql-database.ts';
import { retryWhileLocked } from './sqlite-locked.ts';
import { WalFileSync } from './wal-file-sync.ts';

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

/** A statement that only reads: no write-ahead log sync after it. */
const readOnlyStatement = /^\s*(?:SELECT|PRAGMA)\b/i;

export interface SqliteSqlDatabaseOptions {
  /**
   * Every write waits for the disk, but the wait is an `fsync` of the write-ahead log on the
   * thread pool (`WalFileSync`) instead of SQLite syncing inside `COMMIT` on the event loop: the
   * durability of `synchronous = FULL` without blocking requests. The connection is set to
   * NORMAL. Ignored for an in-memory database. Default false (the connection's own level).
   */
  readonly syncOffThread?: boolean;
  /**
   * Waits for another connection's lock on the event loop's timers, for up to this many
   * milliseconds, instead of inside SQLite (`retryWhileLocked`): the connection's `busy_timeout`
   * becomes 0, and `BEGIN IMMEDIATE`, `COMMIT` and single statements that find the database
   * locked are tried again after short pauses. For connections on the main thread, where
   * SQLite's own wait stops every request, and never ends while the lock is held by another
   * connection of the same thread. Default: SQLite's own wait (the connection's `busy_timeout`).
   */
  readonly lockWaitMs?: number;
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
  readonly #walSync: WalFileSync | undefined;
  readonly #lockWaitMs: number | undefined;
  #queue: Promise<unknown> = Promise.resolve();
  #level: number | undefined;

  constructor(database: DatabaseSync, options: SqliteSqlDatabaseOptions = {}) {
    this.#database = database;
    const file = this.file;
    if (options.syncOffThread === true && file !== undefined) {
      database.exec('PRAGMA synchronous = NORMAL');
      this.#level = 1;
      this.#walSync = new WalFileSync(file);
    }
    this.#lockWaitMs = options.lockWaitMs;
    if (options.lockWaitMs !== undefined) database.exec('PRAGMA busy_timeout = 0');
  }

  /** Runs a synchronous call, waiting off the thread while another connection holds the lock. */
  #unlocked<T>(attempt: () => T): Promise<T> {
    const waitMs = this.#lockWaitMs;
    if (waitMs === undefined) return Promise.resolve(attempt());
    return retryWhileLocked(attempt, waitMs);
  }

  /** Waits for a write-ahead log sync in progress, then closes the connection. */
  async close(): Promise<void> {
    await this.#queue;
    await this.#walSync?.close();
    this.#database.close();
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

  #all<Row>(sql: string, params: readonly SqlValue[]): Row[] {
    return this.#statement(sql).all(...(params as SQLInputValue[])) as Row[];
  }

  #changes(sql: string, params: readonly SqlValue[]): number {
    return Number(this.#statement(sql).run(...(params as SQLInputValue[])).changes);
  }

  readonly #session: SqlSession = {
    rows: <Row>(sql: string, params: readonly SqlValue[]): Promise<Row[]> =>
      Promise.resolve(this.#all<Row>(sql, params)),
    run: (sql: string, params: readonly SqlValue[]): Promise<number> =>
      Promise.resolve(this.#changes(sql, params)),
  };

  #enqueue<T>(work: () => Promise<T>): Promise<T> {
    const next = this.#queue.then(work, work);
    this.#queue = next.catch(() => undefined);
    return next;
  }

  rows<Row>(sql: string, params: readonly SqlValue[]): Promise<Row[]> {
    const rows = this.#enqueue(() => this.#unlocked(() => this.#all<Row>(sql, params)));
    return readOnlyStatement.test(sql) ? rows : this.#durable(rows, true);
  }

  run(sql: string, params: readonly SqlValue[]): Promise<number> {
    return this.#durable(
      this.#enqueue(() => this.#unlocked(() => this.#changes(sql, params))),
      true,
    );
  }

  /** `committed` once its writes are on disk, when this connection syncs off the event loop. */
  #durable<T>(committed: Promise<T>, waitForDisk: boolean): Promise<T> {
    const walSync = this.#walSync;
    if (walSync === undefined || !waitForDisk) return committed;
    return committed.then(async (result) => {
      await walSync.sync();
      return result;
    });
  }

  transaction<T>(
    work: (session: SqlSession) => Promise<T>,
    options: TransactionOptions = {},
  ): Promise<T> {
    const waitForDisk = options.waitForDisk !== false;
    const committed = this.#enqueue(async () => {
      // The connection's own level (FULL, say) is restored after a commit that does not wait: a
      // later waiting commit syncs the write-ahead log, this one's frames included.
      const level = waitForDisk ? undefined : this.#synchronous();
      const restore = level !== undefined && level > 1 ? level : undefined;
      if (restore !== undefined) this.#database.exec('PRAGMA synchronous = NORMAL');
      try {
        await this.#unlocked(() => {
          this.#database.exec('BEGIN IMMEDIATE');
        });
        try {
          const result = await work(this.#session);
          // A COMMIT refused for a lock leaves the transaction open, to be committed again.
          await this.#unlocked(() => {
            this.#database.exec('COMMIT');
          });
          return result;
        } catch (error) {
          this.#database.exec('ROLLBACK');
          throw error;
        }
      } finally {
        if (restore !== undefined) this.#database.exec(`PRAGMA synchronous = ${String(restore)}`);
      }
    });
    return this.#durable(committed, waitForDisk);
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
