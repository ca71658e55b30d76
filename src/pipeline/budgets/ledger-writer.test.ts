import { describe, expect, it } from 'vitest';
import type { BudgetStore, LedgerEntry } from '../../storage/ports.ts';
import { LedgerWriter } from './ledger-writer.ts';

function entry(requestId: string): LedgerEntry {
  return {
    requestId,
    atMs: 0,
    subject: { keyId: 'k', user: null, org: null, team: null, tags: [], model: 'm' },
    provider: null,
    deployment: null,
    upstreamModel: null,
    inputTokens: null,
    outputTokens: null,
    cacheReadTokens: null,
    cacheWriteTokens: null,
    reasoningTokens: null,
    costNanos: 0,
    estimated: false,
    outcome: 'failed',
  };
}

/** A store whose writes fail while `down` is true, recording what it took. */
function flakyStore(): {
  store: BudgetStore;
  written: string[][];
  setDown: (down: boolean) => void;
} {
  let down = false;
  const written: string[][] = [];
  const store = {
    settle: (entries: readonly LedgerEntry[]) => {
      if (down) return Promise.reject(new Error('database unavailable'));
      written.push(entries.map((item) => item.requestId));
      return Promise.resolve(entries.map(() => true));
    },
  } as unknown as BudgetStore;
  return { store, written, setDown: (value) => (down = value) };
}

describe('LedgerWriter', () => {
  it('batches rows queued together and writes each once', async () => {
    const { store, written } = flakyStore();
    const writer = new LedgerWriter({
      store,
      capacity: 10,
      wait: () => Promise.resolve(),
      onWriteFailed: () => undefined,
    });
    writer.enqueue(entry('a'));
    writer.enqueue(entry('b'));
    await writer.flush();
    writer.enqueue(entry('c'));
    await writer.flush();
    expect(written).toEqual([['a', 'b'], ['c']]);
    expect(writer.pending).toBe(0);
  });

  it('keeps rows while the store is down, reports full at capacity, and loses none', async () => {
    const { store, written, setDown } = flakyStore();
    setDown(true);
    const failures: number[] = [];
    let release: () => void = () => undefined;
    const waits: number[] = [];
    const writer = new LedgerWriter({
      store,
      capacity: 3,
      batchSize: 2,
      wait: (ms) => {
        waits.push(ms);
        return waits.length < 4
          ? Promise.resolve()
          : new Promise<void>((resolve) => {
              release = resolve;
            });
      },
      onWriteFailed: (_error, pending) => failures.push(pending),
    });
    writer.enqueue(entry('a'));
    writer.enqueue(entry('b'));
    expect(writer.full).toBe(false);
    writer.enqueue(entry('c'));
    await new Promise((resolve) => setImmediate(resolve));
    expect(writer.full).toBe(true);
    expect(failures.length).toBeGreaterThanOrEqual(4);
    expect(waits.slice(0, 4)).toEqual([100, 200, 400, 800]);
    setDown(false);
    release();
    await writer.flush();
    expect(written.flat()).toEqual(['a', 'b', 'c']);
    expect(writer.full).toBe(false);
  });

  it('holds each row until its audit record is committed, in either order', async () => {
    const { store, written } = flakyStore();
    const writer = new LedgerWriter({
      store,
      capacity: 10,
      awaitAuditMs: 60_000,
      monotonic: () => 0,
      wait: () => Promise.resolve(),
      onWriteFailed: () => undefined,
    });
    writer.enqueue(entry('a'));
    writer.enqueue(entry('b'));
    await writer.flushAudited();
    expect(written).toEqual([]);
    expect(writer.pending).toBe(2);
    writer.audited(['b', 'not-settled-yet']);
    await writer.flushAudited();
    expect(written).toEqual([['b']]);
    // Audited before its row came: the row goes at once.
    writer.enqueue(entry('not-settled-yet'));
    await writer.flushAudited();
    expect(written).toEqual([['b'], ['not-settled-yet']]);
    expect(writer.pending).toBe(1);
    // Shutting down (after the audit trail flushed): what still waits is written.
    await writer.flush();
    expect(written).toEqual([['b'], ['not-settled-yet'], ['a']]);
    expect(writer.pending).toBe(0);
  });

  it('writes a row whose audit record never comes once it has waited long enough', async () => {
    const { store, written } = flakyStore();
    let now = 0;
    const writer = new LedgerWriter({
      store,
      capacity: 10,
      awaitAuditMs: 1_000,
      monotonic: () => now,
      wait: () => Promise.resolve(),
      onWriteFailed: () => undefined,
    });
    writer.enqueue(entry('unaudited'));
    now = 999;
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect(written).toEqual([]);
    now = 1_000;
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    await writer.flushAudited();
    expect(written).toEqual([['unaudited']]);
  });

  it('counts rows waiting for their audit record against its capacity', () => {
    const { store } = flakyStore();
    const writer = new LedgerWriter({
      store,
      capacity: 2,
      awaitAuditMs: 60_000,
      monotonic: () => 0,
      wait: () => Promise.resolve(),
      onWriteFailed: () => undefined,
    });
    writer.enqueue(entry('a'));
    expect(writer.full).toBe(false);
    writer.enqueue(entry('b'));
    expect(writer.full).toBe(true);
  });
});
