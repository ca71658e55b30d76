import type { createClient } from 'redis';
import type { SecretValue } from '../lib/secret-value.ts';
import type { Logger } from '../observability/logger.ts';

export type RedisClient = ReturnType<typeof createClient>;

/** How long start-up waits for Redis before going on without it (it keeps reconnecting). */
const startupWaitMs = 2_000;

/**
 * A Redis client that connects, and keeps reconnecting, in the background. Commands fail at once
 * while it is disconnected (no offline queue), so callers fall back or refuse instead of waiting.
 * Start-up waits up to two seconds for the first connection, then goes on and logs `unreachable`
 * (never the URL). node-redis' own `connect()` only settles once connected, so it is not awaited.
 *
 * The client library is imported here, on first use, not at start-up: ~400 modules and ~3 MB of
 * heap that a gateway without Redis never needs.
 */
export async function connectRedis(
  url: SecretValue,
  logger: Logger,
  unreachable: string,
): Promise<RedisClient> {
  const { createClient } = await import('redis');
  const client = createClient({
    url: url.reveal(),
    disableOfflineQueue: true,
    socket: {
      connectTimeout: 2_000,
      reconnectStrategy: (retries: number) => Math.min(100 * 2 ** retries, 5_000),
    },
  });
  // Reported through failing commands; without a listener node-redis would throw.
  client.on('error', () => undefined);
  let timer: NodeJS.Timeout | undefined;
  const connected = await Promise.race([
    client.connect().then(
      () => true,
      () => false,
    ),
    new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), startupWaitMs);
    }),
  ]);
  clearTimeout(timer);
  if (!connected) {
    logger.warn({}, unreachable);
  }
  return client;
}

/** Closes a client, dropping the connection when a clean close is not possible. */
export async function closeRedis(client: RedisClient): Promise<void> {
  try {
    await client.close();
  } catch {
    client.destroy();
  }
}
