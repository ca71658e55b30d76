import { describe, expect, it } from 'vitest';
import type { ResponseCacheStore } from '../ports.ts';
import { runResponseCacheStoreConformance } from '../response-cache-store.conformance.ts';
import { MemoryResponseCacheStore } from './response-cache-store.ts';

runResponseCacheStoreConformance('memory', ({ maxEntries }) =>
  Promise.resolve(new MemoryResponseCacheStore({ maxEntries, maxChars: 1_000_000 })),
);

describe('memory response cache store', () => {
  const at = (digest: string) => ({ org: 'a', scope: 'org:a', alias: 'm', digest });

  it('evicts the least recently used entry beyond its entry limit', async () => {
    const memory = new MemoryResponseCacheStore({ maxEntries: 2, maxChars: 1_000_000 });
    const store: ResponseCacheStore = memory;
    await store.set({ address: at('1'), entry: 'one', expiresAt: 10 }, 0);
    await store.set({ address: at('2'), entry: 'two', expiresAt: 10 }, 0);
    await store.get([at('1')], 0);
    await store.set({ address: at('3'), entry: 'three', expiresAt: 10 }, 0);
    expect(await store.get([at('2')], 0)).toBeUndefined();
    expect((await store.get([at('1')], 0))?.entry).toBe('one');
    expect(memory.size).toBe(2);
  });

  it('evicts beyond its size limit', async () => {
    const memory = new MemoryResponseCacheStore({ maxEntries: 100, maxChars: 10 });
    const store: ResponseCacheStore = memory;
    await store.set({ address: at('1'), entry: '123456', expiresAt: 10 }, 0);
    await store.set({ address: at('2'), entry: '789012', expiresAt: 10 }, 0);
    expect(await store.get([at('1')], 0)).toBeUndefined();
    expect(memory.size).toBe(1);
  });
});
