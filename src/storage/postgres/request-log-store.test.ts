import { usePostgresTestSchemas } from '../../../test/helpers/postgres-test-schemas.ts';
import { runRequestLogStoreConformance } from '../request-log-store.conformance.ts';
import { PostgresSqlDatabase } from './postgres-sql-database.ts';
import { createPostgresRequestLogStore } from './request-log-store.ts';

const schemas = usePostgresTestSchemas();

runRequestLogStoreConformance('postgres', async () => {
  const pool = await schemas.openPool();
  return {
    store: createPostgresRequestLogStore(new PostgresSqlDatabase(pool)),
    async keepPayload(seq, requestId, org) {
      // The payload's audit record and organisation key are not the subject here: the session
      // skips foreign key triggers for this one insert.
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        await client.query("SET LOCAL session_replication_role = 'replica'");
        await client.query(
          'INSERT INTO audit_payloads (seq, request_id, org, key_id, sealed) VALUES ($1, $2, $3, $4, $5)',
          [seq, requestId, org, 'k1', 'sealed'],
        );
        await client.query('COMMIT');
      } finally {
        client.release();
      }
    },
  };
});
