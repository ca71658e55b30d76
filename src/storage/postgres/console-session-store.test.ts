import { usePostgresTestSchemas } from '../../../test/helpers/postgres-test-schemas.ts';
import { runConsoleSessionStoreConformance } from '../console-session-store.conformance.ts';
import { SqlConsoleSessionStore } from '../sql/sql-console-session-store.ts';
import { PostgresSqlDatabase } from './postgres-sql-database.ts';

const schemas = usePostgresTestSchemas();

runConsoleSessionStoreConformance('postgres', async () => {
  const schema = await schemas.freshSchema();
  const open = async (): Promise<SqlConsoleSessionStore> =>
    new SqlConsoleSessionStore(new PostgresSqlDatabase(await schemas.openPool(schema)));
  return { store: await open(), reopen: open };
});
