import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../test/helpers/manual-clock.ts';
import { CachedAccessToken, type AccessToken } from './cached-access-token.ts';

const hour = 3_600_000;

/** A fetch that hands out `token-1`, `token-2`, ... valid for an hour, and counts its calls. */
function countingFetch(clock: ManualClock): {
  fetch: () => Promise<AccessToken>;
  calls: () => number;
} {
  let calls = 0;
  return {
    fetch: () => {
      calls += 1;
      return Promise.resolve({ token: `token-${calls}`, expiresAt: clock.now() + hour });
    },
    calls: () => calls,
  };
}

function deferred<T>(): {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
} {
  let resolve: (value: T) => void = () => undefined;
  let reject: (error: unknown) => void = () => undefined;
  const promise = new Promise<T>((onResolve, onReject) => {
    resolve = onResolve;
    reject = onReject;
  });
  return { promise, resolve, reject };
}

describe('CachedAccessToken', () => {
  it('fetches once, then answers synchronously from the cache', async () => {
    const clock = new ManualClock();
    const source = countingFetch(clock);
    const cache = new CachedAccessToken(source.fetch, clock);
    expect(await cache.get()).toBe('token-1');
    for (let index = 0; index < 50; index += 1) {
      clock.advance(1000);
      expect(cache.get()).toBe('token-1');
    }
    expect(source.calls()).toBe(1);
  });

  it('refreshes a minute before expiry, not earlier', async () => {
    const clock = new ManualClock();
    const source = countingFetch(clock);
    const cache = new CachedAccessToken(source.fetch, clock);
    expect(await cache.get()).toBe('token-1');
    clock.advance(hour - 60_000 - 1);
    expect(cache.get()).toBe('token-1');
    clock.advance(1);
    const refreshed = cache.get();
    expect(refreshed).toBeInstanceOf(Promise);
    expect(await refreshed).toBe('token-2');
    expect(cache.get()).toBe('token-2');
    expect(source.calls()).toBe(2);
  });

  it('honours another refresh margin', async () => {
    const clock = new ManualClock();
    const source = countingFetch(clock);
    const cache = new CachedAccessToken(source.fetch, clock, 5_000);
    await cache.get();
    clock.advance(hour - 5_001);
    expect(cache.get()).toBe('token-1');
    clock.advance(1);
    expect(await cache.get()).toBe('token-2');
  });

  it('lets concurrent callers share one fetch', async () => {
    const clock = new ManualClock();
    const pending = deferred<AccessToken>();
    let calls = 0;
    const cache = new CachedAccessToken(() => {
      calls += 1;
      return pending.promise;
    }, clock);
    const waiting = Array.from({ length: 20 }, () => Promise.resolve(cache.get()));
    expect(calls).toBe(1);
    pending.resolve({ token: 'shared', expiresAt: clock.now() + hour });
    expect(await Promise.all(waiting)).toEqual(Array.from({ length: 20 }, () => 'shared'));
    expect(calls).toBe(1);
  });

  it('lets concurrent callers share one refresh near expiry', async () => {
    const clock = new ManualClock();
    let calls = 0;
    const refresh = deferred<AccessToken>();
    const cache = new CachedAccessToken(() => {
      calls += 1;
      return calls === 1
        ? Promise.resolve({ token: 'first', expiresAt: clock.now() + hour })
        : refresh.promise;
    }, clock);
    await cache.get();
    clock.advance(hour - 30_000);
    const waiting = [cache.get(), cache.get(), cache.get()].map((value) => Promise.resolve(value));
    expect(calls).toBe(2);
    refresh.resolve({ token: 'second', expiresAt: clock.now() + hour });
    expect(await Promise.all(waiting)).toEqual(['second', 'second', 'second']);
    expect(calls).toBe(2);
  });

  it('does not cache a failed fetch: every waiting caller sees it, the next call tries again', async () => {
    const clock = new ManualClock();
    let calls = 0;
    const first = deferred<AccessToken>();
    const cache = new CachedAccessToken(() => {
      calls += 1;
      return calls === 1
        ? first.promise
        : Promise.resolve({ token: 'ok', expiresAt: clock.now() + hour });
    }, clock);
    const waiting = [cache.get(), cache.get()].map((value) => Promise.resolve(value));
    first.reject(new Error('token endpoint down'));
    for (const result of await Promise.allSettled(waiting)) {
      expect(result.status).toBe('rejected');
    }
    expect(await cache.get()).toBe('ok');
    expect(calls).toBe(2);
  });

  it('fetches again when a fetched token is already within the margin', async () => {
    const clock = new ManualClock();
    let calls = 0;
    const cache = new CachedAccessToken(() => {
      calls += 1;
      return Promise.resolve({ token: `short-${calls}`, expiresAt: clock.now() + 30_000 });
    }, clock);
    expect(await cache.get()).toBe('short-1');
    expect(await cache.get()).toBe('short-2');
    expect(calls).toBe(2);
  });
});
