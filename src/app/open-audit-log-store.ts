import type { StorageConfig } from '../config/gateway-config.ts';
import type { AuditLogStore, AuditPayloadStore } from '../storage/ports.ts';
import { PostgresSqlDatabase } from '../storage/postgres/postgres-sql-database.ts';
import { SqlAuditLogStore } from '../storage/sql/sql-audit-log-store.ts';
import { SqlAuditPayloadStore } from '../storage/sql/sql-audit-payload-store.ts';
import type { SqlDatabase } from '../storage/sql/sql-database.ts';
import { openSqliteDatabase, sqliteLockWaitMs } from '../storage/sqlite/open-sqlite-database.ts';
import { SqliteSqlDatabase } from '../storage/sqlite/sqlite-sql-database.ts';
import { openConfiguredPostgres } from './open-configured-postgres.ts';

/** An audit log store and how to let go of what it holds. */
export interface OpenedAuditLogStore {
  readonly store: AuditLogStore;
  /** Sealed payloads and organisation keys (payload retention), in the same database. */
  readonly payloads: AuditPayloadStore;
  close(): Promise<void>;
}

function storesOn(database: SqlDatabase, close: () => Promise<void>): OpenedAuditLogStore {
  // One connection wrapper for both, so their SQLite transactions queue behind each other.
  return {
    store: new SqlAuditLogStore(database),
    payloads: new SqlAuditPayloadStore(database),
    close,
  };
}

/**
 * Opens the configured audit log: SQLite in the state directory (every commit synced to disk
 * before it resolves, off the event loop), or PostgreSQL (migrated on open).
 * Rejects when the database cannot be reached or is newer than this Signalbox.
 */
export async function openAuditLogStore(
  storage: StorageConfig,
  stateDir: string,
): Promise<OpenedAuditLogStore> {
  if (storage.backend === 'sqlite') {
    const database = new SqliteSqlDatabase(openSqliteDatabase(stateDir), {
      syncOffThread: true,
      // On the event loop: a lock held by another connection is waited for on timers.
      lockWaitMs: sqliteLockWaitMs,
    });
    return storesOn(database, () => database.close());
  }
  const opened = await openConfiguredPostgres(storage);
  return storesOn(new PostgresSqlDatabase(opened), () => opened.end());
}
