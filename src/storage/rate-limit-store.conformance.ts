import { describe, expect, it } from 'vitest';
import type { RateLimitRequest, RateLimitStore } from './ports.ts';

/** What a backend offers the suite besides a fresh store. */
export interface RateLimitStoreConformanceOptions {
  /**
   * Lets time pass by `ms` for the store: advances a manual clock, or really sleeps for backends
   * timed by a server. Tests only ever rely on at least `ms` having passed.
   */
  readonly wait: (ms: number) => Promise<void>;
}

const hour = 3_600_000;

/** Ten per hour: one unit every six minutes, so the milliseconds a test takes change nothing. */
function slow(key: string, overrides: Partial<RateLimitRequest> = {}): RateLimitRequest {
  return { key, limit: 10, periodMs: hour, burst: 10, cost: 1, ...overrides };
}

const sixMinutes = hour / 10;

/**
 * The behaviour every `RateLimitStore` backend must have. `createStore` returns a store whose
 * keys no other test sees. Time-dependent results are asserted with ranges wide enough for a real
 * server clock that advances while the test runs; exact timing is tested on the GCRA math.
 */
export function runRateLimitStoreConformance(
  name: string,
  createStore: () => Promise<RateLimitStore>,
  options: RateLimitStoreConformanceOptions,
): void {
  describe(`RateLimitStore conformance: ${name}`, () => {
    it('admits a burst, then refuses, counting remaining down', async () => {
      const store = await createStore();
      const remaining: number[] = [];
      for (let index = 0; index < 10; index += 1) {
        const decision = await store.acquire([slow('burst')]);
        expect(decision.allowed).toBe(true);
        expect(decision.retryAfterMs).toBe(0);
        remaining.push(decision.limits[0]?.remaining ?? -1);
      }
      expect(remaining).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
      const refused = await store.acquire([slow('burst')]);
      expect(refused.allowed).toBe(false);
      expect(refused.limits[0]).toMatchObject({ key: 'burst', limit: 10, remaining: 0 });
      // The next unit is due one emission interval (six minutes) after the burst began.
      expect(refused.retryAfterMs).toBeGreaterThan(sixMinutes - 60_000);
      expect(refused.retryAfterMs).toBeLessThanOrEqual(sixMinutes);
      expect(refused.limits[0]?.resetAfterMs).toBeGreaterThan(hour - 60_000);
      expect(refused.limits[0]?.resetAfterMs).toBeLessThanOrEqual(hour);
    });

    it('charges all limits or none', async () => {
      const store = await createStore();
      expect((await store.acquire([slow('tight', { burst: 1 })])).allowed).toBe(true);
      const refused = await store.acquire([slow('roomy'), slow('tight', { burst: 1 })]);
      expect(refused.allowed).toBe(false);
      expect(refused.limits.map((state) => state.key)).toEqual(['roomy', 'tight']);
      expect(refused.limits[0]).toMatchObject({ remaining: 10, retryAfterMs: 0 });
      expect(refused.limits[1]?.retryAfterMs).toBeGreaterThan(0);
      // Nothing was charged to the limit that had room.
      const roomy = await store.acquire([slow('roomy', { cost: 0 })]);
      expect(roomy.limits[0]?.remaining).toBe(10);
      expect(roomy.limits[0]?.resetAfterMs).toBe(0);
    });

    it('charges a cost above one and refuses a cost that does not fit without charging it', async () => {
      const store = await createStore();
      const first = await store.acquire([slow('tokens', { cost: 4 })]);
      expect(first.allowed).toBe(true);
      expect(first.limits[0]?.remaining).toBe(6);
      const tooMuch = await store.acquire([slow('tokens', { cost: 7 })]);
      expect(tooMuch.allowed).toBe(false);
      expect(tooMuch.limits[0]?.remaining).toBe(6);
      expect(tooMuch.retryAfterMs).toBeGreaterThan(sixMinutes - 60_000);
      expect(tooMuch.retryAfterMs).toBeLessThanOrEqual(sixMinutes);
      expect((await store.acquire([slow('tokens', { cost: 6 })])).allowed).toBe(true);
    });

    it('refuses a cost above the burst for ever (retryAfterMs null) and charges nothing', async () => {
      const store = await createStore();
      const decision = await store.acquire([slow('huge', { cost: 11 }), slow('other')]);
      expect(decision.allowed).toBe(false);
      expect(decision.retryAfterMs).toBeNull();
      expect(decision.limits[0]?.retryAfterMs).toBeNull();
      expect(decision.limits[0]?.remaining).toBe(10);
      expect((await store.acquire([slow('other', { cost: 0 })])).limits[0]?.remaining).toBe(10);
    });

    it('keeps keys independent', async () => {
      const store = await createStore();
      await store.acquire([slow('a', { cost: 10 })]);
      expect((await store.acquire([slow('a')])).allowed).toBe(false);
      const b = await store.acquire([slow('b')]);
      expect(b.allowed).toBe(true);
      expect(b.limits[0]?.remaining).toBe(9);
    });

    it('refunds, but never to more than a full burst', async () => {
      const store = await createStore();
      await store.acquire([slow('refund', { cost: 10 })]);
      const [partial] = await store.adjust([{ ...slow('refund'), costDelta: -4 }]);
      expect(partial).toMatchObject({ key: 'refund', limit: 10, remaining: 4, retryAfterMs: 0 });
      expect((await store.acquire([slow('refund', { cost: 4 })])).allowed).toBe(true);
      expect((await store.acquire([slow('refund')])).allowed).toBe(false);
      const [full] = await store.adjust([{ ...slow('refund'), costDelta: -1_000 }]);
      expect(full).toMatchObject({ remaining: 10, resetAfterMs: 0 });
      expect((await store.acquire([slow('refund', { cost: 10 })])).allowed).toBe(true);
      expect((await store.acquire([slow('refund')])).allowed).toBe(false);
    });

    it('charges a positive adjustment beyond the burst, so later requests wait longer', async () => {
      const store = await createStore();
      await store.acquire([slow('overrun', { cost: 10 })]);
      const [state] = await store.adjust([{ ...slow('overrun'), costDelta: 5 }]);
      expect(state?.remaining).toBe(0);
      // Fifteen units owed against a tolerance of ten: the next unit waits six intervals.
      expect(state?.retryAfterMs).toBeGreaterThan(6 * sixMinutes - 60_000);
      expect(state?.retryAfterMs).toBeLessThanOrEqual(6 * sixMinutes);
      const refused = await store.acquire([slow('overrun')]);
      expect(refused.retryAfterMs).toBeGreaterThan(6 * sixMinutes - 60_000);
    });

    it('adjusts an unknown key from a full bucket', async () => {
      const store = await createStore();
      expect(await store.adjust([{ ...slow('fresh'), costDelta: -3 }])).toEqual([
        { key: 'fresh', limit: 10, remaining: 10, resetAfterMs: 0, retryAfterMs: 0 },
      ]);
      const [charged] = await store.adjust([{ ...slow('fresh'), costDelta: 3 }]);
      expect(charged?.remaining).toBe(7);
    });

    it('never over-admits under 100 concurrent acquires', async () => {
      const store = await createStore();
      const decisions = await Promise.all(
        Array.from({ length: 100 }, () =>
          store.acquire([slow('race'), slow('race-team', { limit: 50, burst: 50 })]),
        ),
      );
      expect(decisions.filter((decision) => decision.allowed)).toHaveLength(10);
      const team = await store.acquire([slow('race-team', { limit: 50, burst: 50, cost: 0 })]);
      expect(team.limits[0]?.remaining).toBe(40);
    });

    it('admits again once retryAfterMs has passed', async () => {
      const store = await createStore();
      // Twenty per second with no burst: one unit every 50 ms.
      const fast = { key: 'fast', limit: 20, periodMs: 1_000, burst: 1, cost: 1 };
      expect((await store.acquire([fast])).allowed).toBe(true);
      const refused = await store.acquire([fast]);
      expect(refused.allowed).toBe(false);
      expect(refused.retryAfterMs).toBeGreaterThan(0);
      expect(refused.retryAfterMs).toBeLessThanOrEqual(50);
      await options.wait(refused.retryAfterMs ?? 0);
      expect((await store.acquire([fast])).allowed).toBe(true);
    });

    it('allows an empty list of limits', async () => {
      const store = await createStore();
      expect(await store.acquire([])).toEqual({ allowed: true, retryAfterMs: 0, limits: [] });
      expect(await store.adjust([])).toEqual([]);
    });

    it('rejects invalid limits with a RangeError', async () => {
      const store = await createStore();
      const invalid: RateLimitRequest[][] = [
        [slow('x'), slow('x')],
        [slow('x', { limit: 0 })],
        [slow('x', { periodMs: 1.5 })],
        [slow('x', { burst: 0 })],
        [slow('x', { cost: -1 })],
        [slow('', {})],
      ];
      for (const requests of invalid) {
        await expect(store.acquire(requests)).rejects.toThrow(RangeError);
      }
      await expect(store.adjust([{ ...slow('x'), costDelta: 0.5 }])).rejects.toThrow(RangeError);
    });
  });
}
