import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runPolicyStoreConformance } from '../policy-store.conformance.ts';
import { SqlPolicyStore } from '../sql/sql-policy-store.ts';
import { openSqliteDatabase } from './open-sqlite-database.ts';
import { SqliteSqlDatabase } from './sqlite-sql-database.ts';

runPolicyStoreConformance('sqlite', () => {
  const stateDir = join(mkdtempSync(join(tmpdir(), 'signalbox-policy-')), 'state');
  const open = (): SqlPolicyStore =>
    new SqlPolicyStore(new SqliteSqlDatabase(openSqliteDatabase(stateDir)));
  return Promise.resolve({ store: open(), reopen: () => Promise.resolve(open()) });
});
