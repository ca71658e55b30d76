import type { DatabaseSync } from 'node:sqlite';
import { SqlAuditLogStore } from '../sql/sql-audit-log-store.ts';
import { SqliteSqlDatabase } from './sqlite-sql-database.ts';

/** The audit log in the embedded SQLite database (migrated by `openSqliteDatabase`). */
export class SqliteAuditLogStore extends SqlAuditLogStore {
  constructor(database: DatabaseSync) {
    super(new SqliteSqlDatabase(database));
  }
}
