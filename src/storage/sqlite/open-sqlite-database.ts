import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { sqliteMigrations } from './sqlite-migrations.ts';

/** The embedded database file inside the state directory. */
export const databaseFileName = 'signalbox.db';

/** How long a statement waits for another connection's lock before it fails as locked. */
export const sqliteLockWaitMs = 5_000;

/**
 * Opens (creating if needed) the embedded SQLite database in `stateDir`, in WAL mode so that the
 * CLI and a running gateway can use it at once, and brings its schema up to date. The directory
 * is created private to the user (0700) and the file 0600: it holds key hashes.
 * Throws if the database cannot be opened or migrated.
 */
export function openSqliteDatabase(stateDir: string): DatabaseSync {
  if (!existsSync(stateDir)) {
    mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  }
  const path = join(stateDir, databaseFileName);
  const database = new DatabaseSync(path);
  chmodSync(path, 0o600);
  // Wait for other processes' locks from the first statement on: switching to WAL needs one.
  database.exec(`PRAGMA busy_timeout = ${String(sqliteLockWaitMs)}`);
  database.exec('PRAGMA journal_mode = WAL');
  database.exec('PRAGMA synchronous = NORMAL');
  database.exec('PRAGMA foreign_keys = ON');
  migrate(database);
  return database;
}

function userVersion(database: DatabaseSync): number {
  const row = database.prepare('PRAGMA user_version').get() as { user_version: number } | undefined;
  return row?.user_version ?? 0;
}

/**
 * Applies the migrations the file lacks, each in its own write transaction. Processes opening a
 * new file together (the workers of `serve --workers`) apply each migration once.
 */
function migrate(database: DatabaseSync): void {
  const current = userVersion(database);
  if (current > sqliteMigrations.length) {
    throw new Error(
      `the database schema (version ${current}) is newer than this Signalbox (version ${sqliteMigrations.length}); upgrade Signalbox`,
    );
  }
  for (let version = current; version < sqliteMigrations.length; version += 1) {
    database.exec('BEGIN IMMEDIATE');
    try {
      // Another process (a `--workers` sibling) may have applied it since the version was read:
      // the write lock is held now, so the version read here is the one to go by.
      if (userVersion(database) > version) {
        database.exec('COMMIT');
        continue;
      }
      database.exec(sqliteMigrations[version] ?? '');
      // PRAGMA takes no parameters; the value is an integer we computed.
      database.exec(`PRAGMA user_version = ${String(version + 1)}`);
      database.exec('COMMIT');
    } catch (error) {
      database.exec('ROLLBACK');
      throw error;
    }
  }
}
