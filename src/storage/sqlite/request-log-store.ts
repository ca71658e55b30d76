import type { RequestLogStore } from '../request-log-store.ts';
import { SqlRequestLogStore, type PercentileAggregate } from '../sql/sql-request-log-store.ts';
import type { SqlDatabase } from '../sql/sql-database.ts';

/** SQLite's percentile aggregate (3.47+, built in by Node.js), when this build has it. */
async function sqlitePercentile(database: SqlDatabase): Promise<PercentileAggregate> {
  try {
    await database.rows('SELECT percentile_cont(1.0, 0.5) AS p', []);
    return (fraction) => `percentile_cont(duration_ms, ${String(fraction)})`;
  } catch {
    // Built without SQLITE_ENABLE_PERCENTILE: rank with window functions (slower, same answers).
    return undefined;
  }
}

/**
 * The request log in the embedded SQLite database (the state directory's file). `percentiles`
 * `'ranked'` forces the window-function fallback (tests compare both).
 */
export async function createSqliteRequestLogStore(
  database: SqlDatabase,
  percentiles: 'native' | 'ranked' = 'native',
): Promise<RequestLogStore> {
  return new SqlRequestLogStore(database, {
    percentile: percentiles === 'ranked' ? undefined : await sqlitePercentile(database),
    statementPerBucket: true,
  });
}
