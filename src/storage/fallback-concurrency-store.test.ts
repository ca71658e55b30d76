import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../test/helpers/manual-clock.ts';
import { FallbackConcurrencyStore } from './fallback-concurrency-store.ts';
import { MemoryConcurrencyStore } from './memory/concurrency-store.ts';
import type { ConcurrencyStore } from './ports.ts';

/** A store that can be switched to fail, recording the lease ids it was asked about. */
class SwitchableStore implements ConcurrencyStore {
  failing = false;
  readonly calls: string[] = [];
  readonly inner: MemoryConcurrencyStore;

  constructor(clock: ManualClock) {
    this.inner = new MemoryConcurrencyStore({ clock });
  }

  acquire(...parameters: Parameters<ConcurrencyStore['acquire']>) {
    return this.#call(`acquire ${parameters[1].id}`, () => this.inner.acquire(...parameters));
  }

  release(...parameters: Parameters<ConcurrencyStore['release']>) {
    return this.#call(`release ${parameters[1]}`, () => this.inner.release(...parameters));
  }

  renew(...parameters: Parameters<ConcurrencyStore['renew']>) {
    return this.#call(`renew ${parameters[1]}`, () => this.inner.renew(...parameters));
  }

  #call<T>(name: string, work: () => Promise<T>): Promise<T> {
    this.calls.push(name);
    return this.failing ? Promise.reject(new Error('connection refused')) : work();
  }
}

function setup(replicas = 4, maxLeases?: number) {
  const clock = new ManualClock();
  const primary = new SwitchableStore(clock);
  const local = new SwitchableStore(clock);
  const failures: unknown[] = [];
  const store = new FallbackConcurrencyStore({
    primary,
    local,
    replicas,
    clock,
    onFailure: (error) => failures.push(error),
    ...(maxLeases === undefined ? {} : { maxLeases }),
  });
  return { clock, primary, local, failures, store };
}

const ten = [{ key: 'concurrency:key:a', limit: 10 }];
const keys = ['concurrency:key:a'];
const lease = (id: string) => ({ id, ttlMs: 60_000 });

describe('FallbackConcurrencyStore', () => {
  it('uses the primary while it answers', async () => {
    const { primary, local, failures, store } = setup();
    const decision = await store.acquire(ten, lease('a'));
    expect(decision.limits[0]).toEqual({ key: 'concurrency:key:a', limit: 10, inFlight: 1 });
    expect(primary.inner.size).toBe(1);
    expect(local.calls).toEqual([]);
    expect(failures).toEqual([]);
  });

  it('enforces ceil(limit / replicas) locally when the primary fails, warning once a minute', async () => {
    const { clock, primary, local, failures, store } = setup(4);
    primary.failing = true;
    const allowed: boolean[] = [];
    for (let index = 0; index < 4; index += 1) {
      allowed.push((await store.acquire(ten, lease(`l${String(index)}`))).allowed);
    }
    // ceil(10 / 4) = 3 at once.
    expect(allowed).toEqual([true, true, true, false]);
    expect(local.inner.size).toBe(1);
    expect(failures).toHaveLength(1);
    clock.advance(60_000);
    await store.acquire(ten, lease('later'));
    expect(failures).toHaveLength(2);
  });

  it('keeps a local share of at least one', async () => {
    const { primary, store } = setup(50);
    primary.failing = true;
    expect((await store.acquire(ten, lease('a'))).allowed).toBe(true);
    expect((await store.acquire(ten, lease('b'))).allowed).toBe(false);
  });

  it('releases and renews a lease in the store that admitted it', async () => {
    const { primary, local, store } = setup(1);
    await store.acquire(ten, lease('shared'));
    primary.failing = true;
    await store.acquire(ten, lease('local'));
    primary.failing = false;
    primary.calls.length = 0;
    local.calls.length = 0;

    expect(await store.renew(keys, 'local', 60_000)).toBe(true);
    await store.release(keys, 'local');
    expect(local.calls).toEqual(['renew local', 'release local']);
    expect(primary.calls).toEqual([]);
    expect(local.inner.size).toBe(0);

    expect(await store.renew(keys, 'shared', 60_000)).toBe(true);
    await store.release(keys, 'shared');
    expect(primary.calls).toEqual(['renew shared', 'release shared']);
    expect(local.calls).toEqual(['renew local', 'release local']);
    expect(primary.inner.size).toBe(0);
    expect(store.rememberedLeases).toBe(0);
  });

  it('does not reject release or renew when the primary fails; the lease expires at its TTL', async () => {
    const { primary, failures, store } = setup();
    await store.acquire(ten, lease('a'));
    primary.failing = true;
    expect(await store.renew(keys, 'a', 60_000)).toBe(false);
    await expect(store.release(keys, 'a')).resolves.toBeUndefined();
    expect(failures).toHaveLength(1);
  });

  it('sends a lease it does not know to both stores', async () => {
    const { primary, local, store } = setup(1, 1);
    await store.acquire(ten, lease('forgotten'));
    await store.acquire(ten, lease('newer'));
    expect(store.rememberedLeases).toBe(1);
    primary.calls.length = 0;
    await store.release(keys, 'forgotten');
    expect(primary.calls).toEqual(['release forgotten']);
    expect(local.calls).toEqual(['release forgotten']);
    expect(primary.inner.size).toBe(1);
  });

  it('does not remember refused leases', async () => {
    const { store } = setup();
    await store.acquire([{ key: 'k', limit: 1 }], lease('a'));
    await store.acquire([{ key: 'k', limit: 1 }], lease('b'));
    expect(store.rememberedLeases).toBe(1);
  });

  it('rethrows invalid input instead of falling back', async () => {
    const { local, failures, store } = setup();
    await expect(store.acquire([{ key: 'k', limit: 0 }], lease('a'))).rejects.toThrow(RangeError);
    await expect(store.renew(keys, 'a', 0)).rejects.toThrow(RangeError);
    expect(local.calls.filter((call) => call.startsWith('acquire'))).toEqual([]);
    expect(failures).toEqual([]);
    const options = { primary: local, local, replicas: 1, onFailure: () => undefined };
    expect(() => new FallbackConcurrencyStore({ ...options, maxLeases: 0 })).toThrow(RangeError);
  });

  it('admits locally when the primary does not answer in time, releasing a late primary lease', async () => {
    const clock = new ManualClock();
    const primary = new MemoryConcurrencyStore({ clock });
    let answer: () => void = () => undefined;
    const late: ConcurrencyStore = {
      // A paused Redis: the acquire is applied only after the caller stopped waiting.
      acquire: (requests, lease) =>
        new Promise((resolve) => {
          answer = () => void primary.acquire(requests, lease).then(resolve);
        }),
      release: (keys, leaseId) => primary.release(keys, leaseId),
      renew: (keys, leaseId, ttlMs) => primary.renew(keys, leaseId, ttlMs),
    };
    const failures: unknown[] = [];
    const store = new FallbackConcurrencyStore({
      primary: late,
      local: new MemoryConcurrencyStore({ clock }),
      replicas: 1,
      clock,
      primaryTimeoutMs: 20,
      onFailure: (error) => failures.push(error),
    });
    const requests = [{ key: 'concurrency:key:a', limit: 1 }];
    const decision = await store.acquire(requests, { id: 'lease-1', ttlMs: 60_000 });
    expect(decision.allowed).toBe(true);
    expect((failures[0] as Error).name).toBe('RedisDeadlineError');
    answer();
    // The late lease is released in the primary: a second lease finds the slot free there.
    await expect
      .poll(async () => {
        const probe = await primary.acquire(requests, { id: 'probe', ttlMs: 60_000 });
        if (probe.allowed) await primary.release(['concurrency:key:a'], 'probe');
        return probe.allowed;
      })
      .toBe(true);
  });
});
