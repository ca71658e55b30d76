import type { PromptVersionStats, RequestLogFilter } from '../request-log-store.ts';
import type { SqlDatabase } from './sql-database.ts';
import {
  isError,
  rankedPercentiles,
  toNumber,
  whereOf,
  type Numeric,
  type PercentileAggregate,
  type PercentileRow,
} from './sql-request-log-terms.ts';

/** One prompt version's sums; its percentiles only when the engine has an aggregate for them. */
interface VersionRow {
  version: Numeric;
  requests: Numeric;
  errors: Numeric | null;
  duration: Numeric | null;
  input_tokens: Numeric | null;
  output_tokens: Numeric | null;
  cost: Numeric | null;
  costed: Numeric;
  p50?: Numeric | null;
  p99?: Numeric | null;
}

/**
 * `RequestLogStore.promptVersionStats` on a SQL database: one GROUP BY over the prompt's rows in
 * the range, which the `(prompt_id, at)` index finds, so only they are sorted by version however
 * large the log. Percentiles as `stats` computes them (`percentile`, else ranked rows).
 */
export async function promptVersionStatsOf(
  database: SqlDatabase,
  percentile: PercentileAggregate,
  query: {
    readonly promptId: string;
    readonly fromMs: number;
    readonly toMs: number;
    readonly filter: Omit<RequestLogFilter, 'fromMs' | 'toMs'>;
  },
): Promise<PromptVersionStats[]> {
  const { where, params } = whereOf({ ...query.filter, fromMs: query.fromMs, toMs: query.toMs });
  params.push(query.promptId);
  // `prompt_id = $n` implies the partial index's `prompt_id IS NOT NULL` on both engines.
  const condition = `prompt_id = $${String(params.length)} AND prompt_version IS NOT NULL
                     AND ${where}`;
  const aggregated =
    percentile === undefined ? '' : `, ${percentile(0.5)} AS p50, ${percentile(0.99)} AS p99`;
  const rows = await database.rows<VersionRow>(
    `SELECT prompt_version AS version, count(*) AS requests,
            sum(CASE WHEN ${isError} THEN 1 ELSE 0 END) AS errors,
            sum(duration_ms) AS duration, sum(input_tokens) AS input_tokens,
            sum(output_tokens) AS output_tokens, sum(cost_nanos) AS cost,
            count(cost_nanos) AS costed${aggregated}
     FROM request_log WHERE ${condition} GROUP BY prompt_version ORDER BY prompt_version`,
    params,
  );
  const ranked =
    percentile === undefined && rows.length > 0
      ? await database.rows<PercentileRow>(rankedPercentiles('prompt_version', condition), params)
      : [];
  const ranks = new Map(ranked.map((row) => [Number(row.bucket), row]));
  return rows.map((row) => {
    const version = Number(row.version);
    const requests = toNumber(row.requests);
    const found = percentile === undefined ? ranks.get(version) : row;
    return {
      version,
      requests,
      errors: toNumber(row.errors),
      durationMsMean: toNumber(row.duration) / requests,
      durationMsP50: toNumber(found?.p50),
      durationMsP99: toNumber(found?.p99),
      inputTokens: toNumber(row.input_tokens),
      outputTokens: toNumber(row.output_tokens),
      costNanos: toNumber(row.cost),
      costedRequests: toNumber(row.costed),
    };
  });
}
