import { GatewayError } from '../../errors/gateway-error.ts';
import { isJsonObject, safeParseJson } from '../../lib/json.ts';
import type {
  PromptVersionStats,
  RequestLogCursor,
  RequestLogFilter,
  RequestLogRow,
  RequestLogStore,
  RequestLogTotals,
} from '../../storage/request-log-store.ts';
import { scopeSpendFilters } from '../budgets/spend-report-scope.ts';
import { canReadPlatform } from '../identity/authorisation.ts';
import type { Principal } from '../identity/principal.ts';

/** The filters a caller may ask for (validated by the HTTP layer). */
export type RequestLogQueryFilter = Omit<RequestLogFilter, 'userId'>;

/** One request as `GET /admin/requests` lists it. */
export interface RequestLogEntryView {
  readonly request_id: string;
  readonly at: string;
  readonly method: string;
  readonly route: string;
  readonly status: number;
  readonly outcome: string;
  readonly key_id: string | null;
  readonly org: string | null;
  readonly team: string | null;
  readonly user_id: string | null;
  readonly requested_model: string | null;
  readonly provider: string | null;
  readonly deployment: string | null;
  readonly upstream_model: string | null;
  readonly stream: boolean;
  readonly input_tokens: number | null;
  readonly output_tokens: number | null;
  readonly cost_usd: number | null;
  readonly duration_ms: number;
  readonly upstream_ms: number | null;
  readonly error_code: string | null;
  readonly route_reason: string | null;
  readonly cache: string | null;
  /** The prompt template and version that shaped the request; null when it named none. */
  readonly prompt_id: string | null;
  readonly prompt_version: number | null;
}

/** One request as `GET /admin/requests/:id` shows it: the entry, its detail, its payload's seq. */
export type RequestLogDetailView = RequestLogEntryView & {
  readonly decision: unknown;
  readonly attempts: unknown;
  readonly policy: unknown;
  readonly usage: unknown;
  readonly finish_reasons: unknown;
  /** `{id, version, label, sha256}` and the context documents, when they took part. */
  readonly prompt?: unknown;
  readonly context?: unknown;
  readonly payload_seq: number | null;
};

/**
 * One version of a prompt as `GET /admin/prompts/:id/stats` reports it. Means and rates are of
 * the version's requests in the period (it has at least one); `mean_cost_usd` only of those whose
 * cost is known, null when none is. Durations in milliseconds, rounded to the microsecond.
 */
export interface PromptVersionStatsView {
  readonly version: number;
  readonly requests: number;
  readonly errors: number;
  /** `errors / requests`, between 0 and 1. */
  readonly error_rate: number;
  readonly mean_duration_ms: number;
  readonly p50_ms: number;
  readonly p99_ms: number;
  readonly input_tokens: number;
  readonly output_tokens: number;
  readonly cost_usd: number;
  readonly mean_cost_usd: number | null;
}

interface TotalsView {
  readonly requests: number;
  readonly errors: number;
  readonly input_tokens: number;
  readonly output_tokens: number;
  readonly cost_usd: number;
  readonly p50_ms: number | null;
  readonly p99_ms: number | null;
}

export interface RequestLogStatsView {
  readonly from: string;
  readonly to: string;
  readonly bucket: RequestLogBucket;
  readonly totals: TotalsView;
  /** Every bucket of the range, oldest first; buckets without requests hold zeros and nulls. */
  readonly series: readonly (TotalsView & { readonly at: string })[];
  readonly by_model: readonly {
    readonly model: string | null;
    readonly requests: number;
    readonly cost_usd: number;
  }[];
}

export type RequestLogBucket = 'minute' | 'hour' | 'day';

const bucketMs: Record<RequestLogBucket, number> = {
  minute: 60_000,
  hour: 3_600_000,
  day: 86_400_000,
};

/** The most buckets one report may have (24 h by minute is 1 440). */
export const maxRequestLogBuckets = 1_500;

/**
 * The store filter a caller's query really runs with: scoped as spend reports are (its own
 * organisation, its team for team admins and viewers, its own key or user for members), so
 * another tenant's requests read as none.
 */
function scopedFilter(caller: Principal, filter: RequestLogQueryFilter): RequestLogFilter {
  const scoped = scopeSpendFilters(caller, {
    ...(filter.keyId === undefined ? {} : { key: filter.keyId }),
    ...(filter.team === undefined ? {} : { team: filter.team }),
    ...(filter.org === undefined ? {} : { org: filter.org }),
  });
  // Identity filters come from the scoped set only; the others pass through as asked.
  const rest: RequestLogFilter = { ...filter };
  delete (rest as { keyId?: string }).keyId;
  delete (rest as { team?: string }).team;
  delete (rest as { org?: string }).org;
  return {
    ...rest,
    ...(scoped.org === undefined ? {} : { org: scoped.org }),
    ...(scoped.team === undefined ? {} : { team: scoped.team }),
    ...(scoped.key === undefined ? {} : { keyId: scoped.key }),
    ...(scoped.user === undefined ? {} : { userId: scoped.user }),
  };
}

/** Whether a row passes the exact-match parts of a scoped filter. */
function visible(row: RequestLogRow, filter: RequestLogFilter): boolean {
  return (
    (filter.org === undefined || row.org === filter.org) &&
    (filter.team === undefined || row.team === filter.team) &&
    (filter.keyId === undefined || row.keyId === filter.keyId) &&
    (filter.userId === undefined || row.userId === filter.userId)
  );
}

function entryView(row: RequestLogRow): RequestLogEntryView {
  return {
    request_id: row.requestId,
    at: new Date(row.at).toISOString(),
    method: row.method,
    route: row.route,
    status: row.status,
    outcome: row.outcome,
    key_id: row.keyId,
    org: row.org,
    team: row.team,
    user_id: row.userId,
    requested_model: row.requestedModel,
    provider: row.provider,
    deployment: row.deployment,
    upstream_model: row.upstreamModel,
    stream: row.stream,
    input_tokens: row.inputTokens,
    output_tokens: row.outputTokens,
    // Nano-dollars are exact integers; dollars are for reading.
    cost_usd: row.costNanos === null ? null : row.costNanos / 1e9,
    duration_ms: row.durationMs,
    upstream_ms: row.upstreamMs,
    error_code: row.errorCode,
    route_reason: row.routeReason,
    cache: row.cache,
    prompt_id: row.promptId,
    prompt_version: row.promptVersion,
  };
}

/** Milliseconds to the microsecond: more digits are noise from floating point sums. */
function roundMs(value: number): number {
  return Math.round(value * 1000) / 1000;
}

function promptVersionStatsView(stats: PromptVersionStats): PromptVersionStatsView {
  return {
    version: stats.version,
    requests: stats.requests,
    errors: stats.errors,
    error_rate: stats.errors / stats.requests,
    mean_duration_ms: roundMs(stats.durationMsMean),
    p50_ms: roundMs(stats.durationMsP50),
    p99_ms: roundMs(stats.durationMsP99),
    input_tokens: stats.inputTokens,
    output_tokens: stats.outputTokens,
    cost_usd: stats.costNanos / 1e9,
    mean_cost_usd: stats.costedRequests === 0 ? null : stats.costNanos / stats.costedRequests / 1e9,
  };
}

function totalsView(totals: RequestLogTotals): TotalsView {
  const round = (value: number | null): number | null => (value === null ? null : roundMs(value));
  return {
    requests: totals.requests,
    errors: totals.errors,
    input_tokens: totals.inputTokens,
    output_tokens: totals.outputTokens,
    cost_usd: totals.costNanos / 1e9,
    p50_ms: round(totals.p50Ms),
    p99_ms: round(totals.p99Ms),
  };
}

const emptyTotals: RequestLogTotals = {
  requests: 0,
  errors: 0,
  inputTokens: 0,
  outputTokens: 0,
  costNanos: 0,
  p50Ms: null,
  p99Ms: null,
};

/** The request log as the admin API reads it, scoped to what each caller may see. */
export class RequestLogQueries {
  readonly #store: RequestLogStore;

  constructor(store: RequestLogStore) {
    this.#store = store;
  }

  /**
   * A page of requests, newest first, and the cursor of the next page (undefined at the end).
   * Asks the store for one row more than `limit` to know whether another page exists.
   */
  async search(
    caller: Principal,
    filter: RequestLogQueryFilter,
    limit: number,
    cursor: RequestLogCursor | undefined,
  ): Promise<{ data: RequestLogEntryView[]; next: RequestLogCursor | undefined }> {
    const rows = await this.#store.search(scopedFilter(caller, filter), limit + 1, cursor);
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      data: page.map(entryView),
      next:
        rows.length > limit && last !== undefined
          ? { at: last.at, requestId: last.requestId }
          : undefined,
    };
  }

  /** One request with its detail, or undefined when it is unknown or not the caller's to see. */
  async get(caller: Principal, requestId: string): Promise<RequestLogDetailView | undefined> {
    const found = await this.#store.get(requestId);
    if (found === undefined || !visible(found.row, scopedFilter(caller, {}))) return undefined;
    const parsed = safeParseJson(found.row.detail);
    const detail = parsed.ok && isJsonObject(parsed.value) ? parsed.value : {};
    return {
      ...entryView(found.row),
      decision: detail.decision ?? null,
      attempts: detail.attempts ?? [],
      policy: detail.policy ?? null,
      usage: detail.usage ?? null,
      finish_reasons: detail.finish_reasons ?? [],
      ...(detail.prompt === undefined ? {} : { prompt: detail.prompt }),
      ...(detail.context === undefined ? {} : { context: detail.context }),
      ...(detail.output_schema === undefined ? {} : { output_schema: detail.output_schema }),
      ...(detail.cache === undefined ? {} : { cache_detail: detail.cache }),
      payload_seq: found.payloadSeq,
    };
  }

  /**
   * Totals, a series of `bucket`s (UTC-aligned) and the top 20 requested models between `fromMs`
   * and `toMs` (exclusive). Throws `GatewayError` (400) when the range holds more than
   * `maxRequestLogBuckets` buckets.
   */
  async stats(
    caller: Principal,
    range: { readonly fromMs: number; readonly toMs: number },
    bucket: RequestLogBucket,
  ): Promise<RequestLogStatsView> {
    const width = bucketMs[bucket];
    const first = Math.floor(range.fromMs / width) * width;
    const count = Math.ceil((range.toMs - first) / width);
    if (count > maxRequestLogBuckets) {
      throw new GatewayError('SB_ERR_REQUEST_INVALID', {
        param: 'bucket',
        detail: `The range holds ${String(count)} ${bucket} buckets; at most ${String(maxRequestLogBuckets)} are reported. Use a larger bucket or a shorter range.`,
      });
    }
    const stats = await this.#store.stats(range, width, scopedFilter(caller, {}));
    const byStart = new Map(stats.series.map((entry) => [entry.at, entry]));
    const series = Array.from({ length: Math.max(0, count) }, (_, index) => {
      const at = first + index * width;
      return { at: new Date(at).toISOString(), ...totalsView(byStart.get(at) ?? emptyTotals) };
    });
    return {
      from: new Date(range.fromMs).toISOString(),
      to: new Date(range.toMs).toISOString(),
      bucket,
      totals: totalsView(stats.totals),
      series,
      by_model: stats.byModel.map((entry) => ({
        model: entry.model,
        requests: entry.requests,
        cost_usd: entry.costNanos / 1e9,
      })),
    };
  }

  /**
   * Each version of prompt `promptId` (ascending) over the requests that arrived from `fromMs`
   * (inclusive) to `toMs` (exclusive); versions without requests are left out. Prompts are
   * install-wide, so platform readers (`canReadPlatform`) count every organisation's requests;
   * any other caller only the requests it may see in `GET /admin/requests` (as budget reports
   * scope their lines). Throws `GatewayError` (400, param `since`) when the range is empty.
   */
  async promptStats(
    caller: Principal,
    promptId: string,
    fromMs: number,
    toMs: number,
  ): Promise<PromptVersionStatsView[]> {
    if (!Number.isFinite(fromMs) || !Number.isFinite(toMs) || fromMs >= toMs) {
      throw new GatewayError('SB_ERR_REQUEST_INVALID', {
        param: 'since',
        detail: '`since` must be a time before the end of the period.',
      });
    }
    const filter = canReadPlatform(caller) ? {} : scopedFilter(caller, {});
    const stats = await this.#store.promptVersionStats(promptId, fromMs, toMs, filter);
    return stats.map(promptVersionStatsView);
  }
}
