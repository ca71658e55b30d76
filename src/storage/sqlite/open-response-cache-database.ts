import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { sqliteLockWaitMs } from './open-sqlite-database.ts';

/**
 * A connection to `response-cache.db` in the state directory: its own file, in WAL mode without
 * fsync on commit (losing the last entries in a crash costs only cache misses, and the durable
 * databases never wait on cache writes), shared by every process on the machine. `schema` runs
 * first, waiting inside SQLite for other processes' locks (the processes of `serve --workers`
 * open the file together); after that the connection never waits inside SQLite, which would
 * sleep the event loop: the stores wait for locks on timers (`retryWhileLocked`).
 */
export function openResponseCacheDatabase(stateDir: string, schema: string): DatabaseSync {
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const database = new DatabaseSync(join(stateDir, 'response-cache.db'));
  database.exec(`
    PRAGMA busy_timeout = ${String(sqliteLockWaitMs)};
    PRAGMA journal_mode = WAL;
    PRAGMA synchronous = OFF;`);
  database.exec(schema);
  database.exec('PRAGMA busy_timeout = 0');
  return database;
}
