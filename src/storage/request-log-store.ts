// The request log's storage port (docs/request-log.md); backends in sqlite/ and postgres/.
/** One finished request as the request log keeps it: metadata only, never prompts or answers. */
export interface RequestLogRow {
  readonly requestId: string;
  /** When the request arrived, epoch milliseconds. */
  readonly at: number;
  readonly method: string;
  readonly route: string;
  readonly status: number;
  readonly outcome: string;
  readonly keyId: string | null;
  readonly org: string | null;
  readonly team: string | null;
  readonly userId: string | null;
  readonly requestedModel: string | null;
  readonly provider: string | null;
  readonly deployment: string | null;
  readonly upstreamModel: string | null;
  readonly stream: boolean;
  readonly inputTokens: number | null;
  readonly outputTokens: number | null;
  readonly cacheReadTokens: number | null;
  readonly cacheWriteTokens: number | null;
  /** List-price cost in integer nano-dollars (like the ledger); null when unknown. */
  readonly costNanos: number | null;
  readonly durationMs: number;
  readonly upstreamMs: number | null;
  readonly errorCode: string | null;
  readonly routeReason: string | null;
  /** How the response cache took part (`hit`, `miss`, ...); null when it did not. */
  readonly cache: string | null;
  /** The prompt template the request named (docs/prompts.md); null when it named none. */
  readonly promptId: string | null;
  /** The version of `promptId` that shaped it; null exactly when `promptId` is. */
  readonly promptVersion: number | null;
  /** Decision trace, attempts, policy record, usage, finish reasons: a JSON object as text. */
  readonly detail: string;
}

/** Exact-match filters of a request log search or report; every one optional. */
export interface RequestLogFilter {
  readonly fromMs?: number;
  /** Exclusive. */
  readonly toMs?: number;
  readonly keyId?: string;
  readonly org?: string;
  readonly team?: string;
  readonly userId?: string;
  readonly model?: string;
  readonly deployment?: string;
  readonly status?: number;
  readonly outcome?: string;
  readonly errorCode?: string;
  readonly requestId?: string;
}

/** Where a page of a search ends: the last row's time and request id (keyset pagination). */
export interface RequestLogCursor {
  readonly at: number;
  readonly requestId: string;
}

/** Sums over a set of requests; percentiles of `durationMs` are interpolated (`percentile_cont`), the same on SQLite and Postgres. */
export interface RequestLogTotals {
  readonly requests: number;
  /** Status 400 or more, or an outcome other than `completed`. */
  readonly errors: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly costNanos: number;
  readonly p50Ms: number | null;
  readonly p99Ms: number | null;
}

/** A request log report: totals, one entry per non-empty bucket (oldest first), top models. */
export interface RequestLogStats {
  readonly totals: RequestLogTotals;
  readonly series: readonly (RequestLogTotals & { readonly at: number })[];
  /** By requested model, most requests first, at most 20. */
  readonly byModel: readonly {
    readonly model: string | null;
    readonly requests: number;
    readonly costNanos: number;
  }[];
}

/**
 * One version of a prompt over a period, so the versions of a label split compare side by side.
 * Percentiles are interpolated as in `RequestLogTotals`.
 */
export interface PromptVersionStats {
  readonly version: number;
  /** At least 1: a version without requests in the period is not reported. */
  readonly requests: number;
  /** Counted as `RequestLogTotals.errors`: status 400 or more, or an outcome other than `completed`. */
  readonly errors: number;
  readonly durationMsMean: number;
  readonly durationMsP50: number;
  readonly durationMsP99: number;
  /** Sums; a row without a count adds nothing. */
  readonly inputTokens: number;
  readonly outputTokens: number;
  /** Sum of the known costs, nano-dollars; 0 when none is known. */
  readonly costNanos: number;
  /** How many of the requests have a known cost (the divisor of a mean cost). */
  readonly costedRequests: number;
}

/**
 * The request log: one row per finished request, searchable newest first. Methods reject only
 * on storage failure.
 */
export interface RequestLogStore {
  /** Writes rows in one transaction; a request id already present is left as it is. */
  append(rows: readonly RequestLogRow[]): Promise<void>;
  /**
   * Rows matching `filter`, newest first (by time, then request id, both descending), at most
   * `limit`, strictly after `cursor` in that order when given.
   */
  search(
    filter: RequestLogFilter,
    limit: number,
    cursor?: RequestLogCursor,
  ): Promise<RequestLogRow[]>;
  /** One row and the audit seq of its kept payload (null when none is kept). */
  get(requestId: string): Promise<{ row: RequestLogRow; payloadSeq: number | null } | undefined>;
  /** Totals and buckets of `bucketMs` (aligned to the epoch) between `range` ends. */
  stats(
    range: { readonly fromMs: number; readonly toMs: number },
    bucketMs: number,
    filter: RequestLogFilter,
  ): Promise<RequestLogStats>;
  /**
   * Per version of prompt `promptId`, ascending, the requests that arrived from `fromMs`
   * (inclusive) to `toMs` (exclusive) and match `filter` (a caller's scope; none: every row).
   * Rows of another prompt or of none are never counted.
   */
  promptVersionStats(
    promptId: string,
    fromMs: number,
    toMs: number,
    filter?: Omit<RequestLogFilter, 'fromMs' | 'toMs'>,
  ): Promise<PromptVersionStats[]>;
  /** Deletes rows older than `olderThanMs`; resolves how many. */
  prune(olderThanMs: number): Promise<number>;
}
