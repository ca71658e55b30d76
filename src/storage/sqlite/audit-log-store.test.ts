import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAuditLogStoreConformance } from '../audit-log-store.conformance.ts';
import { SqlAuditLogStore } from '../sql/sql-audit-log-store.ts';
import { SqlAuditPayloadStore } from '../sql/sql-audit-payload-store.ts';
import { openSqliteDatabase } from './open-sqlite-database.ts';
import { SqliteSqlDatabase } from './sqlite-sql-database.ts';

runAuditLogStoreConformance('sqlite', () => {
  const stateDir = join(mkdtempSync(join(tmpdir(), 'signalbox-audit-')), 'state');
  const database = openSqliteDatabase(stateDir);
  const sql = new SqliteSqlDatabase(database);
  return Promise.resolve({
    store: new SqlAuditLogStore(sql),
    payloads: new SqlAuditPayloadStore(sql),
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
