import { usePostgresTestSchemas } from '../../../test/helpers/postgres-test-schemas.ts';
import { runPolicyStoreConformance } from '../policy-store.conformance.ts';
import { SqlPolicyStore } from '../sql/sql-policy-store.ts';
import { PostgresSqlDatabase } from './postgres-sql-database.ts';

const schemas = usePostgresTestSchemas();

runPolicyStoreConformance('postgres', async () => {
  const schema = await schemas.freshSchema();
  const open = async (): Promise<SqlPolicyStore> =>
    new SqlPolicyStore(new PostgresSqlDatabase(await schemas.openPool(schema)));
  return { store: await open(), reopen: open };
});
