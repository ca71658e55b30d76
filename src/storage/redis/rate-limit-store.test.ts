import { setTimeout as sleep } from 'node:timers/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  useRedisTestClients,
  type TestRedisClient,
} from '../../../test/helpers/redis-test-clients.ts';
import { runRateLimitStoreConformance } from '../rate-limit-store.conformance.ts';
import { RedisRateLimitStore } from './rate-limit-store.ts';

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
  return new RedisRateLimitStore({ client: on, keyPrefix: prefix });
}

runRateLimitStoreConformance('redis', () => Promise.resolve(freshStore()), {
  wait: async (ms) => {
    await sleep(ms + 2);
  },
});

describe('RedisRateLimitStore', () => {
  const perHour = (key: string) => ({ key, limit: 10, periodMs: 3_600_000, burst: 10, cost: 1 });

  it('never over-admits when two gateway processes (two clients) share one limit', async () => {
    const second = await connect();
    const prefix = `${runPrefix}shared:`;
    const processA = freshStore(client, prefix);
    const processB = freshStore(second, prefix);
    const decisions = await Promise.all(
      Array.from({ length: 100 }, (_, index) =>
        (index % 2 === 0 ? processA : processB).acquire([perHour('shared')]),
      ),
    );
    expect(decisions.filter((decision) => decision.allowed)).toHaveLength(10);
  });

  it('loads the script again after SCRIPT FLUSH', async () => {
    await client.scriptFlush();
    const decision = await freshStore().acquire([perHour('flushed')]);
    expect(decision.allowed).toBe(true);
  });

  it('namespaces keys under the prefix and expires them at their TAT', async () => {
    const prefix = `${runPrefix}ttl:`;
    await freshStore(client, prefix).acquire([perHour('k')]);
    const ttl = await client.pTTL(`${prefix}k`);
    expect(ttl).toBeGreaterThan(360_000 - 60_000);
    expect(ttl).toBeLessThanOrEqual(360_001);
  });

  it('deletes a key refunded back to full', async () => {
    const prefix = `${runPrefix}refund:`;
    const store = freshStore(client, prefix);
    await store.acquire([perHour('k')]);
    await store.adjust([{ ...perHour('k'), costDelta: -1 }]);
    expect(await client.exists(`${prefix}k`)).toBe(0);
  });

  it('uses the server clock, not the process clock', async () => {
    const [seconds] = await client.time().then((time) => [Number(time[0])]);
    const prefix = `${runPrefix}clock:`;
    await freshStore(client, prefix).acquire([perHour('k')]);
    const tat = Number(await client.get(`${prefix}k`));
    expect(tat).toBeGreaterThanOrEqual((seconds ?? 0) * 1_000 + 360_000);
    expect(tat).toBeLessThan((seconds ?? 0) * 1_000 + 360_000 + 60_000);
  });
});
