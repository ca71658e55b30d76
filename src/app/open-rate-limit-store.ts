import { closeRedis, connectRedis } from './connect-redis.ts';
import type { RateLimitStorageConfig } from '../config/gateway-config.ts';
import type { Clock } from '../lib/clock.ts';
import type { Logger } from '../observability/logger.ts';
import { FallbackRateLimitStore } from '../storage/fallback-rate-limit-store.ts';
import { MemoryRateLimitStore } from '../storage/memory/rate-limit-store.ts';
import { FallbackConcurrencyStore } from '../storage/fallback-concurrency-store.ts';
import { MemoryConcurrencyStore } from '../storage/memory/concurrency-store.ts';
import type { ConcurrencyStore, RateLimitStore } from '../storage/ports.ts';
import { RedisConcurrencyStore } from '../storage/redis/concurrency-store.ts';
import { RedisRateLimitStore } from '../storage/redis/rate-limit-store.ts';

/** A rate limit store and how to let go of what it holds. */
export interface OpenedRateLimitStore {
  readonly store: RateLimitStore;
  /** Where concurrency limits (`max_concurrent`) hold their leases, beside the rate limits. */
  readonly concurrency: ConcurrencyStore;
  close(): Promise<void>;
}

/**
 * Opens where rate limits are counted: this process's memory, or Redis (shared by replicas) with
 * a local share (each limit / `replicas`) while Redis is unreachable. Never rejects: a Redis that
 * is down at start is reconnected to in the background and the local share applies meanwhile.
 * Logs never contain the Redis URL.
 */
export async function openRateLimitStore(
  config: RateLimitStorageConfig,
  logger: Logger,
  clock: Clock,
): Promise<OpenedRateLimitStore> {
  const local = new MemoryRateLimitStore({ clock });
  const localConcurrency = new MemoryConcurrencyStore({ clock });
  if (config.redisUrl === undefined) {
    return { store: local, concurrency: localConcurrency, close: () => Promise.resolve() };
  }
  const client = await connectRedis(
    config.redisUrl,
    logger,
    'redis for rate limits is unreachable; each process enforces its local share until it answers',
  );
  const store = new FallbackRateLimitStore({
    primary: new RedisRateLimitStore({
      client,
      ...(config.redisKeyPrefix === undefined ? {} : { keyPrefix: config.redisKeyPrefix }),
    }),
    local,
    replicas: config.replicas,
    clock,
    onFailure(error) {
      logger.warn(
        {
          err: error instanceof Error ? error.message : String(error),
          replicas: config.replicas,
        },
        'redis for rate limits failed; enforcing the local share (limit / replicas)',
      );
    },
  });
  const concurrency = new FallbackConcurrencyStore({
    primary: new RedisConcurrencyStore({
      client,
      ...(config.redisKeyPrefix === undefined
        ? {}
        : { keyPrefix: `${config.redisKeyPrefix}concurrency:` }),
    }),
    local: localConcurrency,
    replicas: config.replicas,
    clock,
    onFailure(error) {
      logger.warn(
        { err: error instanceof Error ? error.name : 'Error', replicas: config.replicas },
        'redis for concurrency limits failed; enforcing the local share (limit / replicas)',
      );
    },
  });
  return {
    store,
    concurrency,
    close: () => closeRedis(client),
  };
}
