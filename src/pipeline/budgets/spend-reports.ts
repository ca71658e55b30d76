import type { BudgetStore, SpendGrouping, SpendRow } from '../../storage/ports.ts';
import type { Principal } from '../identity/principal.ts';
import { scopeSpendFilters, type SpendFilters } from './spend-report-scope.ts';

/** A spend report as the admin API asks for it (validated by the caller). */
export interface SpendReportRequest {
  readonly fromMs: number;
  readonly toMs: number;
  readonly groupBy: readonly SpendGrouping[];
  readonly filters: SpendFilters;
  readonly limit: number;
}

/** One row of `GET /admin/spend`. */
export type SpendReportRow = Readonly<Partial<Record<SpendGrouping, string | null>>> & {
  readonly requests: number;
  readonly cost_usd: number;
  readonly input_tokens: number;
  readonly output_tokens: number;
  readonly estimated_requests: number;
  /** Requests answered from the response cache, and what their answers had cost upstream. */
  readonly cache_hits: number;
  readonly cache_saved_usd: number;
};

export interface SpendReportView {
  readonly object: 'spend_report';
  readonly from: string;
  readonly to: string;
  readonly group_by: readonly SpendGrouping[];
  /** The filters the report ran with, after scoping to what the caller may see. */
  readonly filters: SpendFilters;
  readonly data: readonly SpendReportRow[];
}

function toRow(row: SpendRow): SpendReportRow {
  return {
    ...row.group,
    requests: row.requests,
    // Nano-dollars are exact integers; dollars are for reading.
    cost_usd: row.costNanos / 1e9,
    input_tokens: row.inputTokens,
    output_tokens: row.outputTokens,
    estimated_requests: row.estimatedRequests,
    cache_hits: row.cacheHits,
    cache_saved_usd: row.cacheSavedNanos / 1e9,
  };
}

/** The ledger rows of a report request, scoped to what the caller may see. */
async function scopedRows(
  store: BudgetStore,
  caller: Principal,
  request: SpendReportRequest,
): Promise<{ filters: SpendFilters; rows: readonly SpendRow[] }> {
  const filters = scopeSpendFilters(caller, request.filters);
  const rows = await store.spendReport({
    fromMs: request.fromMs,
    toMs: request.toMs,
    groupBy: request.groupBy,
    filters,
    limit: request.limit,
  });
  return { filters, rows };
}

/** Spend reports from the ledger, scoped to what the caller may see. */
export async function reportSpendFor(
  store: BudgetStore,
  caller: Principal,
  request: SpendReportRequest,
): Promise<SpendReportView> {
  const { filters, rows } = await scopedRows(store, caller, request);
  return {
    object: 'spend_report',
    from: new Date(request.fromMs).toISOString(),
    to: new Date(request.toMs).toISOString(),
    group_by: request.groupBy,
    filters,
    data: rows.map(toRow),
  };
}

/** One row of `GET /admin/routing/savings`. */
export type RoutingSavingsRow = Readonly<Partial<Record<SpendGrouping, string | null>>> & {
  /** Requests to aliases that offer a choice of models (they have a baseline). */
  readonly requests: number;
  readonly cost_usd: number;
  /** What the same usage would have cost on each alias's strongest deployment. */
  readonly baseline_usd: number;
  readonly saved_usd: number;
  /** saved / baseline; null when the baseline is 0. */
  readonly saved_share: number | null;
};

export interface RoutingSavingsView {
  readonly object: 'routing_savings';
  readonly from: string;
  readonly to: string;
  readonly group_by: readonly SpendGrouping[];
  readonly filters: SpendFilters;
  readonly data: readonly RoutingSavingsRow[];
}

/**
 * What routing saved against always using each requested alias's strongest deployment, from the
 * ledger's baseline column; scoped like spend reports. Groups without routed requests are left out.
 */
export async function reportRoutingSavingsFor(
  store: BudgetStore,
  caller: Principal,
  request: SpendReportRequest,
): Promise<RoutingSavingsView> {
  const { filters, rows } = await scopedRows(store, caller, request);
  return {
    object: 'routing_savings',
    from: new Date(request.fromMs).toISOString(),
    to: new Date(request.toMs).toISOString(),
    group_by: request.groupBy,
    filters,
    data: rows
      .filter((row) => row.routedRequests > 0)
      .map((row) => ({
        ...row.group,
        requests: row.routedRequests,
        cost_usd: row.routedCostNanos / 1e9,
        baseline_usd: row.baselineNanos / 1e9,
        saved_usd: (row.baselineNanos - row.routedCostNanos) / 1e9,
        saved_share:
          row.baselineNanos === 0
            ? null
            : Math.round(((row.baselineNanos - row.routedCostNanos) / row.baselineNanos) * 1e4) /
              1e4,
      })),
  };
}
