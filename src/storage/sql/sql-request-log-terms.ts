// The request log's SQL shared by its store (sql-request-log-store.ts) and its prompt report
// (sql-prompt-version-stats.ts): filters, error rule, percentiles, number columns.
import type { RequestLogFilter } from '../request-log-store.ts';
import type { SqlValue } from './sql-database.ts';

/**
 * How an engine computes a percentile of `duration_ms` (linear interpolation between the two
 * nearest ranks, as PostgreSQL's and SQLite's `percentile_cont`): an aggregate expression for
 * fraction `p`, or undefined when the engine has none (SQLite built without its percentile
 * functions), and then window functions rank the rows.
 */
export type PercentileAggregate = ((fraction: number) => string) | undefined;

/** Filter fields and their columns: fixed names, never taken from input. */
const filterColumns = {
  keyId: 'key_id',
  org: 'org',
  team: 'team',
  userId: 'user_id',
  model: 'requested_model',
  deployment: 'deployment',
  status: 'status',
  outcome: 'outcome',
  errorCode: 'error_code',
  requestId: 'request_id',
} as const satisfies Partial<Record<keyof RequestLogFilter, string>>;

/** How a number column arrives: PostgreSQL's bigint and numeric as text. */
export type Numeric = number | string;

/** Percentiles of `duration_ms`, per bucket when grouped. */
export interface PercentileRow {
  bucket?: Numeric;
  p50: Numeric | null;
  p99: Numeric | null;
}

/**
 * Interpolated percentiles per bucket with window functions only: the rows of rank
 * floor(p·(n−1)) and the next, weighted by the fraction (what `percentile_cont` computes).
 */
export function rankedPercentiles(bucket: string, where: string): string {
  const pick = (fraction: number, name: string): string => {
    const position = `(${String(fraction)} * (n - 1))`;
    const low = `CAST(${position} AS INTEGER)`;
    return `sum(CASE WHEN r = ${low} THEN duration_ms * (1 - (${position} - ${low}))
                     WHEN r = ${low} + 1 THEN duration_ms * (${position} - ${low})
                     ELSE 0 END) AS ${name}`;
  };
  return `SELECT bucket, ${pick(0.5, 'p50')}, ${pick(0.99, 'p99')}
          FROM (SELECT bucket, duration_ms,
                       row_number() OVER (PARTITION BY bucket ORDER BY duration_ms) - 1 AS r,
                       count(*) OVER (PARTITION BY bucket) AS n
                FROM (SELECT ${bucket} AS bucket, duration_ms FROM request_log WHERE ${where}))
          GROUP BY bucket`;
}

/** A sum as a number: PostgreSQL's bigint and numeric sums arrive as text, empty sums as null (0). */
export function toNumber(value: Numeric | null | undefined): number {
  return value === null || value === undefined ? 0 : Number(value);
}

/** A nullable column as a number or null. */
export function toNumberOrNull(value: Numeric | null): number | null {
  return value === null ? null : Number(value);
}

/** A WHERE condition for `filter` and its parameters, numbered from `$1`. */
export function whereOf(filter: RequestLogFilter): { where: string; params: SqlValue[] } {
  const params: SqlValue[] = [];
  const conditions: string[] = [];
  const bind = (value: SqlValue): string => {
    params.push(value);
    return `$${String(params.length)}`;
  };
  if (filter.fromMs !== undefined) conditions.push(`at >= ${bind(filter.fromMs)}`);
  if (filter.toMs !== undefined) conditions.push(`at < ${bind(filter.toMs)}`);
  for (const [name, column] of Object.entries(filterColumns)) {
    const value = filter[name as keyof typeof filterColumns];
    if (value !== undefined) conditions.push(`${column} = ${bind(value)}`);
  }
  return { where: conditions.length === 0 ? 'TRUE' : conditions.join(' AND '), params };
}

/** Errors as the stats count them: a client or server error status, or an unfinished answer. */
export const isError = "(status >= 400 OR outcome <> 'completed')";
