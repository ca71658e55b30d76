import type { BudgetLine, BudgetStore } from '../../storage/ports.ts';
import { canReadPlatform } from '../identity/authorisation.ts';
import type { Principal } from '../identity/principal.ts';
import { periodWindow } from './budget-period.ts';
import type { BudgetInForce } from './budget-rule-service.ts';
import { budgetLineKey, type BudgetRule } from './plan-budget-lines.ts';
import { scopeSpendFilters } from './spend-report-scope.ts';

/** One counter of a budget: one scope value's spend in the current period. */
export interface BudgetLineView {
  readonly value: string;
  readonly spent_usd: number;
  readonly reserved_usd: number;
  /** (spent + reserved) / limit: 1 means the budget is used up. */
  readonly utilisation: number;
  readonly period_start: string;
}

/** One budget in force and its counters (`GET /admin/budgets`). */
export interface BudgetView {
  /** `bud_<random>` for budgets made through the admin API; absent for configured ones. */
  readonly id?: string;
  /** `config`: from the configuration file, read-only here; `api`: editable through the API. */
  readonly source: 'config' | 'api';
  /** Who made an API budget and when, and its last change (absent for configured ones). */
  readonly created_at?: string;
  readonly created_by?: string;
  readonly updated_at?: string;
  readonly updated_by?: string;
  readonly scope: BudgetRule['scope'];
  readonly match: string | null;
  readonly usd: number;
  readonly period: BudgetRule['period'];
  readonly mode: 'hard' | 'soft';
  readonly lines: readonly BudgetLineView[];
}

export interface BudgetReportSources {
  readonly store: BudgetStore;
  /** Every tag keys carry (tag budgets without `match` count each one). */
  readonly knownTags: () => Promise<readonly string[]>;
}

/** Most scope values listed per budget (largest spend first). */
const maxLinesPerBudget = 1000;

/**
 * Whether a non-platform caller may see a counter of this scope value whatever the ledger
 * shows: its own organisation's (admins and organisation-wide viewers), its team's, its own
 * key's and user's. Model and tag counters sum every tenant, so only platform readers see them.
 */
function mayAlwaysSee(caller: Principal, scope: BudgetRule['scope'], value: string): boolean {
  switch (scope) {
    case 'org':
      return (
        value === caller.org &&
        (caller.role === 'admin' || (caller.role === 'viewer' && caller.team === undefined))
      );
    case 'team':
      return caller.team === value;
    case 'key':
      return value === caller.keyId;
    case 'user':
      return value === caller.userId;
    default:
      return false;
  }
}

/**
 * Whether the value spent within what the caller's spend report shows (so it belongs to the
 * caller's scope): keys and users always; teams only to an admin of their organisation.
 */
function seenInScope(
  caller: Principal,
  scope: BudgetRule['scope'],
  value: string,
  seen: readonly string[],
): boolean {
  if (!seen.includes(value)) return false;
  return scope === 'key' || scope === 'user' || (scope === 'team' && caller.role === 'admin');
}

/** The scope values with spend in the window that the caller's spend report would show. */
async function valuesWithSpend(
  sources: BudgetReportSources,
  caller: Principal,
  scope: Exclude<BudgetRule['scope'], 'tag'>,
  fromMs: number,
  toMs: number,
  platform: boolean,
): Promise<string[]> {
  const rows = await sources.store.spendReport({
    fromMs,
    toMs,
    groupBy: [scope],
    filters: platform ? {} : scopeSpendFilters(caller, {}),
    limit: maxLinesPerBudget,
  });
  return rows.flatMap((row) => {
    const value = row.group[scope];
    return typeof value === 'string' ? [value] : [];
  });
}

/**
 * Every budget in force (configured, then API-made) with its counters in the current period, scoped to what the caller
 * may see: the values that spent in the period (from the ledger, the truth) plus a budget's
 * `match` value, each with the counter's spend and holds. Budgets the caller sees no line of
 * are left out, except for platform readers, who see every budget.
 */
export async function reportBudgetsFor(
  sources: BudgetReportSources,
  caller: Principal,
  rules: readonly BudgetInForce[],
  nowMs: number,
): Promise<BudgetView[]> {
  const platform = canReadPlatform(caller);
  const planned: { rule: BudgetInForce; startMs: number; values: string[]; lines: BudgetLine[] }[] =
    [];
  for (const rule of rules) {
    if (!platform && (rule.scope === 'model' || rule.scope === 'tag')) continue;
    const window = periodWindow(rule.period, nowMs);
    // Tag budgets are install-wide (platform readers only), so every known tag is a candidate.
    const seen =
      rule.scope === 'tag'
        ? [...(await sources.knownTags())]
        : await valuesWithSpend(sources, caller, rule.scope, window.startMs, nowMs, platform);
    const candidates = rule.match === undefined ? seen : [rule.match];
    const values = [...new Set(candidates)]
      .filter(
        (value) =>
          platform ||
          mayAlwaysSee(caller, rule.scope, value) ||
          seenInScope(caller, rule.scope, value, seen),
      )
      .slice(0, maxLinesPerBudget);
    const lines: BudgetLine[] = values.map((value) => ({
      key: budgetLineKey(rule.scope, value, rule.period, window.label),
      scope: rule.scope,
      subject: value,
      startMs: window.startMs,
      endMs: window.endMs,
      limitNanos: rule.limitNanos,
      hard: rule.hard,
    }));
    planned.push({ rule, startMs: window.startMs, values, lines });
  }
  // Every counter is read in one call, so the report is one instant: one budget is never shown
  // ahead of another that the same requests count against.
  const distinct = new Map(planned.flatMap(({ lines }) => lines.map((line) => [line.key, line])));
  const states = distinct.size === 0 ? [] : await sources.store.lineStates([...distinct.values()]);
  const stateOf = new Map(states.map((state) => [state.key, state]));
  const views: BudgetView[] = [];
  for (const { rule, startMs, values, lines } of planned) {
    if (!platform && lines.length === 0) continue;
    const stored = rule.stored;
    views.push({
      ...(rule.id === undefined ? {} : { id: rule.id }),
      source: rule.source,
      ...(stored === undefined
        ? {}
        : {
            created_at: new Date(stored.createdAt).toISOString(),
            created_by: stored.createdBy,
            updated_at: new Date(stored.updatedAt).toISOString(),
            updated_by: stored.updatedBy,
          }),
      scope: rule.scope,
      match: rule.match ?? null,
      usd: rule.limitNanos / 1e9,
      period: rule.period,
      mode: rule.hard ? 'hard' : 'soft',
      lines: lines.map((line, index) => {
        const state = stateOf.get(line.key);
        const spentNanos = state?.spentNanos ?? 0;
        const reservedNanos = state?.reservedNanos ?? 0;
        return {
          value: values[index] ?? '',
          spent_usd: spentNanos / 1e9,
          reserved_usd: reservedNanos / 1e9,
          utilisation: (spentNanos + reservedNanos) / rule.limitNanos,
          period_start: new Date(startMs).toISOString(),
        };
      }),
    });
  }
  return views;
}
