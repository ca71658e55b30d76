import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAuditLogStoreConformance } from '../audit-log-store.conformance.ts';
import { SqliteAuditLogStore } from './audit-log-store.ts';
import { openSqliteDatabase } from './open-sqlite-database.ts';

runAuditLogStoreConformance('sqlite', () => {
  const stateDir = join(mkdtempSync(join(tmpdir(), 'signalbox-audit-')), 'state');
  const database = openSqliteDatabase(stateDir);
  return Promise.resolve({
    store: new SqliteAuditLogStore(database),
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
