import type { Pool } from 'pg';
import { SqlAuditLogStore } from '../sql/sql-audit-log-store.ts';
import { PostgresSqlDatabase } from './postgres-sql-database.ts';

/** The audit log in PostgreSQL (migrated by `openPostgresDatabase`). */
export class PostgresAuditLogStore extends SqlAuditLogStore {
  constructor(pool: Pool) {
    super(new PostgresSqlDatabase(pool));
  }
}
