import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BudgetLine, BudgetLineState } from '../../storage/ports.ts';
import { SqlBudgetStore } from '../../storage/sql/sql-budget-store.ts';
import { openSqliteDatabase } from '../../storage/sqlite/open-sqlite-database.ts';
import { SqliteSqlDatabase } from '../../storage/sqlite/sqlite-sql-database.ts';
import { testPrincipal } from '../../../test/helpers/test-principal.ts';
import { reportBudgetsFor } from './budget-report.ts';
import type { BudgetInForce } from './budget-rule-service.ts';

const platformAdmin = testPrincipal({
  org: 'default',
  agent: 'environment',
  keyId: 'environment',
  keyName: 'admin',
});

const rule = (scope: BudgetInForce['scope'], match: string, usd: number): BudgetInForce => ({
  scope,
  match,
  limitNanos: usd * 1e9,
  period: 'day',
  hard: true,
  source: 'config',
  id: undefined,
  stored: undefined,
});

describe('reportBudgetsFor', () => {
  it("reads every budget's counters in one call, so the report is one instant", async () => {
    const database = new SqliteSqlDatabase(
      openSqliteDatabase(join(mkdtempSync(join(tmpdir(), 'sb-budget-report-')), 'state')),
    );
    const calls: (readonly BudgetLine[])[] = [];
    const store = new (class extends SqlBudgetStore {
      override lineStates(lines: readonly BudgetLine[]): Promise<BudgetLineState[]> {
        calls.push(lines);
        return super.lineStates(lines);
      }
    })(database);
    const rules = [rule('team', 'alpha', 10), rule('key', 'key1', 5), rule('team', 'alpha', 20)];
    const views = await reportBudgetsFor(
      { store, knownTags: () => Promise.resolve([]) },
      platformAdmin,
      rules,
      Date.UTC(2026, 10, 23, 12),
    );
    expect(calls).toHaveLength(1);
    // The two team budgets share one counter: it is read once.
    expect(calls[0]?.map((line) => line.key).sort()).toEqual([
      expect.stringMatching(/^key:key1:day:/),
      expect.stringMatching(/^team:alpha:day:/),
    ]);
    expect(
      views.map((view) => [view.scope, view.usd, view.lines.map((line) => line.value)]),
    ).toEqual([
      ['team', 10, ['alpha']],
      ['key', 5, ['key1']],
      ['team', 20, ['alpha']],
    ]);
    await database.close();
  });
});
