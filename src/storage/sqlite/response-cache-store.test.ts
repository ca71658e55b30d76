import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { runResponseCacheStoreConformance } from '../response-cache-store.conformance.ts';
import { SqliteResponseCacheStore } from './response-cache-store.ts';

const directory = () => mkdtempSync(join(tmpdir(), 'sb-cache-'));

runResponseCacheStoreConformance('sqlite', ({ maxEntries }) =>
  Promise.resolve(new SqliteResponseCacheStore(directory(), maxEntries)),
);

describe('sqlite response cache store', () => {
  const at = (digest: string) => ({ org: 'a', scope: 'org:a', alias: 'm', digest });

  it('keeps entries over a restart and shares them between processes on one file', async () => {
    const stateDir = directory();
    const first = new SqliteResponseCacheStore(stateDir, 10);
    const second = new SqliteResponseCacheStore(stateDir, 10);
    await first.set({ address: at('1'), entry: 'kept', expiresAt: 100 }, 0);
    expect((await second.get([at('1')], 1))?.entry).toBe('kept');
    await first.close();
    await second.close();
    const reopened = new SqliteResponseCacheStore(stateDir, 10);
    expect((await reopened.get([at('1')], 1))?.entry).toBe('kept');
    await reopened.close();
  });

  it('evicts expired entries, then the least recently used beyond its limit', async () => {
    const store = new SqliteResponseCacheStore(directory(), 2);
    await store.set({ address: at('old'), entry: 'x', expiresAt: 5 }, 1);
    await store.set({ address: at('a'), entry: 'a', expiresAt: 100 }, 2);
    await store.set({ address: at('b'), entry: 'b', expiresAt: 100 }, 3);
    await store.set({ address: at('c'), entry: 'c', expiresAt: 100 }, 4);
    await store.get([at('a')], 6);
    await store.evict(10);
    expect(await store.get([at('b')], 11)).toBeUndefined();
    expect((await store.get([at('a')], 11))?.entry).toBe('a');
    expect((await store.get([at('c')], 11))?.entry).toBe('c');
    await store.close();
  });

  it("waits for another connection's write lock on timers, never sleeping the thread", async () => {
    const stateDir = directory();
    const store = new SqliteResponseCacheStore(stateDir, 10);
    await store.set({ address: at('1'), entry: 'kept', expiresAt: 100 }, 0);
    // Another connection (a sibling process, in production) holds the write lock for 200 ms; it
    // lets go on a timer of this thread, which a wait inside SQLite would never let run.
    const holder = new DatabaseSync(join(stateDir, 'response-cache.db'));
    holder.exec('BEGIN IMMEDIATE');
    const released = sleep(200).then(() => {
      holder.exec('COMMIT');
    });
    const started = performance.now();
    const tick = sleep(20).then(() => performance.now() - started);
    // A hit is served while the lock is held (marking it used is skipped).
    expect((await store.get([at('1')], 1))?.entry).toBe('kept');
    const written = store.set({ address: at('2'), entry: 'later', expiresAt: 100 }, 2);
    expect(await tick).toBeLessThan(150);
    await written;
    await released;
    expect(performance.now() - started).toBeLessThan(2_000);
    expect((await store.get([at('2')], 3))?.entry).toBe('later');
    holder.close();
    await store.close();
  });
});
