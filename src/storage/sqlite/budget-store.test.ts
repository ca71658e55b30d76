import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { runBudgetStoreConformance } from '../budget-store.conformance.ts';
import type { BudgetLine, BudgetReservationRequest } from '../ports.ts';
import { SqlBudgetStore } from '../sql/sql-budget-store.ts';
import { openSqliteDatabase } from './open-sqlite-database.ts';
import { SqliteSqlDatabase } from './sqlite-sql-database.ts';

runBudgetStoreConformance('sqlite', () => {
  const stateDir = join(mkdtempSync(join(tmpdir(), 'signalbox-budgets-')), 'state');
  const database = openSqliteDatabase(stateDir);
  return Promise.resolve({
    store: new SqlBudgetStore(new SqliteSqlDatabase(database)),
    reopen: () =>
      Promise.resolve(new SqlBudgetStore(new SqliteSqlDatabase(openSqliteDatabase(stateDir)))),
    forgetCounters: () => {
      database.exec('DELETE FROM budget_counters');
      return Promise.resolve();
    },
  });
});

describe('SqlBudgetStore reservations made together', () => {
  const subject = { keyId: 'key1', user: null, org: null, team: null, tags: [], model: 'fast' };
  const line = (key: string, limitNanos: number): BudgetLine => ({
    key,
    scope: 'team',
    subject: 'alpha',
    startMs: 0,
    endMs: 86_400_000,
    limitNanos,
    hard: true,
  });
  const request = (
    requestId: string,
    lines: readonly BudgetLine[],
    maxNanos: number,
    minNanos = maxNanos,
  ): BudgetReservationRequest => ({
    requestId,
    atMs: 1000,
    subject,
    lines,
    maxNanos,
    minNanos,
    expiresAtMs: 600_000,
  });

  it('decides them in the order they were made, as if each had its own transaction', async () => {
    const database = new SqliteSqlDatabase(
      openSqliteDatabase(join(mkdtempSync(join(tmpdir(), 'signalbox-budgets-order-')), 'state')),
    );
    const transactions = vi.spyOn(database, 'transaction');
    const store = new SqlBudgetStore(database);
    const team = line('team:alpha:day:order', 1000);
    const key = line('key:key1:day:order', 1500);
    const results = await Promise.all([
      store.reserve(request('r1', [team, key], 600)),
      store.reserve(request('r2', [team], 600, 100)),
      store.reserve(request('r3', [key], 1000, 1)),
      store.reserve(request('r4', [key, team], 1, 1)),
    ]);
    expect(results.map((result) => result.reservedNanos)).toEqual([600, 400, 900, 0]);
    expect(results[3]).toMatchObject({ allowed: false, refusedBy: key.key });
    expect(transactions).toHaveBeenCalledTimes(1);
    expect((await store.lineStates([team, key])).map((state) => state.reservedNanos)).toEqual([
      1000, 1500,
    ]);
  });

  it('fails only the one whose request id is already held; the others are held', async () => {
    const database = openSqliteDatabase(
      join(mkdtempSync(join(tmpdir(), 'signalbox-budgets-batch-')), 'state'),
    );
    const store = new SqlBudgetStore(new SqliteSqlDatabase(database));
    const batchLine = line('team:alpha:day:batch', 10_000);
    await store.reserve(request('held-before', [batchLine], 1000));
    const results = await Promise.allSettled(
      ['a', 'held-before', 'b'].map((id) => store.reserve(request(id, [batchLine], 1000))),
    );
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((await store.lineStates([batchLine]))[0]?.reservedNanos).toBe(3000);
    const held = database
      .prepare('SELECT request_id FROM budget_reservations ORDER BY request_id')
      .all()
      .map((row) => row.request_id);
    expect(held).toEqual(['a', 'b', 'held-before']);
  });
});
