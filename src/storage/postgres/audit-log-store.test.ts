import { usePostgresTestSchemas } from '../../../test/helpers/postgres-test-schemas.ts';
import { runAuditLogStoreConformance } from '../audit-log-store.conformance.ts';
import { PostgresAuditLogStore } from './audit-log-store.ts';

const schemas = usePostgresTestSchemas();

runAuditLogStoreConformance('postgres', async () => {
  const pool = await schemas.openPool();
  return {
    store: new PostgresAuditLogStore(pool),
    raw: async (sql: string) => {
      await pool.query(sql);
    },
  };
});
