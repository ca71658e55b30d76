import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../test/helpers/manual-clock.ts';
import { runConcurrencyStoreConformance } from '../concurrency-store.conformance.ts';
import { MemoryConcurrencyStore } from './concurrency-store.ts';

let clock = new ManualClock();
runConcurrencyStoreConformance(
  'memory',
  () => {
    clock = new ManualClock();
    return Promise.resolve(new MemoryConcurrencyStore({ clock }));
  },
  {
    wait: (ms) => {
      clock.advance(ms);
      return Promise.resolve();
    },
  },
);

describe('MemoryConcurrencyStore', () => {
  it('deletes a key once its last lease is released or has expired', async () => {
    const time = new ManualClock();
    const store = new MemoryConcurrencyStore({ clock: time });
    await store.acquire([{ key: 'a', limit: 2 }], { id: 'one', ttlMs: 1_000 });
    await store.acquire([{ key: 'a', limit: 2 }], { id: 'two', ttlMs: 100 });
    expect(store.size).toBe(1);
    await store.release(['a'], 'one');
    expect(store.size).toBe(1);
    time.advance(100);
    // Touching the key drops the expired lease and with it the key.
    expect(await store.renew(['a'], 'two', 1_000)).toBe(false);
    expect(store.size).toBe(0);
  });

  it('expires a lease exactly at its TTL', async () => {
    const time = new ManualClock();
    const store = new MemoryConcurrencyStore({ clock: time });
    await store.acquire([{ key: 'a', limit: 1 }], { id: 'one', ttlMs: 100 });
    time.advance(99);
    expect((await store.acquire([{ key: 'a', limit: 1 }], { id: 'two', ttlMs: 100 })).allowed).toBe(
      false,
    );
    time.advance(1);
    expect((await store.acquire([{ key: 'a', limit: 1 }], { id: 'two', ttlMs: 100 })).allowed).toBe(
      true,
    );
  });

  it('sweeps keys nobody touches again once the number of keys has doubled', async () => {
    const time = new ManualClock();
    const store = new MemoryConcurrencyStore({ clock: time });
    for (let index = 0; index < 1_000; index += 1) {
      await store.acquire([{ key: `old-${String(index)}`, limit: 1 }], { id: 'x', ttlMs: 10 });
    }
    expect(store.size).toBe(1_000);
    time.advance(10);
    for (let index = 0; index < 30; index += 1) {
      await store.acquire([{ key: `new-${String(index)}`, limit: 1 }], { id: 'y', ttlMs: 1_000 });
    }
    // The 1 024th key triggered a sweep of the 1 000 expired keys.
    expect(store.size).toBe(30);
  });
});
