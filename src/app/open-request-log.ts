import type { RequestLogConfig } from '../config/gateway-config.ts';
import type { RequestLogAccess } from '../gateway/request-log-access.ts';
import type { Clock } from '../lib/clock.ts';
import type { Logger } from '../observability/logger.ts';
import type { RequestRecord } from '../observability/request-record.ts';
import { RequestLogQueries } from '../pipeline/request-log/request-log-queries.ts';
import { RequestLogWriter } from '../pipeline/request-log/request-log-writer.ts';
import { createPostgresRequestLogStore } from '../storage/postgres/request-log-store.ts';
import type { RequestLogStore } from '../storage/request-log-store.ts';
import type { SqlDatabase } from '../storage/sql/sql-database.ts';
import { createSqliteRequestLogStore } from '../storage/sqlite/request-log-store.ts';
import { RequestLogWorkerClient } from '../storage/sqlite/request-log-worker-client.ts';
import { SqliteSqlDatabase } from '../storage/sqlite/sqlite-sql-database.ts';
import { requestLogRowOfRecord } from './request-log-row-of-record.ts';

function errorName(error: unknown): string {
  // Only the class and code: driver messages may quote connection strings.
  if (error instanceof Error) {
    return 'code' in error ? `${error.name} ${String(error.code)}` : error.name;
  }
  return 'Error';
}

/** The request log of a gateway process: its writer and its admin API reader. */
export interface OpenedRequestLog {
  /** Queues a finished request; never throws, never waits. */
  record(record: RequestRecord): void;
  /** For the admin API; undefined when the request log is off. */
  readonly access: RequestLogAccess | undefined;
  /** Writes what is queued, waiting at most `graceMs`. The database is the ledger's to close. */
  close(graceMs: number): Promise<void>;
}

/**
 * Where rows are written. SQLite: a worker thread with its own connection to the file, so that
 * inserting into the log's indexes never blocks the event loop (node:sqlite is synchronous); reads
 * stay on `database`. PostgreSQL (and an in-memory SQLite, which no other connection can open):
 * `store` itself, whose driver is asynchronous.
 */
function writesOf(
  database: SqlDatabase,
  store: RequestLogStore,
): { store: RequestLogStore; close(graceMs: number): Promise<void> } {
  const file = database instanceof SqliteSqlDatabase ? database.file : undefined;
  if (file === undefined) return { store, close: () => Promise.resolve() };
  const worker = new RequestLogWorkerClient({ file });
  return {
    store: {
      append: (rows) => worker.append(rows),
      prune: (olderThanMs) => worker.prune(olderThanMs),
      search: (filter, limit, cursor) => store.search(filter, limit, cursor),
      get: (requestId) => store.get(requestId),
      stats: (range, bucketMs, filter) => store.stats(range, bucketMs, filter),
      promptVersionStats: (promptId, fromMs, toMs, filter) =>
        store.promptVersionStats(promptId, fromMs, toMs, filter),
    },
    close: (graceMs) => worker.close(graceMs),
  };
}

/**
 * Opens the request log in the state database the spend ledger uses (`database`: SQLite in the
 * state directory, or PostgreSQL), or a log that keeps nothing when `request_log.enabled` is
 * false. Rows are written off the request path by a batching writer that prunes them after
 * `retention_days`; on SQLite its writes run on a worker thread (`writesOf`).
 */
export async function openRequestLog(
  config: RequestLogConfig,
  database: SqlDatabase,
  logger: Logger,
  clock: Clock,
): Promise<OpenedRequestLog> {
  if (!config.enabled) {
    return { record: () => undefined, access: undefined, close: () => Promise.resolve() };
  }
  const store: RequestLogStore =
    database.dialect.name === 'sqlite'
      ? await createSqliteRequestLogStore(database)
      : createPostgresRequestLogStore(database);
  const writes = writesOf(database, store);
  const writer = new RequestLogWriter({
    store: writes.store,
    clock,
    retentionMs: config.retentionMs,
    onDropped(dropped, pending) {
      logger.warn(
        { dropped, pending },
        'the request log fell behind; its oldest queued rows were dropped',
      );
    },
    onFailed(error, pending) {
      logger.warn(
        { err: errorName(error), pending },
        'the request log could not be written or pruned; rows wait in memory and are retried',
      );
    },
  });
  // Prune once at start, so a gateway restarted daily still keeps to the retention.
  void writer.prune();
  return {
    record(record) {
      // Load balancers probe health every few seconds: successful probes would bury the rest.
      if (record.status < 400 && record.route.startsWith('/health/')) return;
      try {
        writer.add(requestLogRowOfRecord(record, clock.now()));
      } catch (error) {
        // Never into the request: a record that cannot be turned into a row is only logged.
        logger.warn({ err: errorName(error) }, 'a request could not be added to the request log');
      }
    },
    access: new RequestLogQueries(store),
    async close(graceMs) {
      const deadline = clock.monotonic() + graceMs;
      await writer.close(graceMs);
      // The queue is written (or the grace is spent): the worker closes its connection and ends.
      await writes.close(Math.max(0, deadline - clock.monotonic()));
    },
  };
}
