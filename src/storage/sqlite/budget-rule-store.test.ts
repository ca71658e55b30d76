import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBudgetRuleStoreConformance } from '../budget-rule-store.conformance.ts';
import { SqlBudgetRuleStore } from '../sql/sql-budget-rule-store.ts';
import { openSqliteDatabase } from './open-sqlite-database.ts';
import { SqliteSqlDatabase } from './sqlite-sql-database.ts';

runBudgetRuleStoreConformance('sqlite', () => {
  const stateDir = join(mkdtempSync(join(tmpdir(), 'signalbox-budget-rules-')), 'state');
  const open = (): SqlBudgetRuleStore =>
    new SqlBudgetRuleStore(new SqliteSqlDatabase(openSqliteDatabase(stateDir)));
  return Promise.resolve({ store: open(), reopen: () => Promise.resolve(open()) });
});
