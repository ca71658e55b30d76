/** A value bound to a SQL parameter. */
export type SqlValue = string | number | null;

/** Statements inside one transaction (or one auto-committed statement). Parameters are `$1..$n`. */
export interface SqlSession {
  rows<Row>(sql: string, params: readonly SqlValue[]): Promise<Row[]>;
  /** Runs a statement; resolves the number of rows it changed. */
  run(sql: string, params: readonly SqlValue[]): Promise<number>;
}

/** The few places where SQLite and PostgreSQL spell things differently. */
export interface SqlDialect {
  readonly name: 'sqlite' | 'postgres';
  /** Appended to a SELECT that reads rows the transaction will update (`FOR UPDATE` or nothing). */
  readonly lockRows: string;
  /** A condition true when the JSON array column `column` holds the string parameter `param`. */
  jsonArrayContains(column: string, param: string): string;
  /** A millisecond timestamp column as its UTC date, `YYYY-MM-DD`. */
  utcDate(column: string): string;
  /** A JSON text parameter as the column's JSON type. */
  json(param: string): string;
  /**
   * The text of field `field` of the JSON text column `column` (as the audit log's request-id
   * index spells it, so lookups use the index). `field` is a fixed identifier, never input.
   */
  jsonTextField(column: string, field: string): string;
}

export interface TransactionOptions {
  /**
   * False: the commit does not wait for the disk (SQLite `synchronous = NORMAL` in WAL mode,
   * PostgreSQL `synchronous_commit = off`). It survives a crash of the gateway process at once;
   * it survives power loss or an OS crash once a later commit that waits (a ledger batch) or a
   * checkpoint has synced. Default true.
   */
  readonly waitForDisk?: boolean;
}

/**
 * A database as the SQL stores use it: one dialect, transactions that run to completion before
 * the next begins on the same connection, and single statements outside transactions.
 */
export interface SqlDatabase extends SqlSession {
  readonly dialect: SqlDialect;
  transaction<T>(
    work: (session: SqlSession) => Promise<T>,
    options?: TransactionOptions,
  ): Promise<T>;
}
