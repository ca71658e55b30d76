import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../test/helpers/manual-clock.ts';
import { FallbackRateLimitStore } from './fallback-rate-limit-store.ts';
import { MemoryRateLimitStore } from './memory/rate-limit-store.ts';
import type { RateLimitStore } from './ports.ts';

const failing: RateLimitStore = {
  acquire: () => Promise.reject(new Error('connection refused')),
  adjust: () => Promise.reject(new Error('connection refused')),
};

const request = { key: 'rpm:key:*:a', limit: 10, periodMs: 60_000, burst: 10, cost: 1 };

describe('FallbackRateLimitStore', () => {
  it('uses the primary while it answers', async () => {
    const clock = new ManualClock();
    const primary = new MemoryRateLimitStore({ clock });
    const failures: unknown[] = [];
    const store = new FallbackRateLimitStore({
      primary,
      local: new MemoryRateLimitStore({ clock }),
      replicas: 5,
      clock,
      onFailure: (error) => failures.push(error),
    });
    const decision = await store.acquire([request]);
    expect(decision.limits[0]?.limit).toBe(10);
    expect(primary.size).toBe(1);
    expect(failures).toEqual([]);
  });

  it('enforces limit / replicas locally when the primary fails, warning once a minute', async () => {
    const clock = new ManualClock();
    const failures: unknown[] = [];
    const store = new FallbackRateLimitStore({
      primary: failing,
      local: new MemoryRateLimitStore({ clock }),
      replicas: 4,
      clock,
      onFailure: (error) => failures.push(error),
    });
    const allowed: boolean[] = [];
    for (let index = 0; index < 4; index++) {
      allowed.push((await store.acquire([request])).allowed);
    }
    // ceil(10 / 4) = 3 at once.
    expect(allowed).toEqual([true, true, true, false]);
    expect(failures).toHaveLength(1);
    await store.adjust([{ ...request, costDelta: -1 }]);
    expect(failures).toHaveLength(1);
    clock.advance(60_000);
    await store.acquire([request]);
    expect(failures).toHaveLength(2);
  });

  it('rethrows invalid input instead of falling back', async () => {
    const store = new FallbackRateLimitStore({
      primary: new MemoryRateLimitStore(),
      local: new MemoryRateLimitStore(),
      replicas: 1,
      onFailure: () => undefined,
    });
    await expect(store.acquire([{ ...request, limit: 0 }])).rejects.toThrow(RangeError);
  });

  it('falls back when the primary does not answer in time (a paused Redis)', async () => {
    const clock = new ManualClock();
    const failures: unknown[] = [];
    const paused: RateLimitStore = {
      acquire: () => new Promise(() => undefined),
      adjust: () => new Promise(() => undefined),
    };
    const store = new FallbackRateLimitStore({
      primary: paused,
      local: new MemoryRateLimitStore({ clock }),
      replicas: 2,
      clock,
      primaryTimeoutMs: 20,
      onFailure: (error) => failures.push(error),
    });
    // Before the fix this never settled: node-redis waits for a reply as long as the link is open.
    const decision = await store.acquire([request]);
    expect(decision.allowed).toBe(true);
    expect(decision.limits[0]?.limit).toBe(5);
    expect((failures[0] as Error).name).toBe('RedisDeadlineError');
    expect(await store.adjust([{ ...request, costDelta: -1 }])).toHaveLength(1);
  });
});
