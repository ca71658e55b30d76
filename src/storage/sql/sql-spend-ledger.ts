import type {
  BudgetLine,
  LedgerEntry,
  LedgerOutcome,
  SpendGrouping,
  SpendQuery,
  SpendRow,
} from '../ports.ts';
import { safeParseJson } from '../../lib/json.ts';
import type { SqlDialect, SqlSession, SqlValue } from './sql-database.ts';
import {
  placeholderList,
  rowPlaceholders,
  statementChunks,
  textPerRowCount,
} from './statement-chunks.ts';

/** Ledger columns by budget scope and report grouping: fixed names, never from input. */
const scopeColumns = {
  key: 'key_id',
  user: 'user_id',
  org: 'org',
  team: 'team',
  model: 'model',
} as const;

interface LedgerRow {
  seq: number | string;
  request_id: string;
  at: number | string;
  key_id: string;
  user_id: string | null;
  org: string | null;
  team: string | null;
  tags: unknown;
  model: string;
  provider: string | null;
  deployment: string | null;
  upstream_model: string | null;
  input_tokens: number | string | null;
  output_tokens: number | string | null;
  cache_read_tokens: number | string | null;
  cache_write_tokens: number | string | null;
  reasoning_tokens: number | string | null;
  cost_nanos: number | string;
  estimated: number | string;
  outcome: string;
  cache_saved_nanos: number | string | null;
  baseline_nanos: number | string | null;
}

const ledgerColumns =
  'request_id, at, key_id, user_id, org, team, tags, model, provider, deployment, upstream_model, ' +
  'input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, reasoning_tokens, ' +
  'cost_nanos, estimated, outcome, cache_saved_nanos, baseline_nanos';

function toNumber(value: number | string): number {
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed)) {
    throw new Error(`stored amount ${String(value)} is outside the safe integer range`);
  }
  return parsed;
}

function toNumberOrNull(value: number | string | null): number | null {
  return value === null ? null : toNumber(value);
}

function readTags(value: unknown): string[] {
  const text = typeof value === 'string' ? safeParseJson(value) : undefined;
  const parsed: unknown = text === undefined ? value : text.ok ? text.value : [];
  return Array.isArray(parsed)
    ? parsed.filter((tag): tag is string => typeof tag === 'string')
    : [];
}

function ledgerParams(entry: LedgerEntry): SqlValue[] {
  const subject = entry.subject;
  return [
    entry.requestId,
    entry.atMs,
    subject.keyId,
    subject.user,
    subject.org,
    subject.team,
    JSON.stringify(subject.tags),
    subject.model,
    entry.provider,
    entry.deployment,
    entry.upstreamModel,
    entry.inputTokens,
    entry.outputTokens,
    entry.cacheReadTokens,
    entry.cacheWriteTokens,
    entry.reasoningTokens,
    entry.costNanos,
    entry.estimated ? 1 : 0,
    entry.outcome,
    entry.cacheSavedNanos ?? null,
    entry.baselineNanos ?? null,
  ];
}

/** Parameters per ledger row; the tags (the 7th) are JSON. */
const ledgerParamCount = 21;
const tagsParam = 6;

/** The INSERT of `rows` ledger rows: `($1, …, $21), ($22, …)`. */
function ledgerInsertText(dialect: SqlDialect, rows: number): string {
  const values = rowPlaceholders(rows, ledgerParamCount, (param, column) =>
    column === tagsParam ? dialect.json(param) : param,
  );
  return `INSERT INTO spend_ledger (${ledgerColumns}) VALUES ${values}
       ON CONFLICT (request_id) DO NOTHING RETURNING request_id, seq`;
}

/** `ledgerInsertText` per dialect, built once per row count. */
const ledgerInserts = new WeakMap<SqlDialect, (rows: number) => string>();

function ledgerInsert(dialect: SqlDialect, rows: number): string {
  let texts = ledgerInserts.get(dialect);
  if (texts === undefined) {
    texts = textPerRowCount((count) => ledgerInsertText(dialect, count));
    ledgerInserts.set(dialect, texts);
  }
  return texts(rows);
}

/**
 * The first entry of each request, by request id, in the order given: a batch may carry one
 * request twice, and only its first row is written.
 */
export function firstEntryPerRequest(entries: readonly LedgerEntry[]): Map<string, LedgerEntry> {
  const firsts = new Map<string, LedgerEntry>();
  for (const entry of entries) if (!firsts.has(entry.requestId)) firsts.set(entry.requestId, entry);
  return firsts;
}

/**
 * Inserts ledger rows of distinct requests, skipping those whose request is already in the
 * ledger, in a few multi-row statements (`statementChunks`); resolves the sequence number of
 * each row inserted, by request id.
 */
export async function insertLedgerEntries(
  session: SqlSession,
  dialect: SqlDialect,
  entries: readonly LedgerEntry[],
): Promise<Map<string, number>> {
  const inserted = new Map<string, number>();
  for (const chunk of statementChunks(entries)) {
    const rows = await session.rows<{ request_id: string; seq: number | string }>(
      ledgerInsert(dialect, chunk.length),
      chunk.flatMap(ledgerParams),
    );
    for (const row of rows) inserted.set(row.request_id, toNumber(row.seq));
  }
  return inserted;
}

/**
 * What the ledger says a line's scope value spent in its period, and the highest sequence number
 * in the ledger when it was read (rows up to it are included).
 */
export async function sumLedgerLine(
  session: SqlSession,
  dialect: SqlDialect,
  line: BudgetLine,
): Promise<{ readonly spentNanos: number; readonly seq: number }> {
  const condition =
    line.scope === 'tag'
      ? dialect.jsonArrayContains('tags', '$1')
      : `${scopeColumns[line.scope]} = $1`;
  const params: SqlValue[] = [line.subject, line.startMs];
  let period = 'at >= $2';
  if (line.endMs !== null) {
    params.push(line.endMs);
    period += ' AND at < $3';
  }
  const rows = await session.rows<{ spent: number | string | null; seq: number | string | null }>(
    `SELECT (SELECT coalesce(sum(cost_nanos), 0) FROM spend_ledger WHERE ${condition} AND ${period}) AS spent,
            (SELECT coalesce(max(seq), 0) FROM spend_ledger) AS seq`,
    params,
  );
  const row = rows[0];
  return { spentNanos: toNumber(row?.spent ?? 0), seq: toNumber(row?.seq ?? 0) };
}

function toEntry(row: LedgerRow): LedgerEntry {
  return {
    requestId: row.request_id,
    atMs: toNumber(row.at),
    subject: {
      keyId: row.key_id,
      user: row.user_id,
      org: row.org,
      team: row.team,
      tags: readTags(row.tags),
      model: row.model,
    },
    provider: row.provider,
    deployment: row.deployment,
    upstreamModel: row.upstream_model,
    inputTokens: toNumberOrNull(row.input_tokens),
    outputTokens: toNumberOrNull(row.output_tokens),
    cacheReadTokens: toNumberOrNull(row.cache_read_tokens),
    cacheWriteTokens: toNumberOrNull(row.cache_write_tokens),
    reasoningTokens: toNumberOrNull(row.reasoning_tokens),
    costNanos: toNumber(row.cost_nanos),
    estimated: toNumber(row.estimated) === 1,
    outcome: row.outcome as LedgerOutcome,
    ...(row.cache_saved_nanos === null ? {} : { cacheSavedNanos: toNumber(row.cache_saved_nanos) }),
    ...(row.baseline_nanos === null ? {} : { baselineNanos: toNumber(row.baseline_nanos) }),
  };
}

export async function findLedgerEntry(
  session: SqlSession,
  requestId: string,
): Promise<LedgerEntry | undefined> {
  const rows = await session.rows<LedgerRow>(
    `SELECT seq, ${ledgerColumns} FROM spend_ledger WHERE request_id = $1`,
    [requestId],
  );
  const row = rows[0];
  return row === undefined ? undefined : toEntry(row);
}

function groupExpression(grouping: SpendGrouping, dialect: SqlDialect): string {
  return grouping === 'day' ? dialect.utcDate('at') : scopeColumns[grouping];
}

interface ReportRow {
  requests: number | string;
  cost: number | string;
  input_tokens: number | string;
  output_tokens: number | string;
  estimated: number | string;
  cache_hits: number | string;
  cache_saved: number | string;
  routed_requests: number | string;
  routed_cost: number | string;
  baseline: number | string;
  [group: `g${number}`]: string | null;
}

/** Spend grouped and filtered as `query` asks, largest first; filters are bound parameters. */
export async function reportSpend(
  session: SqlSession,
  dialect: SqlDialect,
  query: SpendQuery,
): Promise<SpendRow[]> {
  const params: SqlValue[] = [query.fromMs, query.toMs];
  const conditions = ['at >= $1', 'at < $2'];
  // Column names come from the fixed table, never from the query's keys.
  for (const [name, column] of Object.entries(scopeColumns)) {
    const value = query.filters[name as keyof typeof scopeColumns];
    if (value === undefined) continue;
    params.push(value);
    conditions.push(`${column} = $${String(params.length)}`);
  }
  const groups = query.groupBy.map(
    (grouping, index) => `${groupExpression(grouping, dialect)} AS g${String(index)}`,
  );
  const groupBy =
    query.groupBy.length === 0
      ? ''
      : `GROUP BY ${query.groupBy.map((_, index) => String(index + 1)).join(', ')}`;
  params.push(query.limit);
  const rows = await session.rows<ReportRow>(
    `SELECT ${[...groups, ''].join(', ')}
            count(*) AS requests, coalesce(sum(cost_nanos), 0) AS cost,
            coalesce(sum(input_tokens), 0) AS input_tokens,
            coalesce(sum(output_tokens), 0) AS output_tokens,
            coalesce(sum(estimated), 0) AS estimated,
            count(cache_saved_nanos) AS cache_hits,
            coalesce(sum(cache_saved_nanos), 0) AS cache_saved,
            count(baseline_nanos) AS routed_requests,
            coalesce(sum(CASE WHEN baseline_nanos IS NULL THEN 0 ELSE cost_nanos END), 0)
              AS routed_cost,
            coalesce(sum(baseline_nanos), 0) AS baseline
     FROM spend_ledger WHERE ${conditions.join(' AND ')}
     ${groupBy}
     ORDER BY cost DESC${query.groupBy.map((_, index) => `, ${String(index + 1)}`).join('')}
     LIMIT $${String(params.length)}`,
    params,
  );
  return rows
    .filter((row) => toNumber(row.requests) > 0)
    .map((row) => ({
      group: Object.fromEntries(
        query.groupBy.map((grouping, index) => [grouping, row[`g${index}`] ?? null]),
      ),
      requests: toNumber(row.requests),
      costNanos: toNumber(row.cost),
      inputTokens: toNumber(row.input_tokens),
      outputTokens: toNumber(row.output_tokens),
      estimatedRequests: toNumber(row.estimated),
      cacheHits: toNumber(row.cache_hits),
      cacheSavedNanos: toNumber(row.cache_saved),
      routedRequests: toNumber(row.routed_requests),
      routedCostNanos: toNumber(row.routed_cost),
      baselineNanos: toNumber(row.baseline),
    }));
}

/** The sequence number and cost of the ledger rows of these requests, by request id. */
export async function findLedgerSequences(
  session: SqlSession,
  requestIds: readonly string[],
): Promise<Map<string, { readonly seq: number; readonly costNanos: number }>> {
  const found = new Map<string, { readonly seq: number; readonly costNanos: number }>();
  for (const ids of statementChunks(requestIds)) {
    const rows = await session.rows<{
      request_id: string;
      seq: number | string;
      cost_nanos: number | string;
    }>(
      `SELECT request_id, seq, cost_nanos FROM spend_ledger
       WHERE request_id IN (${placeholderList(ids.length)})`,
      ids,
    );
    for (const row of rows) {
      found.set(row.request_id, { seq: toNumber(row.seq), costNanos: toNumber(row.cost_nanos) });
    }
  }
  return found;
}
