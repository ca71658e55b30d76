import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runConsoleSessionStoreConformance } from '../console-session-store.conformance.ts';
import { SqlConsoleSessionStore } from '../sql/sql-console-session-store.ts';
import { openSqliteDatabase } from './open-sqlite-database.ts';
import { SqliteSqlDatabase } from './sqlite-sql-database.ts';

runConsoleSessionStoreConformance('sqlite', () => {
  const stateDir = join(mkdtempSync(join(tmpdir(), 'signalbox-sessions-')), 'state');
  const open = (): SqlConsoleSessionStore =>
    new SqlConsoleSessionStore(new SqliteSqlDatabase(openSqliteDatabase(stateDir)));
  return Promise.resolve({ store: open(), reopen: () => Promise.resolve(open()) });
});
