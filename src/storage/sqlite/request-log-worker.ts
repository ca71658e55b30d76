// The request log's SQLite writer thread (docs/request-log.md): started by
// request-log-worker-client.ts, never imported by the main thread.
import { DatabaseSync } from 'node:sqlite';
import { setTimeout as sleep } from 'node:timers/promises';
import { parentPort, workerData } from 'node:worker_threads';
import type { RequestLogRow } from '../request-log-store.ts';
import { SqlRequestLogStore } from '../sql/sql-request-log-store.ts';
import { isSqliteLocked } from './sqlite-locked.ts';
import { SqliteSqlDatabase } from './sqlite-sql-database.ts';

/** What the worker is started with. */
export interface RequestLogWorkerData {
  /** The state database file; the main thread has already created and migrated it. */
  readonly file: string;
  /** How long a statement waits for another connection's write lock (`busy_timeout`). */
  readonly busyTimeoutMs: number;
  /** Pauses before each retry of a write that still found the database locked. */
  readonly busyRetryDelaysMs: readonly number[];
}

/** A request to the worker; each is answered with a `RequestLogWorkerReply` of the same id. */
export type RequestLogWorkerRequest =
  | { readonly id: number; readonly kind: 'append'; readonly rows: readonly RequestLogRow[] }
  | { readonly id: number; readonly kind: 'prune'; readonly olderThanMs: number }
  | { readonly id: number; readonly kind: 'close' };

/** An error as it crosses the thread boundary: structured clone drops an Error's `code`. */
export interface RequestLogWorkerError {
  readonly name: string;
  readonly code: string | undefined;
  readonly message: string;
}

export type RequestLogWorkerReply =
  | { readonly id: number; readonly ok: true; readonly changes: number }
  | { readonly id: number; readonly ok: false; readonly error: RequestLogWorkerError };

function workerErrorOf(error: unknown): RequestLogWorkerError {
  if (error instanceof Error) {
    return {
      name: error.name,
      code: 'code' in error ? String(error.code) : undefined,
      message: error.message,
    };
  }
  return { name: 'Error', code: undefined, message: String(error) };
}

/**
 * The write-ahead log's length, in pages, from which this connection's commits also checkpoint
 * it (copy it into the database file, then let it start over). The main thread's connections
 * keep SQLite's 1,000: this thread, which commits a batch about every 100 ms, reaches its lower
 * mark first, so the checkpoints (a few milliseconds of copying and two fsyncs each) run here
 * instead of inside a ledger or audit COMMIT on the event loop. Should this thread fall behind,
 * the main thread's connections still checkpoint at 1,000 pages, as before.
 */
const workerCheckpointPages = 250;

const data = workerData as RequestLogWorkerData;
const port = parentPort;
let connection: DatabaseSync | undefined;
let store: SqlRequestLogStore | undefined;

/**
 * Opens this thread's own connection on first use (so a failure is a retried write, not a dead
 * thread). WAL lets the main thread's connections read while this one writes; a lock held by the
 * ledger or the audit trail is waited for up to `busy_timeout`.
 */
function opened(): SqlRequestLogStore {
  if (store !== undefined) return store;
  const database = new DatabaseSync(data.file);
  try {
    database.exec(`PRAGMA busy_timeout = ${String(Math.trunc(data.busyTimeoutMs))}`);
    // The request log is not money: a commit is durable at the next checkpoint (WAL default).
    database.exec('PRAGMA synchronous = NORMAL');
    database.exec(`PRAGMA wal_autocheckpoint = ${String(workerCheckpointPages)}`);
  } catch (error) {
    database.close();
    throw error;
  }
  connection = database;
  // Writes only (append, prune): percentiles and bucketing are the main thread's reads.
  store = new SqlRequestLogStore(new SqliteSqlDatabase(database), {
    percentile: undefined,
    statementPerBucket: true,
  });
  return store;
}

/** Runs a write, retrying it after a pause while the database stays locked past busy_timeout. */
async function withBusyRetries(write: () => Promise<number>): Promise<number> {
  for (const delayMs of data.busyRetryDelaysMs) {
    try {
      return await write();
    } catch (error) {
      if (!isSqliteLocked(error)) throw error;
      await sleep(delayMs);
    }
  }
  return write();
}

async function handle(request: RequestLogWorkerRequest): Promise<number> {
  switch (request.kind) {
    case 'append':
      return withBusyRetries(async () => {
        await opened().append(request.rows);
        return request.rows.length;
      });
    case 'prune':
      return withBusyRetries(() => opened().prune(request.olderThanMs));
    case 'close':
      connection?.close();
      connection = undefined;
      store = undefined;
      return 0;
  }
}

if (port !== null) {
  // One request at a time, in arrival order: a close runs after the writes sent before it.
  let queue: Promise<void> = Promise.resolve();
  port.on('message', (request: RequestLogWorkerRequest) => {
    queue = queue.then(async () => {
      let reply: RequestLogWorkerReply;
      try {
        reply = { id: request.id, ok: true, changes: await handle(request) };
      } catch (error) {
        reply = { id: request.id, ok: false, error: workerErrorOf(error) };
      }
      port.postMessage(reply);
      // Nothing keeps the thread alive after a close: it ends once the reply is sent.
      if (request.kind === 'close') port.close();
    });
  });
}
