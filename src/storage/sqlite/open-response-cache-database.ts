import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';

/**
 * A connection to `response-cache.db` in the state directory: its own file, in WAL mode without
 * fsync on commit (losing the last entries in a crash costs only cache misses, and the durable
 * databases never wait on cache writes), shared by every process on the machine.
 */
export function openResponseCacheDatabase(stateDir: string): DatabaseSync {
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const database = new DatabaseSync(join(stateDir, 'response-cache.db'));
  database.exec(`
    PRAGMA busy_timeout = 5000;
    PRAGMA journal_mode = WAL;
    PRAGMA synchronous = OFF;`);
  return database;
}
