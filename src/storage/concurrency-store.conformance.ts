import { describe, expect, it } from 'vitest';
import type { ConcurrencyLease, ConcurrencyRequest, ConcurrencyStore } from './ports.ts';

/** What a backend offers the suite besides a fresh store. */
export interface ConcurrencyStoreConformanceOptions {
  /**
   * Lets time pass by `ms` for the store: advances a manual clock, or really sleeps for backends
   * timed by a server. Tests only ever rely on at least `ms` having passed.
   */
  readonly wait: (ms: number) => Promise<void>;
}

const minute = 60_000;

function limit(key: string, value: number): ConcurrencyRequest {
  return { key, limit: value };
}

/** A lease that outlives any test unless it says otherwise. */
function lease(id: string, ttlMs = minute): ConcurrencyLease {
  return { id, ttlMs };
}

/**
 * The behaviour every `ConcurrencyStore` backend must have. `createStore` returns a store whose
 * keys no other test sees. Expiry tests use short TTLs with generous margins, so a real server
 * clock that advances while the test runs (on a busy machine) still gives the same results.
 */
export function runConcurrencyStoreConformance(
  name: string,
  createStore: () => Promise<ConcurrencyStore>,
  options: ConcurrencyStoreConformanceOptions,
): void {
  describe(`ConcurrencyStore conformance: ${name}`, () => {
    it('admits up to the limit, counting in-flight leases up, then refuses', async () => {
      const store = await createStore();
      const inFlight: number[] = [];
      for (const id of ['a', 'b', 'c']) {
        const decision = await store.acquire([limit('k', 3)], lease(id));
        expect(decision.allowed).toBe(true);
        inFlight.push(decision.limits[0]?.inFlight ?? -1);
      }
      expect(inFlight).toEqual([1, 2, 3]);
      const refused = await store.acquire([limit('k', 3)], lease('d'));
      expect(refused).toEqual({ allowed: false, limits: [{ key: 'k', limit: 3, inFlight: 3 }] });
    });

    it('adds the lease to all keys or none', async () => {
      const store = await createStore();
      expect((await store.acquire([limit('tight', 1)], lease('x'))).allowed).toBe(true);
      const refused = await store.acquire([limit('roomy', 5), limit('tight', 1)], lease('y'));
      expect(refused).toEqual({
        allowed: false,
        limits: [
          { key: 'roomy', limit: 5, inFlight: 0 },
          { key: 'tight', limit: 1, inFlight: 1 },
        ],
      });
      // 'y' was not added to the key that had room.
      const other = await store.acquire([limit('roomy', 5)], lease('z'));
      expect(other.limits[0]?.inFlight).toBe(1);
      const both = await store.acquire([limit('roomy', 5), limit('team', 2)], lease('w'));
      expect(both.allowed).toBe(true);
      expect(both.limits.map((state) => state.inFlight)).toEqual([2, 1]);
    });

    it('admits exactly the limit under 100 concurrent acquires', async () => {
      const store = await createStore();
      const decisions = await Promise.all(
        Array.from({ length: 100 }, (_, index) =>
          store.acquire(
            [limit('race', 10), limit('race-team', 50)],
            lease(`lease-${String(index)}`),
          ),
        ),
      );
      expect(decisions.filter((decision) => decision.allowed)).toHaveLength(10);
      const team = await store.acquire([limit('race-team', 50)], lease('probe'));
      expect(team.limits[0]?.inFlight).toBe(11);
    });

    it('frees a slot on release, only on the listed keys, idempotently', async () => {
      const store = await createStore();
      await store.acquire([limit('a', 1), limit('b', 1)], lease('first'));
      expect((await store.acquire([limit('a', 1)], lease('second'))).allowed).toBe(false);
      await store.release(['a'], 'first');
      await store.release(['a'], 'first');
      await store.release(['a', 'never-used'], 'unknown');
      const second = await store.acquire([limit('a', 1)], lease('second'));
      expect(second).toEqual({ allowed: true, limits: [{ key: 'a', limit: 1, inFlight: 1 }] });
      // 'first' still holds 'b'.
      expect((await store.acquire([limit('b', 1)], lease('third'))).allowed).toBe(false);
    });

    it('stops counting a lease once its TTL has passed', async () => {
      const store = await createStore();
      expect((await store.acquire([limit('ttl', 1)], lease('short', 150))).allowed).toBe(true);
      expect((await store.acquire([limit('ttl', 1)], lease('next'))).allowed).toBe(false);
      await options.wait(200);
      const next = await store.acquire([limit('ttl', 1)], lease('next'));
      expect(next).toEqual({ allowed: true, limits: [{ key: 'ttl', limit: 1, inFlight: 1 }] });
    });

    it('counts a re-acquired lease once and refreshes its expiry', async () => {
      const store = await createStore();
      expect((await store.acquire([limit('same', 1)], lease('a', 400))).allowed).toBe(true);
      await options.wait(200);
      const again = await store.acquire([limit('same', 1)], lease('a', 1_000));
      expect(again).toEqual({ allowed: true, limits: [{ key: 'same', limit: 1, inFlight: 1 }] });
      await options.wait(300);
      // Past the first TTL, the refreshed lease still holds the only slot.
      expect((await store.acquire([limit('same', 1)], lease('b'))).allowed).toBe(false);
    });

    it('renews a live lease past its original TTL', async () => {
      const store = await createStore();
      await store.acquire([limit('long', 1), limit('team', 5)], lease('stream', 400));
      await options.wait(200);
      expect(await store.renew(['long', 'team'], 'stream', 1_000)).toBe(true);
      await options.wait(300);
      expect((await store.acquire([limit('long', 1)], lease('other'))).allowed).toBe(false);
      await store.release(['long', 'team'], 'stream');
      expect((await store.acquire([limit('long', 1)], lease('other'))).allowed).toBe(true);
    });

    it('does not revive an expired, released or unknown lease on renew', async () => {
      const store = await createStore();
      await store.acquire([limit('gone', 1)], lease('expired', 150));
      await options.wait(200);
      expect(await store.renew(['gone'], 'expired', minute)).toBe(false);
      await store.acquire([limit('freed', 1)], lease('released'));
      await store.release(['freed'], 'released');
      expect(await store.renew(['freed'], 'released', minute)).toBe(false);
      expect(await store.renew(['gone', 'freed'], 'unknown', minute)).toBe(false);
      const gone = await store.acquire([limit('gone', 1)], lease('new'));
      expect(gone.limits[0]?.inFlight).toBe(1);
      const freed = await store.acquire([limit('freed', 1)], lease('new'));
      expect(freed.limits[0]?.inFlight).toBe(1);
    });

    it('resolves false from renew when the lease is live on only some keys', async () => {
      const store = await createStore();
      await store.acquire([limit('held', 2)], lease('partial'));
      expect(await store.renew(['held', 'not-held'], 'partial', minute)).toBe(false);
      // The key it did hold is still held.
      const held = await store.acquire([limit('held', 2)], lease('probe'));
      expect(held.limits[0]?.inFlight).toBe(2);
    });

    it('allows empty lists of keys', async () => {
      const store = await createStore();
      expect(await store.acquire([], lease('empty'))).toEqual({ allowed: true, limits: [] });
      await store.release([], 'empty');
      expect(await store.renew([], 'empty', minute)).toBe(true);
    });

    it('rejects invalid input with a RangeError', async () => {
      const store = await createStore();
      const invalid: [ConcurrencyRequest[], ConcurrencyLease][] = [
        [[limit('x', 1), limit('x', 2)], lease('a')],
        [[limit('x', 0)], lease('a')],
        [[limit('x', -1)], lease('a')],
        [[limit('x', 1.5)], lease('a')],
        [[limit('x', Number.NaN)], lease('a')],
        [[limit('', 1)], lease('a')],
        [[limit('x', 1)], lease('')],
        [[limit('x', 1)], lease('a', 0)],
        [[limit('x', 1)], lease('a', 1.5)],
        [[], lease('')],
      ];
      for (const [requests, each] of invalid) {
        await expect(store.acquire(requests, each)).rejects.toThrow(RangeError);
      }
      await expect(store.release(['x'], '')).rejects.toThrow(RangeError);
      await expect(store.release(['x', 'x'], 'a')).rejects.toThrow(RangeError);
      await expect(store.renew(['x'], 'a', 0)).rejects.toThrow(RangeError);
      await expect(store.renew(['x'], 'a', -5)).rejects.toThrow(RangeError);
      await expect(store.renew([''], 'a', minute)).rejects.toThrow(RangeError);
      // Nothing invalid was stored.
      expect((await store.acquire([limit('x', 1)], lease('valid'))).limits[0]?.inFlight).toBe(1);
    });
  });
}
