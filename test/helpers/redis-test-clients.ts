import { randomUUID } from 'node:crypto';
import { createClient } from 'redis';
import { afterAll } from 'vitest';

/** The Redis the tests use (CI exports it); they fail, never skip, when it is unreachable. */
export const testRedisUrl = process.env.SIGNALBOX_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export type TestRedisClient = ReturnType<typeof createClient>;

/**
 * Redis clients for one test file, all closed after it, and a key prefix unique to the run whose
 * keys are removed after it. Call at the top level of a test file.
 */
export function useRedisTestClients(): {
  readonly runPrefix: string;
  readonly connect: () => Promise<TestRedisClient>;
} {
  const runPrefix = `signalbox-test:${randomUUID()}:`;
  const clients: TestRedisClient[] = [];

  afterAll(async () => {
    const first = clients[0];
    if (first !== undefined) {
      const keys: string[] = [];
      for await (const batch of first.scanIterator({ MATCH: `${runPrefix}*`, COUNT: 1_000 })) {
        keys.push(...batch);
      }
      if (keys.length > 0) await first.del(keys);
    }
    await Promise.all(clients.map((each) => each.close()));
  });

  return {
    runPrefix,
    connect: async () => {
      const client = createClient({
        url: testRedisUrl,
        socket: { connectTimeout: 2_000, reconnectStrategy: false },
      });
      client.on('error', () => {
        // Reported by the failing command or connect(); without a listener node-redis throws.
      });
      try {
        await client.connect();
      } catch (error) {
        throw new Error(
          `Redis is unreachable at ${testRedisUrl} (set SIGNALBOX_TEST_REDIS_URL, or start one with ` +
            '`redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no`).',
          { cause: error },
        );
      }
      clients.push(client);
      return client;
    },
  };
}
