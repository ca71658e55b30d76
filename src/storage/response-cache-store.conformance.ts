import { describe, expect, it } from 'vitest';
import type { ResponseCacheAddress, ResponseCacheStore } from './ports.ts';

const address = (scope: string, alias: string, digest: string): ResponseCacheAddress => ({
  org: scope.slice(scope.indexOf(':') + 1).split('/')[0] ?? '',
  scope,
  alias,
  digest: digest.padEnd(64, '0'),
});

/** The shared behaviour of every ResponseCacheStore backend. */
export function runResponseCacheStoreConformance(
  name: string,
  open: (options: { maxEntries: number }) => Promise<ResponseCacheStore>,
): void {
  describe(`${name} response cache store`, () => {
    // Real time: Redis expires keys by its own clock.
    const now = Date.now();

    it('returns the first live entry among the addresses, in their order', async () => {
      const store = await open({ maxEntries: 100 });
      const a = address('org:acme', 'gpt', 'a');
      const b = address('org:acme', 'gpt', 'b');
      await store.set({ address: b, entry: 'answer b', expiresAt: now + 60_000 }, now);
      expect(await store.get([a], now)).toBeUndefined();
      expect(await store.get([a, b], now)).toEqual({
        address: b,
        entry: 'answer b',
        expiresAt: now + 60_000,
      });
      await store.set({ address: a, entry: 'answer a', expiresAt: now + 60_000 }, now);
      expect((await store.get([a, b], now))?.entry).toBe('answer a');
      expect(await store.get([], now)).toBeUndefined();
      await store.close();
    });

    it('never answers from another scope, even for the same digest', async () => {
      const store = await open({ maxEntries: 100 });
      await store.set(
        { address: address('org:acme', 'gpt', 'same'), entry: 'acme', expiresAt: now + 60_000 },
        now,
      );
      expect(await store.get([address('org:globex', 'gpt', 'same')], now)).toBeUndefined();
      expect((await store.get([address('org:acme', 'gpt', 'same')], now))?.entry).toBe('acme');
      await store.close();
    });

    it('treats an expired entry as absent and replaces an entry at the same address', async () => {
      const store = await open({ maxEntries: 100 });
      const at = address('org:acme', 'gpt', 'x');
      await store.set({ address: at, entry: 'old', expiresAt: now + 1000 }, now);
      expect(await store.get([at], now + 1000)).toBeUndefined();
      await store.set({ address: at, entry: 'new', expiresAt: now + 5000 }, now);
      expect((await store.get([at], now + 1001))?.entry).toBe('new');
      await store.close();
    });

    it('invalidates by organisation (every scope in it), by alias, or both', async () => {
      const store = await open({ maxEntries: 100 });
      const entries = [
        address('org:acme', 'gpt', '1'),
        address('team:acme/eng', 'claude', '2'),
        address('org:globex', 'gpt', '3'),
        address('org:globex', 'claude', '4'),
      ];
      for (const at of entries) {
        await store.set({ address: at, entry: at.digest, expiresAt: now + 60_000 }, now);
      }
      expect(await store.invalidate({ org: 'acme', alias: 'gpt' })).toBe(1);
      expect(await store.invalidate({ alias: 'claude' })).toBe(2);
      expect(await store.get(entries, now)).toMatchObject({ address: entries[2] });
      expect(await store.invalidate({ org: 'globex' })).toBe(1);
      expect(await store.get(entries, now)).toBeUndefined();
      await store.close();
    });
  });
}
