import type { DatabaseSync, SQLInputValue, StatementSync } from 'node:sqlite';
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

/** A statement prepared from `$n`-parameter SQL, and how its values are passed. */
interface SqliteStatement {
  readonly statement: StatementSync;
  /**
   * For each `?` in the text, the index of its value among the caller's (`$1` is 0); undefined
   * when they are simply 0, 1, 2, … (the values go as they are).
   */
  readonly order: readonly number[] | undefined;
  /** How many values the caller may pass: the highest `$n`. */
  readonly parameters: number;
}

/**
 * `$1`-style parameters as SQLite's anonymous `?`, in the order they appear, with the value each
 * one takes (a `$n` used twice becomes two `?`). Not SQLite's numbered `?1`: `node:sqlite` binds
 * positional values by asking SQLite for each parameter's name, which for numbered parameters is
 * a scan of all of them, so binding n of them took time quadratic in n (a 32-row INSERT of 15
 * columns: 310 µs with `?1`…`?480`, 25 µs with `?`; docs/benchmarks.md).
 */
function toSqlite(sql: string): { text: string; order: number[] | undefined; parameters: number } {
  const order: number[] = [];
  const text = sql.replace(/\$(\d+)/g, (_match, digits: string) => {
    order.push(Number(digits) - 1);
    return '?';
  });
  const inOrder = order.every((index, position) => index === position);
  return {
    text,
    order: inOrder ? undefined : order,
    parameters: order.reduce((highest, index) => Math.max(highest, index + 1), 0),
  };
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
  readonly #statements = new Map<string, SqliteStatement>();
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

  #statement(sql: string): SqliteStatement {
    let prepared = this.#statements.get(sql);
    if (prepared === undefined) {
      const { text, order, parameters } = toSqlite(sql);
      prepared = { statement: this.#database.prepare(text), order, parameters };
      this.#statements.set(sql, prepared);
    }
    return prepared;
  }

  /**
   * The values in the order of the statement's `?`s; more values than the highest `$n` are
   * refused.
   */
  static #values(prepared: SqliteStatement, params: readonly SqlValue[]): SQLInputValue[] {
    const order = prepared.order;
    if (order === undefined) return params as SQLInputValue[];
    if (params.length > prepared.parameters) {
      throw new RangeError(
        `the statement has ${String(prepared.parameters)} parameters, not ${String(params.length)}`,
      );
    }
    // A value not passed is NULL, as SQLite leaves an unbound parameter.
    return order.map((index) => (params[index] ?? null) as SQLInputValue);
  }

  #all<Row>(sql: string, params: readonly SqlValue[]): Row[] {
    const prepared = this.#statement(sql);
    return prepared.statement.all(...SqliteSqlDatabase.#values(prepared, params)) as Row[];
  }

  #changes(sql: string, params: readonly SqlValue[]): number {
    const prepared = this.#statement(sql);
    return Number(prepared.statement.run(...SqliteSqlDatabase.#values(prepared, params)).changes);
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
      const row = this.#statement('PRAGMA synchronous').statement.get() as
        { synchronous?: number } | undefined;
      this.#level = row?.synchronous ?? 2;
    }
    return this.#level;
  }
}
