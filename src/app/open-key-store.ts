import type { StorageConfig } from '../config/gateway-config.ts';
import type { VirtualKeyStore } from '../storage/ports.ts';
import { openPostgresDatabase } from '../storage/postgres/open-postgres-database.ts';
import { PostgresVirtualKeyStore } from '../storage/postgres/virtual-key-store.ts';
import { openSqliteDatabase } from '../storage/sqlite/open-sqlite-database.ts';
import { SqliteVirtualKeyStore } from '../storage/sqlite/virtual-key-store.ts';

/** A key store and how to let go of what it holds. */
export interface OpenedKeyStore {
  readonly store: VirtualKeyStore;
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
    return {
      store: new SqliteVirtualKeyStore(database),
      close: () => {
        database.close();
        return Promise.resolve();
      },
    };
  }
  let pool;
  try {
    pool = await openPostgresDatabase({
      url: storage.url.reveal(),
      ...(storage.schema === undefined ? {} : { schema: storage.schema }),
    });
  } catch (error) {
    if (error instanceof Error && error.message.startsWith('the database schema')) {
      throw error;
    }
    // Driver errors may quote the connection string; keep only the error code.
    const reason = error instanceof Error && 'code' in error ? String(error.code) : 'unreachable';
    // eslint-disable-next-line preserve-caught-error -- the cause may carry the connection URL
    throw new Error(`PostgreSQL storage could not be opened (${reason})`);
  }
  const opened = pool;
  return { store: new PostgresVirtualKeyStore(opened), close: () => opened.end() };
}
