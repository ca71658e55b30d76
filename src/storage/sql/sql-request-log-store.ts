import type {
  PromptVersionStats,
  RequestLogCursor,
  RequestLogFilter,
  RequestLogRow,
  RequestLogStats,
  RequestLogStore,
  RequestLogTotals,
} from '../request-log-store.ts';
import type { SqlDatabase, SqlValue } from './sql-database.ts';
import { promptVersionStatsOf } from './sql-prompt-version-stats.ts';
import { rowPlaceholders, textPerRowCount } from './statement-chunks.ts';
import {
  isError,
  rankedPercentiles,
  toNumber,
  toNumberOrNull,
  whereOf,
  type Numeric,
  type PercentileAggregate,
  type PercentileRow,
} from './sql-request-log-terms.ts';

export type { PercentileAggregate } from './sql-request-log-terms.ts';

const columns =
  'request_id, at, method, route, status, outcome, key_id, org, team, user_id, requested_model, ' +
  'provider, deployment, upstream_model, stream, input_tokens, output_tokens, cache_read_tokens, ' +
  'cache_write_tokens, cost_nanos, duration_ms, upstream_ms, error_code, route_reason, cache, detail, ' +
  'prompt_id, prompt_version';
const columnCount = columns.split(',').length;

/**
 * Rows per INSERT statement. PostgreSQL: 100 (28 columns stay under its parameter cap; each
 * statement is a round trip). SQLite: 1, a cached statement run per row, which the bench measured
 * 4 to 5 times faster than multi-row VALUES (binding thousands of parameters costs more there).
 */
const rowsPerStatement = { postgres: 100, sqlite: 1 } as const;

/**
 * The INSERT of `rows` request-log rows, built once per size: at most `rowsPerStatement` texts
 * (on PostgreSQL the hundred sizes together are about 0.7 MB of text).
 */
const requestLogInsert = textPerRowCount(
  (rows) => `INSERT INTO request_log (${columns}) VALUES ${rowPlaceholders(rows, columnCount)}
           ON CONFLICT (request_id) DO NOTHING`,
);

interface StoredRow {
  request_id: string;
  at: Numeric;
  method: string;
  route: string;
  status: Numeric;
  outcome: string;
  key_id: string | null;
  org: string | null;
  team: string | null;
  user_id: string | null;
  requested_model: string | null;
  provider: string | null;
  deployment: string | null;
  upstream_model: string | null;
  stream: Numeric | boolean;
  input_tokens: Numeric | null;
  output_tokens: Numeric | null;
  cache_read_tokens: Numeric | null;
  cache_write_tokens: Numeric | null;
  cost_nanos: Numeric | null;
  duration_ms: Numeric;
  upstream_ms: Numeric | null;
  error_code: string | null;
  route_reason: string | null;
  cache: string | null;
  detail: string;
  prompt_id: string | null;
  prompt_version: Numeric | null;
}

interface SumRow {
  bucket: Numeric;
  requests: Numeric;
  errors: Numeric | null;
  input_tokens: Numeric | null;
  output_tokens: Numeric | null;
  cost: Numeric | null;
}

interface ModelRow {
  model: string | null;
  requests: Numeric;
  cost: Numeric | null;
}

/** Per-model rows (possibly several per model) summed, most requests first, at most 20. */
function topModels(rows: readonly ModelRow[]): RequestLogStats['byModel'] {
  const sums = new Map<string | null, { requests: number; costNanos: number }>();
  for (const row of rows) {
    const sum = sums.get(row.model) ?? { requests: 0, costNanos: 0 };
    sum.requests += toNumber(row.requests);
    sum.costNanos += toNumber(row.cost);
    sums.set(row.model, sum);
  }
  return [...sums]
    .map(([model, sum]) => ({ model, ...sum }))
    .sort(
      (left, right) =>
        right.requests - left.requests || (left.model ?? '').localeCompare(right.model ?? ''),
    )
    .slice(0, 20);
}

type BucketRow = SumRow & { p50: Numeric | null; p99: Numeric | null };

function toRow(row: StoredRow): RequestLogRow {
  return {
    requestId: row.request_id,
    at: Number(row.at),
    method: row.method,
    route: row.route,
    status: Number(row.status),
    outcome: row.outcome,
    keyId: row.key_id,
    org: row.org,
    team: row.team,
    userId: row.user_id,
    requestedModel: row.requested_model,
    provider: row.provider,
    deployment: row.deployment,
    upstreamModel: row.upstream_model,
    stream: row.stream === true || Number(row.stream) === 1,
    inputTokens: toNumberOrNull(row.input_tokens),
    outputTokens: toNumberOrNull(row.output_tokens),
    cacheReadTokens: toNumberOrNull(row.cache_read_tokens),
    cacheWriteTokens: toNumberOrNull(row.cache_write_tokens),
    costNanos: toNumberOrNull(row.cost_nanos),
    durationMs: Number(row.duration_ms),
    upstreamMs: toNumberOrNull(row.upstream_ms),
    errorCode: row.error_code,
    routeReason: row.route_reason,
    cache: row.cache,
    detail: row.detail,
    promptId: row.prompt_id,
    promptVersion: toNumberOrNull(row.prompt_version),
  };
}

function valuesOf(row: RequestLogRow, stream: (value: boolean) => SqlValue): SqlValue[] {
  return [
    row.requestId,
    row.at,
    row.method,
    row.route,
    row.status,
    row.outcome,
    row.keyId,
    row.org,
    row.team,
    row.userId,
    row.requestedModel,
    row.provider,
    row.deployment,
    row.upstreamModel,
    stream(row.stream),
    row.inputTokens,
    row.outputTokens,
    row.cacheReadTokens,
    row.cacheWriteTokens,
    row.costNanos,
    row.durationMs,
    row.upstreamMs,
    row.errorCode,
    row.routeReason,
    row.cache,
    row.detail,
    row.promptId,
    row.promptVersion,
  ];
}

/** Beyond this many buckets a report is one GROUP BY, whatever the engine prefers. */
const maxStatementsPerReport = 2_000;

/**
 * The request log on a SQL database (SQLite or PostgreSQL): the same statements on both, except
 * how a percentile is spelt (`percentile`). Bucket arithmetic is integer division of the epoch
 * milliseconds, so minute, hour and day buckets are aligned to UTC.
 */
export class SqlRequestLogStore implements RequestLogStore {
  readonly #database: SqlDatabase;
  readonly #percentile: PercentileAggregate;
  readonly #statementPerBucket: boolean;

  /**
   * `statementPerBucket`: aggregate each bucket with its own statement rather than one GROUP BY
   * (SQLite, where the sort a GROUP BY on a computed bucket needs dominates; see the bench).
   */
  constructor(
    database: SqlDatabase,
    engine: { readonly percentile: PercentileAggregate; readonly statementPerBucket: boolean },
  ) {
    this.#database = database;
    this.#percentile = engine.percentile;
    this.#statementPerBucket = engine.statementPerBucket;
  }

  async append(rows: readonly RequestLogRow[]): Promise<void> {
    if (rows.length === 0) return;
    const stream =
      this.#database.dialect.name === 'postgres'
        ? (value: boolean): SqlValue => (value ? 'true' : 'false')
        : (value: boolean): SqlValue => (value ? 1 : 0);
    await this.#database.transaction(async (session) => {
      const perStatement = rowsPerStatement[this.#database.dialect.name];
      for (let start = 0; start < rows.length; start += perStatement) {
        const chunk = rows.slice(start, start + perStatement);
        const params = chunk.flatMap((row) => valuesOf(row, stream));
        await session.run(requestLogInsert(chunk.length), params);
      }
    });
  }

  async search(
    filter: RequestLogFilter,
    limit: number,
    cursor?: RequestLogCursor,
  ): Promise<RequestLogRow[]> {
    const { where, params } = whereOf(filter);
    let after = '';
    if (cursor !== undefined) {
      params.push(cursor.at, cursor.requestId);
      // Row values: both engines compare them in order, and SQLite seeks its (at, request_id) index.
      after = ` AND (at, request_id) < ($${String(params.length - 1)}, $${String(params.length)})`;
    }
    params.push(limit);
    const rows = await this.#database.rows<StoredRow>(
      `SELECT ${columns} FROM request_log WHERE ${where}${after}
       ORDER BY at DESC, request_id DESC LIMIT $${String(params.length)}`,
      params,
    );
    return rows.map(toRow);
  }

  async get(
    requestId: string,
  ): Promise<{ row: RequestLogRow; payloadSeq: number | null } | undefined> {
    const rows = await this.#database.rows<StoredRow & { payload_seq: Numeric | null }>(
      `SELECT ${columns},
              (SELECT min(seq) FROM audit_payloads WHERE audit_payloads.request_id = request_log.request_id)
                AS payload_seq
       FROM request_log WHERE request_id = $1`,
      [requestId],
    );
    const row = rows[0];
    return row === undefined
      ? undefined
      : { row: toRow(row), payloadSeq: toNumberOrNull(row.payload_seq) };
  }

  async stats(
    range: { readonly fromMs: number; readonly toMs: number },
    bucketMs: number,
    filter: RequestLogFilter,
  ): Promise<RequestLogStats> {
    const { where, params } = whereOf({ ...filter, fromMs: range.fromMs, toMs: range.toMs });
    const percentile = this.#percentile;
    const { sums, models } =
      percentile !== undefined &&
      this.#statementPerBucket &&
      (range.toMs - range.fromMs) / bucketMs < maxStatementsPerReport
        ? await this.#bucketsOneByOne(range, bucketMs, filter, percentile)
        : {
            sums: await this.#bucketsGrouped(where, params, bucketMs, percentile),
            models: await this.#database.rows<ModelRow>(
              `SELECT requested_model AS model, count(*) AS requests, sum(cost_nanos) AS cost
               FROM request_log WHERE ${where} GROUP BY requested_model`,
              params,
            ),
          };
    const overall =
      percentile === undefined
        ? await this.#database.rows<PercentileRow>(rankedPercentiles('0', where), params)
        : await this.#database.rows<PercentileRow>(
            `SELECT ${percentile(0.5)} AS p50, ${percentile(0.99)} AS p99
             FROM request_log WHERE ${where}`,
            params,
          );
    const series = sums.map((row) => ({
      at: Number(row.bucket),
      requests: toNumber(row.requests),
      errors: toNumber(row.errors),
      inputTokens: toNumber(row.input_tokens),
      outputTokens: toNumber(row.output_tokens),
      costNanos: toNumber(row.cost),
      p50Ms: toNumberOrNull(row.p50),
      p99Ms: toNumberOrNull(row.p99),
    }));
    const total = (pick: (entry: RequestLogTotals) => number): number =>
      series.reduce((sum, entry) => sum + pick(entry), 0);
    return {
      totals: {
        requests: total((entry) => entry.requests),
        errors: total((entry) => entry.errors),
        inputTokens: total((entry) => entry.inputTokens),
        outputTokens: total((entry) => entry.outputTokens),
        costNanos: total((entry) => entry.costNanos),
        p50Ms: toNumberOrNull(overall[0]?.p50 ?? null),
        p99Ms: toNumberOrNull(overall[0]?.p99 ?? null),
      },
      series,
      byModel: topModels(models),
    };
  }

  /** One GROUP BY over the range: a sort of every row by bucket, then percentiles by rank. */
  async #bucketsGrouped(
    where: string,
    params: readonly SqlValue[],
    bucketMs: number,
    percentile: PercentileAggregate,
  ): Promise<BucketRow[]> {
    const bucketParam = `$${String(params.length + 1)}`;
    // Cast: a bound JavaScript number may arrive as a float, and bucketing needs integer division.
    const bucket = `(at / CAST(${bucketParam} AS BIGINT)) * CAST(${bucketParam} AS BIGINT)`;
    const bucketed = [...params, bucketMs];
    const aggregated =
      percentile === undefined ? '' : `, ${percentile(0.5)} AS p50, ${percentile(0.99)} AS p99`;
    const sums = await this.#database.rows<SumRow & Partial<PercentileRow>>(
      `SELECT ${bucket} AS bucket, count(*) AS requests,
              sum(CASE WHEN ${isError} THEN 1 ELSE 0 END) AS errors,
              sum(input_tokens) AS input_tokens, sum(output_tokens) AS output_tokens,
              sum(cost_nanos) AS cost${aggregated}
       FROM request_log WHERE ${where} GROUP BY 1 ORDER BY 1`,
      bucketed,
    );
    if (percentile !== undefined) {
      return sums.map((row) => ({ ...row, p50: row.p50 ?? null, p99: row.p99 ?? null }));
    }
    const ranked = await this.#database.rows<PercentileRow>(
      rankedPercentiles(bucket, where),
      bucketed,
    );
    const ranks = new Map(ranked.map((row) => [Number(row.bucket), row]));
    return sums.map((row) => {
      const found = ranks.get(Number(row.bucket));
      return { ...row, p50: found?.p50 ?? null, p99: found?.p99 ?? null };
    });
  }

  /**
   * One statement per bucket, each a range read of the index in time order: SQLite sorts every
   * row of a GROUP BY on a computed bucket, which costs more than these few hundred statements.
   */
  async #bucketsOneByOne(
    range: { readonly fromMs: number; readonly toMs: number },
    bucketMs: number,
    filter: RequestLogFilter,
    percentile: (fraction: number) => string,
  ): Promise<{ sums: BucketRow[]; models: ModelRow[] }> {
    const rows: BucketRow[] = [];
    const models: ModelRow[] = [];
    const first = Math.floor(range.fromMs / bucketMs) * bucketMs;
    for (let start = first; start < range.toMs; start += bucketMs) {
      const { where, params } = whereOf({
        ...filter,
        fromMs: Math.max(start, range.fromMs),
        toMs: Math.min(start + bucketMs, range.toMs),
      });
      const [row] = await this.#database.rows<Omit<BucketRow, 'bucket'>>(
        `SELECT count(*) AS requests, sum(CASE WHEN ${isError} THEN 1 ELSE 0 END) AS errors,
                sum(input_tokens) AS input_tokens, sum(output_tokens) AS output_tokens,
                sum(cost_nanos) AS cost, ${percentile(0.5)} AS p50, ${percentile(0.99)} AS p99
         FROM request_log WHERE ${where}`,
        params,
      );
      if (row === undefined || toNumber(row.requests) === 0) continue;
      rows.push({ ...row, bucket: start });
      // Grouping a bucket sorts only its rows; one GROUP BY over the range would sort them all.
      models.push(
        ...(await this.#database.rows<ModelRow>(
          `SELECT requested_model AS model, count(*) AS requests, sum(cost_nanos) AS cost
           FROM request_log WHERE ${where} GROUP BY requested_model`,
          params,
        )),
      );
    }
    return { sums: rows, models };
  }

  promptVersionStats(
    promptId: string,
    fromMs: number,
    toMs: number,
    filter: Omit<RequestLogFilter, 'fromMs' | 'toMs'> = {},
  ): Promise<PromptVersionStats[]> {
    return promptVersionStatsOf(this.#database, this.#percentile, {
      promptId,
      fromMs,
      toMs,
      filter,
    });
  }

  prune(olderThanMs: number): Promise<number> {
    return this.#database.run('DELETE FROM request_log WHERE at < $1', [olderThanMs]);
  }
}
