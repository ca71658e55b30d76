import { describe, expect, it } from 'vitest';
import type { Clock } from '../../lib/clock.ts';
import { runRateLimitStoreConformance } from '../rate-limit-store.conformance.ts';
import { MemoryRateLimitStore } from './rate-limit-store.ts';

/** A clock that moves only when told to. */
function manualClock(start = 1_700_000_000_000): Clock & { advance(ms: number): void } {
  let now = start;
  return {
    now: () => now,
    monotonic: () => now,
    advance: (ms) => {
      now += ms;
    },
  };
}

let clock = manualClock();
runRateLimitStoreConformance(
  'memory',
  () => {
    clock = manualClock();
    return Promise.resolve(new MemoryRateLimitStore({ clock }));
  },
  {
    wait: (ms) => {
      clock.advance(ms);
      return Promise.resolve();
    },
  },
);

describe('MemoryRateLimitStore', () => {
  const perSecond = (key: string) => ({ key, limit: 10, periodMs: 1_000, burst: 10, cost: 1 });

  it('drops a key once its TAT has passed', async () => {
    const time = manualClock();
    const store = new MemoryRateLimitStore({ clock: time });
    await store.acquire([perSecond('a')]);
    expect(store.size).toBe(1);
    time.advance(100);
    await store.acquire([perSecond('a')]);
    await store.adjust([{ ...perSecond('a'), costDelta: -10 }]);
    expect(store.size).toBe(0);
  });

  it('holds at most maxKeys keys, dropping expired keys first, then the least recently charged', async () => {
    const time = manualClock();
    const store = new MemoryRateLimitStore({ clock: time, maxKeys: 3 });
    await store.acquire([perSecond('old')]);
    time.advance(200);
    await store.acquire([perSecond('b'), perSecond('c')]);
    await store.acquire([perSecond('d')]);
    expect(store.size).toBe(3);
    // 'old' expired and was dropped to make room; now all are live and 'b' is the oldest.
    await store.acquire([perSecond('e')]);
    expect(store.size).toBe(3);
    const b = await store.acquire([{ ...perSecond('b'), cost: 0 }]);
    expect(b.limits[0]?.remaining).toBe(10);
    const d = await store.acquire([{ ...perSecond('d'), cost: 0 }]);
    expect(d.limits[0]?.remaining).toBe(9);
  });

  it('rejects a maxKeys below one', () => {
    expect(() => new MemoryRateLimitStore({ maxKeys: 0 })).toThrow(RangeError);
  });
});
