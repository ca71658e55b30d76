import type { RequestLogStore } from '../request-log-store.ts';
import { SqlRequestLogStore } from '../sql/sql-request-log-store.ts';
import type { SqlDatabase } from '../sql/sql-database.ts';

/** The request log in PostgreSQL (shared by every replica). */
export function createPostgresRequestLogStore(database: SqlDatabase): RequestLogStore {
  return new SqlRequestLogStore(database, {
    // An ordered-set aggregate; the same interpolation as SQLite's percentile_cont.
    percentile: (fraction) =>
      `percentile_cont(${String(fraction)}) WITHIN GROUP (ORDER BY duration_ms)`,
    // One GROUP BY: PostgreSQL hashes the buckets, and a statement per bucket is a round trip.
    statementPerBucket: false,
  });
}
