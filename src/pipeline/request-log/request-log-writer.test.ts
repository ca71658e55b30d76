import { afterEach, describe, expect, it } from 'vitest';
import type { Clock } from '../../lib/clock.ts';
import type { RequestLogRow, RequestLogStore } from '../../storage/request-log-store.ts';
import { RequestLogWriter } from './request-log-writer.ts';

function row(index: number): RequestLogRow {
  return {
    requestId: `r${String(index)}`,
    at: index,
    method: 'POST',
    route: '/v1/chat/completions',
    status: 200,
    outcome: 'completed',
    keyId: null,
    org: null,
    team: null,
    userId: null,
    requestedModel: null,
    provider: null,
    deployment: null,
    upstreamModel: null,
    stream: false,
    inputTokens: null,
    outputTokens: null,
    cacheReadTokens: null,
    cacheWriteTokens: null,
    costNanos: null,
    durationMs: 1,
    upstreamMs: null,
    errorCode: null,
    routeReason: null,
    cache: null,
    detail: '{}',
    promptId: null,
    promptVersion: null,
  };
}

/** A store that records appended batches and fails while `down` is set. */
function fakeStore(): RequestLogStore & { batches: string[][]; down: boolean; pruned: number[] } {
  const store = {
    batches: [] as string[][],
    down: false,
    pruned: [] as number[],
    append(rows: readonly RequestLogRow[]) {
      if (store.down) return Promise.reject(new Error('database is down'));
      store.batches.push(rows.map((entry) => entry.requestId));
      return Promise.resolve();
    },
    search: () => Promise.resolve([]),
    get: () => Promise.resolve(undefined),
    stats: () => Promise.reject(new Error('unused')),
    promptVersionStats: () => Promise.reject(new Error('unused')),
    prune(olderThan: number) {
      store.pruned.push(olderThan);
      return Promise.resolve(0);
    },
  };
  return store;
}

const clock = (): Clock & { at: number } => {
  const value = { at: 1_000_000, now: () => value.at, monotonic: () => value.at };
  return value;
};

const writers: RequestLogWriter[] = [];
afterEach(async () => {
  await Promise.all(writers.splice(0).map((writer) => writer.close(0)));
});

function open(options: ConstructorParameters<typeof RequestLogWriter>[0]): RequestLogWriter {
  const writer = new RequestLogWriter(options);
  writers.push(writer);
  return writer;
}

describe('RequestLogWriter', () => {
  it('writes queued rows in batches of at most batchSize, in order', async () => {
    const store = fakeStore();
    const writer = open({ store, clock: clock(), batchSize: 3, flushIntervalMs: 60_000 });
    for (let index = 0; index < 7; index += 1) writer.add(row(index));
    await writer.flush();
    expect(store.batches).toEqual([['r0', 'r1', 'r2'], ['r3', 'r4', 'r5'], ['r6']]);
    expect(writer.pending).toBe(0);
  });

  it('flushes on its timer without being asked', async () => {
    const store = fakeStore();
    const writer = open({ store, clock: clock(), flushIntervalMs: 10 });
    writer.add(row(1));
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(store.batches).toEqual([['r1']]);
  });

  it('keeps rows while the database is down and writes them when it is back', async () => {
    const store = fakeStore();
    const failures: number[] = [];
    const writer = open({
      store,
      clock: clock(),
      flushIntervalMs: 60_000,
      onFailed: (_error, pending) => failures.push(pending),
    });
    store.down = true;
    writer.add(row(1));
    writer.add(row(2));
    await writer.flush();
    await writer.flush();
    expect(writer.pending).toBe(2);
    // Reported once per period, not once per attempt.
    expect(failures).toEqual([2]);
    store.down = false;
    await writer.flush();
    expect(store.batches).toEqual([['r1', 'r2']]);
  });

  it('drops the oldest rows beyond its capacity, counts them and warns once per period', async () => {
    const store = fakeStore();
    const time = clock();
    const warnings: number[] = [];
    const writer = open({
      store,
      clock: time,
      capacity: 5,
      flushIntervalMs: 60_000,
      warnIntervalMs: 1000,
      onDropped: (dropped) => warnings.push(dropped),
    });
    store.down = true;
    for (let index = 0; index < 8; index += 1) writer.add(row(index));
    expect(writer.pending).toBe(5);
    expect(writer.dropped).toBe(3);
    expect(warnings).toEqual([1]);
    time.at += 1000;
    writer.add(row(8));
    expect(warnings).toEqual([1, 3]);
    store.down = false;
    await writer.flush();
    expect(store.batches).toEqual([['r4', 'r5', 'r6', 'r7', 'r8']]);
  });

  it('never throws from add, even with a store that throws synchronously', async () => {
    const store = fakeStore();
    store.append = () => {
      throw new Error('boom');
    };
    const writer = open({ store, clock: clock(), batchSize: 1, flushIntervalMs: 60_000 });
    expect(() => writer.add(row(1))).not.toThrow();
    await writer.flush();
    expect(writer.pending).toBe(1);
  });

  it('prunes rows older than the retention', async () => {
    const store = fakeStore();
    const writer = open({ store, clock: clock(), retentionMs: 1000, flushIntervalMs: 60_000 });
    await writer.prune();
    expect(store.pruned).toEqual([1_000_000 - 1000]);
  });

  it('writes what is queued on close', async () => {
    const store = fakeStore();
    const writer = new RequestLogWriter({ store, clock: clock(), flushIntervalMs: 60_000 });
    writer.add(row(1));
    await writer.close(1000);
    expect(store.batches).toEqual([['r1']]);
  });
});
