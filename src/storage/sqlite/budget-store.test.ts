import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBudgetStoreConformance } from '../budget-store.conformance.ts';
import { SqlBudgetStore } from '../sql/sql-budget-store.ts';
import { openSqliteDatabase } from './open-sqlite-database.ts';
import { SqliteSqlDatabase } from './sqlite-sql-database.ts';

runBudgetStoreConformance('sqlite', () => {
  const stateDir = join(mkdtempSync(join(tmpdir(), 'signalbox-budgets-')), 'state');
  const database = openSqliteDatabase(stateDir);
  return Promise.resolve({
    store: new SqlBudgetStore(new SqliteSqlDatabase(database)),
    reopen: () =>
      Promise.resolve(new SqlBudgetStore(new SqliteSqlDatabase(openSqliteDatabase(stateDir)))),
    forgetCounters: () => {
      database.exec('DELETE FROM budget_counters');
      return Promise.resolve();
    },
  });
});
