import { setTimeout as sleep } from 'node:timers/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  useRedisTestClients,
  type TestRedisClient,
} from '../../../test/helpers/redis-test-clients.ts';
import { runConcurrencyStoreConformance } from '../concurrency-store.conformance.ts';
import { RedisConcurrencyStore } from './concurrency-store.ts';

const redis = useRedisTestClients();
const runPrefix = redis.runPrefix;
const connect = redis.connect;
type Client = TestRedisClient;

let client: Client;
let storeCount = 0;

beforeAll(async () => {
  client = await connect();
});

function freshStore(on: Client = client, prefix = `${runPrefix}${String(storeCount++)}:`) {
  return new RedisConcurrencyStore({ client: on, keyPrefix: prefix });
}

runConcurrencyStoreConformance('redis', () => Promise.resolve(freshStore()), {
  wait: async (ms) => {
    await sleep(ms + 2);
  },
});

describe('RedisConcurrencyStore', () => {
  const minute = 60_000;

  it('never over-admits when two gateway processes (two clients) share one limit', async () => {
    const second = await connect();
    const prefix = `${runPrefix}shared:`;
    const processA = freshStore(client, prefix);
    const processB = freshStore(second, prefix);
    const decisions = await Promise.all(
      Array.from({ length: 100 }, (_, index) =>
        (index % 2 === 0 ? processA : processB).acquire([{ key: 'shared', limit: 10 }], {
          id: `lease-${String(index)}`,
          ttlMs: minute,
        }),
      ),
    );
    expect(decisions.filter((decision) => decision.allowed)).toHaveLength(10);
  });

  it('loads the scripts again after SCRIPT FLUSH', async () => {
    await client.scriptFlush();
    const store = freshStore();
    const decision = await store.acquire([{ key: 'flushed', limit: 1 }], { id: 'a', ttlMs: 1_000 });
    expect(decision.allowed).toBe(true);
    await client.scriptFlush();
    expect(await store.renew(['flushed'], 'a', 1_000)).toBe(true);
    await client.scriptFlush();
    await store.release(['flushed'], 'a');
  });

  it('namespaces keys under the prefix as sorted sets scored by server-time expiry', async () => {
    const [seconds] = await client.time().then((time) => [Number(time[0])]);
    const prefix = `${runPrefix}layout:`;
    await freshStore(client, prefix).acquire([{ key: 'k', limit: 2 }], { id: 'a', ttlMs: minute });
    const score = await client.zScore(`${prefix}k`, 'a');
    expect(score).toBeGreaterThanOrEqual((seconds ?? 0) * 1_000 + minute);
    expect(score).toBeLessThan((seconds ?? 0) * 1_000 + minute + 10_000);
  });

  it('expires a key at its latest lease expiry, following renewals', async () => {
    const prefix = `${runPrefix}ttl:`;
    const store = freshStore(client, prefix);
    await store.acquire([{ key: 'k', limit: 3 }], { id: 'long', ttlMs: minute });
    await store.acquire([{ key: 'k', limit: 3 }], { id: 'short', ttlMs: 1_000 });
    // The shorter lease does not shorten the key's life.
    expect(await client.pTTL(`${prefix}k`)).toBeGreaterThan(minute - 10_000);
    await store.renew(['k'], 'short', 5 * minute);
    expect(await client.pTTL(`${prefix}k`)).toBeGreaterThan(5 * minute - 10_000);
    expect(await client.pTTL(`${prefix}k`)).toBeLessThanOrEqual(5 * minute);
  });

  it('deletes a key when its last lease is released', async () => {
    const prefix = `${runPrefix}release:`;
    const store = freshStore(client, prefix);
    await store.acquire([{ key: 'k', limit: 2 }], { id: 'a', ttlMs: minute });
    await store.release(['k'], 'a');
    expect(await client.exists(`${prefix}k`)).toBe(0);
  });
});
