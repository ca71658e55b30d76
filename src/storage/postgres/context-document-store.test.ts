import { usePostgresTestSchemas } from '../../../test/helpers/postgres-test-schemas.ts';
import { runContextDocumentStoreConformance } from '../context-document-store.conformance.ts';
import { SqlContextDocumentStore } from '../sql/sql-context-document-store.ts';
import { PostgresSqlDatabase } from './postgres-sql-database.ts';

const schemas = usePostgresTestSchemas();

runContextDocumentStoreConformance('postgres', async () => {
  const schema = await schemas.freshSchema();
  const pool = await schemas.openPool(schema);
  return {
    store: new SqlContextDocumentStore(new PostgresSqlDatabase(pool)),
    reopen: async () =>
      new SqlContextDocumentStore(new PostgresSqlDatabase(await schemas.openPool(schema))),
    raw: async (sql: string) => {
      await pool.query(sql);
    },
  };
});
