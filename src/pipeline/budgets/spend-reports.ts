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

/** Spend reports from the ledger, scoped to what the caller may see. */
export async function reportSpendFor(
  store: BudgetStore,
  caller: Principal,
  request: SpendReportRequest,
): Promise<SpendReportView> {
  const filters = scopeSpendFilters(caller, request.filters);
  const rows = await store.spendReport({
    fromMs: request.fromMs,
    toMs: request.toMs,
    groupBy: request.groupBy,
    filters,
    limit: request.limit,
  });
  return {
    object: 'spend_report',
    from: new Date(request.fromMs).toISOString(),
    to: new Date(request.toMs).toISOString(),
    group_by: request.groupBy,
    filters,
    data: rows.map(toRow),
  };
}
