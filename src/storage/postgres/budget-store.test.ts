import { usePostgresTestSchemas } from '../../../test/helpers/postgres-test-schemas.ts';
import { runBudgetStoreConformance } from '../budget-store.conformance.ts';
import { SqlBudgetStore } from '../sql/sql-budget-store.ts';
import { PostgresSqlDatabase } from './postgres-sql-database.ts';

const schemas = usePostgresTestSchemas();

runBudgetStoreConformance('postgres', async () => {
  const schema = await schemas.freshSchema();
  const pool = await schemas.openPool(schema);
  return {
    store: new SqlBudgetStore(new PostgresSqlDatabase(pool)),
    reopen: async () => new SqlBudgetStore(new PostgresSqlDatabase(await schemas.openPool(schema))),
    forgetCounters: async () => {
      await pool.query('DELETE FROM budget_counters');
    },
  };
});
