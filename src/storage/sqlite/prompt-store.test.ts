import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runPromptStoreConformance } from '../prompt-store.conformance.ts';
import { SqlPromptStore } from '../sql/sql-prompt-store.ts';
import { openSqliteDatabase } from './open-sqlite-database.ts';
import { SqliteSqlDatabase } from './sqlite-sql-database.ts';

runPromptStoreConformance('sqlite', () => {
  const stateDir = join(mkdtempSync(join(tmpdir(), 'signalbox-prompts-')), 'state');
  const database = new SqliteSqlDatabase(openSqliteDatabase(stateDir));
  const open = (): SqlPromptStore =>
    new SqlPromptStore(new SqliteSqlDatabase(openSqliteDatabase(stateDir)));
  return Promise.resolve({
    store: new SqlPromptStore(database),
    reopen: () => Promise.resolve(open()),
    execute: (sql, params) => database.run(sql, params),
  });
});
