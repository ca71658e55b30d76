import { usePostgresTestSchemas } from '../../../test/helpers/postgres-test-schemas.ts';
import { runBudgetRuleStoreConformance } from '../budget-rule-store.conformance.ts';
import { SqlBudgetRuleStore } from '../sql/sql-budget-rule-store.ts';
import { PostgresSqlDatabase } from './postgres-sql-database.ts';

const schemas = usePostgresTestSchemas();

runBudgetRuleStoreConformance('postgres', async () => {
  const schema = await schemas.freshSchema();
  const open = async (): Promise<SqlBudgetRuleStore> =>
    new SqlBudgetRuleStore(new PostgresSqlDatabase(await schemas.openPool(schema)));
  return { store: await open(), reopen: open };
});
