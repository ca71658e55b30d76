import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkBudgetSet } from './open-budget-rules.ts';
import { SqlBudgetRuleStore } from '../storage/sql/sql-budget-rule-store.ts';
import { openSqliteDatabase } from '../storage/sqlite/open-sqlite-database.ts';
import { SqliteSqlDatabase } from '../storage/sqlite/sqlite-sql-database.ts';
import { BudgetRuleService } from '../pipeline/budgets/budget-rule-service.ts';
import type { BudgetRule } from '../pipeline/budgets/plan-budget-lines.ts';

const configuredRule: BudgetRule = {
  scope: 'org',
  match: 'acme',
  limitNanos: 5_000_000_000,
  period: 'month',
  hard: true,
};

function open(): {
  readonly service: (configured: () => readonly BudgetRule[]) => BudgetRuleService;
} {
  const stateDir = join(mkdtempSync(join(tmpdir(), 'signalbox-budget-service-')), 'state');
  const store = new SqlBudgetRuleStore(new SqliteSqlDatabase(openSqliteDatabase(stateDir)));
  let now = 1_000;
  return {
    service: (configured) =>
      new BudgetRuleService({
        store,
        clock: { now: () => (now += 1), monotonic: () => now },
        configured,
        check: checkBudgetSet,
      }),
  };
}

describe('BudgetRuleService', () => {
  it('serves the same merged array until the configured or stored set changes', async () => {
    const { service } = open();
    let configured: readonly BudgetRule[] = [configuredRule];
    const budgets = service(() => configured);
    await budgets.refresh();
    const first = budgets.inForce();
    expect(first).toEqual([
      { ...configuredRule, source: 'config', id: undefined, stored: undefined },
    ]);
    await budgets.refresh();
    expect(budgets.inForce()).toBe(first);
    const created = await budgets.create(
      { scope: 'key', match: 'key_a', usd: 0.1, period: 'day' },
      'admin',
    );
    const withStored = budgets.inForce();
    expect(withStored).not.toBe(first);
    expect(withStored[1]).toMatchObject({
      source: 'api',
      id: created.id,
      scope: 'key',
      match: 'key_a',
      limitNanos: 100_000_000,
      hard: true,
    });
    configured = [];
    expect(budgets.inForce().map((rule) => rule.source)).toEqual(['api']);
  });

  it('shows another instance a change at its next refresh', async () => {
    const { service } = open();
    const writer = service(() => []);
    const reader = service(() => []);
    await reader.refresh();
    const created = await writer.create(
      { scope: 'tag', usd: 2, period: 'week', mode: 'soft' },
      'a',
    );
    expect(reader.inForce()).toEqual([]);
    await reader.refresh();
    expect(reader.inForce()).toMatchObject([{ id: created.id, hard: false, limitNanos: 2e9 }]);
    await writer.update(created.id, { usd: 3 }, 'b');
    await reader.refresh();
    expect(reader.inForce()).toMatchObject([{ id: created.id, limitNanos: 3e9 }]);
    await writer.revoke(created.id, 'c');
    await reader.refresh();
    expect(reader.inForce()).toEqual([]);
  });

  it('refuses a budget counting the same thing as one in force, configured or stored', async () => {
    const { service } = open();
    const budgets = service(() => [configuredRule]);
    await expect(
      budgets.create({ scope: 'org', match: 'acme', usd: 1, period: 'month' }, 'a'),
    ).rejects.toThrow('same scope, match and period');
    await budgets.create({ scope: 'org', match: 'acme', usd: 1, period: 'day' }, 'a');
    await expect(
      budgets.create({ scope: 'org', match: 'acme', usd: 2, period: 'day' }, 'a'),
    ).rejects.toThrow('same scope, match and period');
  });
});
