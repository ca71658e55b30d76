import { usePostgresTestSchemas } from '../../../test/helpers/postgres-test-schemas.ts';
import { runPromptStoreConformance } from '../prompt-store.conformance.ts';
import { SqlPromptStore } from '../sql/sql-prompt-store.ts';
import { PostgresSqlDatabase } from './postgres-sql-database.ts';

const schemas = usePostgresTestSchemas();

runPromptStoreConformance('postgres', async () => {
  const schema = await schemas.freshSchema();
  const database = new PostgresSqlDatabase(await schemas.openPool(schema));
  const open = async (): Promise<SqlPromptStore> =>
    new SqlPromptStore(new PostgresSqlDatabase(await schemas.openPool(schema)));
  return {
    store: new SqlPromptStore(database),
    reopen: open,
    execute: (sql, params) => database.run(sql, params),
  };
});
