import type { BudgetLine, BudgetScope, SpendSubject } from '../../storage/ports.ts';
import { periodWindow, type BudgetPeriod } from './budget-period.ts';

/** One configured budget, as `GatewayConfig.budgets` holds it. */
export interface BudgetRule {
  readonly scope: BudgetScope;
  readonly match: string | undefined;
  /** In nano-dollars (1e-9 USD). */
  readonly limitNanos: number;
  readonly period: BudgetPeriod;
  readonly hard: boolean;
}

/** The scope values a request counts under for one scope. */
function subjectValues(scope: BudgetRule['scope'], subject: SpendSubject): readonly string[] {
  switch (scope) {
    case 'key':
      return [subject.keyId];
    case 'user':
      return subject.user === null ? [] : [subject.user];
    case 'org':
      return subject.org === null ? [] : [subject.org];
    case 'team':
      return subject.team === null ? [] : [subject.team];
    case 'tag':
      return subject.tags;
    case 'model':
      return [subject.model];
  }
}

/** The counter key of one scope value's spend in one period; the same for every rule. */
export function budgetLineKey(
  scope: BudgetRule['scope'],
  value: string,
  period: BudgetRule['period'],
  label: string,
): string {
  return `${scope}:${encodeURIComponent(value)}:${period}:${label}`;
}

/**
 * The budget lines a request counts against at `nowMs`, one per rule and scope value (each tag of
 * a tagged key; nothing for a scope the request has no value for). Rules that name the same
 * counter (a rule for every team and one for team `a`, same period) share one line: the lowest
 * hard limit applies, and a line is hard when any of its rules is. Pure.
 */
export function planBudgetLines(
  rules: readonly BudgetRule[],
  subject: SpendSubject,
  nowMs: number,
): BudgetLine[] {
  const lines = new Map<string, BudgetLine>();
  for (const rule of rules) {
    const window = periodWindow(rule.period, nowMs);
    for (const value of subjectValues(rule.scope, subject)) {
      if (rule.match !== undefined && rule.match !== value) continue;
      const key = budgetLineKey(rule.scope, value, rule.period, window.label);
      const line: BudgetLine = {
        key,
        scope: rule.scope,
        subject: value,
        startMs: window.startMs,
        endMs: window.endMs,
        limitNanos: rule.limitNanos,
        hard: rule.hard,
      };
      const existing = lines.get(key);
      lines.set(key, existing === undefined ? line : mergeLines(existing, line));
    }
  }
  return [...lines.values()];
}

function mergeLines(first: BudgetLine, second: BudgetLine): BudgetLine {
  if (first.hard !== second.hard) {
    return first.hard ? first : second;
  }
  return first.limitNanos <= second.limitNanos ? first : second;
}
