import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runRequestLogStoreConformance } from '../request-log-store.conformance.ts';
import { openSqliteDatabase } from './open-sqlite-database.ts';
import { createSqliteRequestLogStore } from './request-log-store.ts';
import { SqliteSqlDatabase } from './sqlite-sql-database.ts';

for (const percentiles of ['native', 'ranked'] as const) {
  runRequestLogStoreConformance(`sqlite (${percentiles} percentiles)`, async () => {
    const stateDir = join(mkdtempSync(join(tmpdir(), 'signalbox-request-log-')), 'state');
    const database = openSqliteDatabase(stateDir);
    const sql = new SqliteSqlDatabase(database);
    return {
      store: await createSqliteRequestLogStore(sql, percentiles),
      async keepPayload(seq, requestId, org) {
        // The payload's audit record and organisation key exist first (foreign keys).
        database.exec('PRAGMA foreign_keys = OFF');
        await sql.run(
          'INSERT INTO audit_payloads (seq, request_id, org, key_id, sealed) VALUES ($1, $2, $3, $4, $5)',
          [seq, requestId, org, 'k1', 'sealed'],
        );
        database.exec('PRAGMA foreign_keys = ON');
      },
    };
  });
}
