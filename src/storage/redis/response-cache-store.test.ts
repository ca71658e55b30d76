import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { useRedisTestClients } from '../../../test/helpers/redis-test-clients.ts';
import type { ResponseCacheStore } from '../ports.ts';
import { runResponseCacheStoreConformance } from '../response-cache-store.conformance.ts';
import { RedisResponseCacheStore } from './response-cache-store.ts';

const redis = useRedisTestClients();

runResponseCacheStoreConformance('redis', async () => {
  const client = await redis.connect();
  return new RedisResponseCacheStore(client, `${redis.runPrefix}${randomUUID()}:`);
});

describe('redis response cache store', () => {
  it('lets one replica find what another stored, and Redis expires entries itself', async () => {
    const prefix = `${redis.runPrefix}shared:`;
    const first: ResponseCacheStore = new RedisResponseCacheStore(await redis.connect(), prefix);
    const second = new RedisResponseCacheStore(await redis.connect(), prefix);
    const address = { org: 'acme', scope: 'org:acme', alias: 'gpt-*', digest: 'd'.repeat(64) };
    const now = Date.now();
    await first.set({ address, entry: 'from replica one', expiresAt: now + 200 }, now);
    expect((await second.get([address], Date.now()))?.entry).toBe('from replica one');
    // An alias with glob characters never matches other aliases when invalidating.
    expect(await second.invalidate({ alias: 'gpt-4' })).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const client = await redis.connect();
    const keys: string[] = [];
    for await (const batch of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 100 })) {
      keys.push(...batch);
    }
    expect(keys).toEqual([]);
  });
});
