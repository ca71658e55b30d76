import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runContextDocumentStoreConformance } from '../context-document-store.conformance.ts';
import { SqlContextDocumentStore } from '../sql/sql-context-document-store.ts';
import { openSqliteDatabase } from './open-sqlite-database.ts';
import { SqliteSqlDatabase } from './sqlite-sql-database.ts';

runContextDocumentStoreConformance('sqlite', () => {
  const stateDir = join(mkdtempSync(join(tmpdir(), 'signalbox-context-')), 'state');
  const database = openSqliteDatabase(stateDir);
  return Promise.resolve({
    store: new SqlContextDocumentStore(new SqliteSqlDatabase(database)),
    reopen: () =>
      Promise.resolve(
        new SqlContextDocumentStore(new SqliteSqlDatabase(openSqliteDatabase(stateDir))),
      ),
    raw: (sql: string) => {
      try {
        database.exec(sql);
        return Promise.resolve();
      } catch (error) {
        return Promise.reject(error instanceof Error ? error : new Error(String(error)));
      }
    },
  });
});
