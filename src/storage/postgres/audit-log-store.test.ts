import { usePostgresTestSchemas } from '../../../test/helpers/postgres-test-schemas.ts';
import { runAuditLogStoreConformance } from '../audit-log-store.conformance.ts';
import { SqlAuditPayloadStore } from '../sql/sql-audit-payload-store.ts';
import { PostgresAuditLogStore } from './audit-log-store.ts';
import { PostgresSqlDatabase } from './postgres-sql-database.ts';

const schemas = usePostgresTestSchemas();

runAuditLogStoreConformance('postgres', async () => {
  const pool = await schemas.openPool();
  return {
    store: new PostgresAuditLogStore(pool),
    payloads: new SqlAuditPayloadStore(new PostgresSqlDatabase(pool)),
    raw: async (sql: string) => {
      await pool.query(sql);
    },
  };
});
