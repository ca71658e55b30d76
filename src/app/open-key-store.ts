import { openConfiguredPostgres } from './open-configured-postgres.ts';
import type { StorageConfig } from '../config/gateway-config.ts';
import type { DirectoryStore, VirtualKeyStore } from '../storage/ports.ts';
import { PostgresDirectoryStore } from '../storage/postgres/directory-store.ts';
import { PostgresVirtualKeyStore } from '../storage/postgres/virtual-key-store.ts';
import { SqliteDirectoryStore } from '../storage/sqlite/directory-store.ts';
import { openSqliteDatabase } from '../storage/sqlite/open-sqlite-database.ts';
import { SqliteVirtualKeyStore } from '../storage/sqlite/virtual-key-store.ts';

/**
 * How long a statement of the key store's connection waits inside SQLite for another
 * connection's lock (it sleeps the thread meanwhile). 0 left its reads and statement
 * preparations with no wait at all.
 */
const keyStoreBusyTimeoutMs = 50;

/** A key store and how to let go of what it holds. */
export interface OpenedKeyStore {
  readonly store: VirtualKeyStore;
  /** Organisations, teams and users, in the same database as the keys. */
  readonly directory: DirectoryStore;
  close(): Promise<void>;
}

/**
 * Opens the configured key store: SQLite in the state directory, or PostgreSQL (migrated on
 * open, so replicas starting together agree on one schema). Rejects when the database cannot
 * be reached or is newer than this Signalbox; the message never contains the connection URL.
 */
export async function openKeyStore(
  storage: StorageConfig,
  stateDir: string,
): Promise<OpenedKeyStore> {
  if (storage.backend === 'sqlite') {
    const database = openSqliteDatabase(stateDir);
    // The stores' writes wait for other connections' locks on timers (`retryWhileLocked`); the
    // short wait inside SQLite covers the statements that are not retried (reads, prepares), and
    // bounds how long a write can sleep the event loop before it yields.
    database.exec(`PRAGMA busy_timeout = ${String(keyStoreBusyTimeoutMs)}`);
    return {
      store: new SqliteVirtualKeyStore(database),
      directory: new SqliteDirectoryStore(database),
      close: () => {
        database.close();
        return Promise.resolve();
      },
    };
  }
  const opened = await openConfiguredPostgres(storage);
  return {
    store: new PostgresVirtualKeyStore(opened),
    directory: new PostgresDirectoryStore(opened),
    close: () => opened.end(),
  };
}
