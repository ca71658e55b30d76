import type { StorageConfig } from '../config/gateway-config.ts';
import type { AuditLogStore } from '../storage/ports.ts';
import { PostgresAuditLogStore } from '../storage/postgres/audit-log-store.ts';
import { SqliteAuditLogStore } from '../storage/sqlite/audit-log-store.ts';
import { openSqliteDatabase } from '../storage/sqlite/open-sqlite-database.ts';
import { openConfiguredPostgres } from './open-configured-postgres.ts';

/** An audit log store and how to let go of what it holds. */
export interface OpenedAuditLogStore {
  readonly store: AuditLogStore;
  close(): Promise<void>;
}

/**
 * Opens the configured audit log: SQLite in the state directory (with `synchronous = FULL`, so
 * an appended record is on disk when the append resolves), or PostgreSQL (migrated on open).
 * Rejects when the database cannot be reached or is newer than this Signalbox.
 */
export async function openAuditLogStore(
  storage: StorageConfig,
  stateDir: string,
): Promise<OpenedAuditLogStore> {
  if (storage.backend === 'sqlite') {
    const database = openSqliteDatabase(stateDir);
    database.exec('PRAGMA synchronous = FULL');
    return {
      store: new SqliteAuditLogStore(database),
      close: () => {
        database.close();
        return Promise.resolve();
      },
    };
  }
  const opened = await openConfiguredPostgres(storage);
  return { store: new PostgresAuditLogStore(opened), close: () => opened.end() };
}
