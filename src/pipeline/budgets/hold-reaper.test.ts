import { describe, expect, it } from 'vitest';
import type { BudgetStore, ExpiredHold, LedgerEntry } from '../../storage/ports.ts';
import { reapExpiredHolds, type AuditedRequest, type ReaperAudit } from './hold-reaper.ts';

const subject = { keyId: 'k1', user: null, org: 'acme', team: null, tags: [], model: 'm' };

function hold(requestId: string, amountNanos = 5000): ExpiredHold {
  return { requestId, atMs: 1000, amountNanos, subject };
}

/** A store that hands out `holds` once and records what was settled, in call order. */
function storeWith(
  holds: ExpiredHold[],
  calls: string[],
): { store: BudgetStore; settled: LedgerEntry[] } {
  const settled: LedgerEntry[] = [];
  let claimed = false;
  const store = {
    claimExpiredHolds: (now: number, until: number) => {
      calls.push(`claim ${String(until - now)}`);
      const result = claimed ? [] : holds;
      claimed = true;
      return Promise.resolve(result);
    },
    settle: (entries: readonly LedgerEntry[]) => {
      calls.push(`settle ${entries.map((entry) => entry.requestId).join(',')}`);
      settled.push(...entries);
      return Promise.resolve(entries.map(() => true));
    },
  } as unknown as BudgetStore;
  return { store, settled };
}

function auditWith(records: Record<string, AuditedRequest>, calls: string[]): ReaperAudit {
  return {
    find: (requestId) => Promise.resolve(records[requestId]),
    recordReaped: (holds) => {
      calls.push(`audit ${holds.map((item) => item.requestId).join(',')}`);
      return Promise.resolve();
    },
  };
}

const clock = { now: () => 10_000, monotonic: () => 0 };

describe('reapExpiredHolds', () => {
  it('settles each hold from its audit record, or audits it as reaped first', async () => {
    const calls: string[] = [];
    const served: AuditedRequest = {
      outcome: 'completed',
      provider: 'p',
      deployment: 'p/m',
      upstreamModel: 'm',
      inputTokens: 3,
      outputTokens: 7,
      costNanos: 31_000,
    };
    const { store, settled } = storeWith(
      [
        hold('answered'),
        hold('unknown-usage'),
        hold('failed'),
        hold('never-audited'),
        hold('reaper-record'),
      ],
      calls,
    );
    const audit = auditWith(
      {
        answered: served,
        'unknown-usage': { ...served, costNanos: undefined, inputTokens: null, outputTokens: null },
        failed: {
          ...served,
          outcome: 'failed',
          provider: null,
          deployment: null,
          costNanos: undefined,
        },
        'reaper-record': { ...served, outcome: 'reaped', deployment: null, costNanos: 4000 },
      },
      calls,
    );
    const count = await reapExpiredHolds({
      store,
      clock,
      intervalMs: 1000,
      claimMs: 3000,
      audit,
      onReaped: () => undefined,
      onFailed: () => undefined,
    });
    expect(count).toBe(5);
    // Claimed for claimMs; the record of the never-audited request is committed before any row.
    expect(calls).toEqual([
      'claim 3000',
      'audit never-audited',
      'settle answered,unknown-usage,failed,never-audited,reaper-record',
    ]);
    const byId = new Map(settled.map((entry) => [entry.requestId, entry]));
    expect(byId.get('answered')).toMatchObject({
      outcome: 'completed',
      costNanos: 31_000,
      estimated: false,
      inputTokens: 3,
      outputTokens: 7,
      deployment: 'p/m',
      atMs: 1000,
      subject,
    });
    expect(byId.get('unknown-usage')).toMatchObject({ costNanos: 5000, estimated: true });
    expect(byId.get('failed')).toMatchObject({ outcome: 'failed', costNanos: 0, estimated: false });
    expect(byId.get('never-audited')).toMatchObject({
      outcome: 'reaped',
      costNanos: 5000,
      estimated: true,
      deployment: null,
    });
    // A reaper's own record (its pass died before the row): the hold, as when first reaped.
    expect(byId.get('reaper-record')).toMatchObject({
      outcome: 'reaped',
      costNanos: 5000,
      estimated: true,
    });
  });

  it('settles at the held amount without an audit trail', async () => {
    const calls: string[] = [];
    const { store, settled } = storeWith([hold('a', 700)], calls);
    await reapExpiredHolds({
      store,
      clock,
      intervalMs: 1000,
      claimMs: 1000,
      audit: undefined,
      onReaped: () => undefined,
      onFailed: () => undefined,
    });
    expect(calls).toEqual(['claim 1000', 'settle a']);
    expect(settled).toMatchObject([
      { requestId: 'a', costNanos: 700, outcome: 'reaped', estimated: true },
    ]);
  });
});
