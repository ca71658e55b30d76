import type {
  CacheConfig,
  CacheSettings,
  GatewayConfig,
  SemanticEncoderConfig,
} from '../config/gateway-config.ts';
import type { Gateway } from '../gateway/gateway.ts';
import type { SemanticCache } from '../pipeline/cache/semantic-cache.ts';
import { LexicalEncoder } from '../pipeline/cache/semantic/lexical-encoder.ts';
import {
  defaultModelSemanticThreshold,
  defaultSemanticThreshold,
} from '../pipeline/cache/semantic/semantic-defaults.ts';
import type { TextEncoder } from '../pipeline/cache/semantic/text-encoder.ts';
import { GatewayEmbeddingsEncoder } from './gateway-embeddings-encoder.ts';
import type { Clock } from '../lib/clock.ts';
import { oncePerInterval } from '../lib/once-per-interval.ts';
import type { Logger } from '../observability/logger.ts';
import { ResponseCache } from '../pipeline/cache/response-cache.ts';
import { MemoryResponseCacheStore } from '../storage/memory/response-cache-store.ts';
import { randomUUID } from 'node:crypto';
import type { ResponseCacheStore, SemanticEntryFeed } from '../storage/ports.ts';
import { ConfigError } from './config-error.ts';
import { closeRedis, connectRedis } from './connect-redis.ts';

/** A lookup slower than this is a miss (a slow Redis never holds a request up). */
const lookupTimeoutMs = 50;
/** The longest TTL a client may ask for with `x-signalbox-cache-ttl`. */
const maxClientTtlMs = 7 * 24 * 3_600_000;
/** How often a process indexes the semantic entries other processes stored. */
const semanticSyncMs = 1000;
/** Characters the in-process store keeps in all, besides its entry limit. */
const memoryCharsPerEntry = 16 * 1024;
/** While a store is down every request fails on it: its warnings are logged once a minute. */
const warningEveryMs = 60_000;

/** A warning logged at most once per `warningEveryMs`, with how many were left out. */
function throttledWarning(
  logger: Logger,
  clock: Clock,
  message: string,
): (fields: Record<string, unknown>) => void {
  return oncePerInterval<Record<string, unknown>>(clock, warningEveryMs, (fields, suppressed) => {
    logger.warn({ ...fields, suppressed }, message);
  });
}

/** The response cache of a running gateway, rebuilt on reload around the same store. */
export interface OpenedResponseCache {
  /** The cache in force (undefined when the configuration has no `cache:`). */
  current(): ResponseCache | undefined;
  /**
   * Starts the semantic cache when configured (its encoder may need the gateway itself, for an
   * embeddings model). A failure is logged and leaves the exact cache working.
   */
  attachSemantic(gateway: () => Gateway): Promise<void>;
  /** Applies a reloaded configuration's settings (the backend changes only on restart). */
  reconfigure(config: GatewayConfig): void;
  close(): Promise<void>;
}

/** Where the cache keeps answers, and where semantic entries are shared (if anywhere). */
interface OpenedStores {
  readonly store: ResponseCacheStore;
  /** Semantic entries shared with other processes: SQLite and Redis backends only. */
  readonly feed: SemanticEntryFeed | undefined;
  close(): Promise<void>;
}

async function openStores(
  cache: CacheConfig,
  config: GatewayConfig,
  logger: Logger,
): Promise<OpenedStores> {
  switch (cache.backend) {
    case 'memory': {
      const store = new MemoryResponseCacheStore({
        maxEntries: cache.maxEntries,
        maxChars: Math.max(cache.maxEntries * memoryCharsPerEntry, cache.maxEntryBytes),
      });
      return { store, feed: undefined, close: () => store.close() };
    }
    case 'sqlite': {
      // Each backend's modules are imported when it is the one configured.
      const [{ SqliteResponseCacheStore }, { SqliteSemanticEntryFeed }] = await Promise.all([
        import('../storage/sqlite/response-cache-store.ts'),
        import('../storage/sqlite/semantic-entry-feed.ts'),
      ]);
      const store = new SqliteResponseCacheStore(config.stateDir, cache.maxEntries);
      const feed = new SqliteSemanticEntryFeed(config.stateDir, cache.maxEntries);
      return {
        store,
        feed,
        close: async () => {
          await feed.close();
          await store.close();
        },
      };
    }
    case 'redis': {
      const url = config.rateLimitStorage.redisUrl;
      if (url === undefined) {
        throw new ConfigError(
          [{ path: 'cache.backend', message: 'redis needs storage.redis_url' }],
          config.source.kind === 'file' ? config.source.path : 'defaults',
        );
      }
      const [{ RedisResponseCacheStore }, { RedisSemanticEntryFeed }] = await Promise.all([
        import('../storage/redis/response-cache-store.ts'),
        import('../storage/redis/semantic-entry-feed.ts'),
      ]);
      const client = await connectRedis(
        url,
        logger,
        'redis for the response cache is unreachable; requests miss the cache until it answers',
      );
      const prefix = `${config.rateLimitStorage.redisKeyPrefix ?? 'signalbox:'}cache:`;
      return {
        store: new RedisResponseCacheStore(client, prefix),
        feed: new RedisSemanticEntryFeed(client, `${prefix}semantic-feed`, cache.maxEntries),
        close: () => closeRedis(client),
      };
    }
  }
}

/** Opens the configured encoder: lexical (built in), ONNX (a local model) or an embeddings model. */
async function openEncoder(
  encoder: SemanticEncoderConfig,
  gateway: () => Gateway,
  clock: Clock,
): Promise<TextEncoder> {
  switch (encoder.type) {
    case 'lexical':
      return new LexicalEncoder();
    case 'onnx': {
      const { OnnxEncoder } = await import('../pipeline/cache/semantic/onnx-encoder.ts');
      return OnnxEncoder.open(
        encoder.directory,
        encoder.maxTokens === undefined ? {} : { maxSequenceLength: encoder.maxTokens },
      );
    }
    case 'embeddings':
      return GatewayEmbeddingsEncoder.open(gateway, encoder.model, clock);
  }
}

/** The similarity an alias needs: its own, the configured one, or the encoder's default. */
function thresholdFor(settings: CacheSettings, encoder: TextEncoder): number {
  return (
    settings.semanticThreshold ??
    (encoder instanceof LexicalEncoder ? defaultSemanticThreshold : defaultModelSemanticThreshold)
  );
}

function buildCache(
  cache: CacheConfig,
  store: ResponseCacheStore,
  clock: Clock,
  semantic: SemanticCache | undefined,
  encoder: TextEncoder | undefined,
  storeFailed: (fields: Record<string, unknown>) => void,
): ResponseCache {
  return new ResponseCache({
    semantic,
    store,
    clock,
    scope: cache.scope,
    maxEntryBytes: cache.maxEntryBytes,
    excludeKeyTags: cache.excludeKeyTags,
    settingsFor(alias) {
      const settings = cache.aliases.get(alias) ?? cache.defaults;
      return {
        ...settings,
        semanticThreshold: encoder === undefined ? 1 : thresholdFor(settings, encoder),
      };
    },
    maxTtlMs: maxClientTtlMs,
    lookupTimeoutMs,
    onStoreError(operation, error) {
      storeFailed({ operation, err: error instanceof Error ? error.name : 'Error' });
    },
  });
}

/** Opens the configured response cache store, if the configuration has a `cache:` section. */
export async function openResponseCache(
  config: GatewayConfig,
  logger: Logger,
  clock: Clock,
): Promise<OpenedResponseCache> {
  const initial = config.cache;
  if (initial === undefined) {
    return {
      current: () => undefined,
      attachSemantic: () => Promise.resolve(),
      reconfigure(next) {
        if (next.cache !== undefined) {
          logger.warn('cache: was added; it takes effect on restart');
        }
      },
      close: () => Promise.resolve(),
    };
  }
  const stores = await openStores(initial, config, logger);
  const storeFailed = throttledWarning(
    logger,
    clock,
    'the response cache store failed; requests go on without it',
  );
  const store = stores.store;
  let syncTimer: NodeJS.Timeout | undefined;
  let settings: CacheConfig | undefined = initial;
  let semantic: { cache: SemanticCache; encoder: TextEncoder } | undefined;
  const build = (): ResponseCache | undefined =>
    settings === undefined
      ? undefined
      : buildCache(settings, store, clock, semantic?.cache, semantic?.encoder, storeFailed);
  let cache = build();
  return {
    current: () => cache,
    async attachSemantic(gateway) {
      const options = initial.semantic;
      if (options === undefined) return;
      try {
        // The semantic cache and its vector index (usearch, a native addon) are imported only
        // when `cache.semantic` is configured.
        const [encoder, { SemanticCache }, { PartitionedVectorIndex }] = await Promise.all([
          openEncoder(options.encoder, gateway, clock),
          import('../pipeline/cache/semantic-cache.ts'),
          import('../pipeline/cache/semantic/vector-index.ts'),
        ]);
        semantic = {
          encoder,
          cache: new SemanticCache({
            encoder,
            index: new PartitionedVectorIndex({
              dimensions: encoder.dimensions,
              maxEntriesPerPartition: options.maxEntriesPerPartition,
            }),
            clock,
            maxTemperature: options.maxTemperature,
            includeTools: options.includeTools,
            maxEntries: initial.maxEntries,
            feed: stores.feed,
            origin: randomUUID(),
          }),
        };
        const shared = semantic.cache;
        const syncFailed = throttledWarning(
          logger,
          clock,
          'semantic cache entries of other processes could not be read; retrying',
        );
        const sync = (): void => {
          shared.sync().catch((error: unknown) => {
            syncFailed({ err: error instanceof Error ? error.name : 'Error' });
          });
        };
        if (stores.feed !== undefined) {
          await shared.sync().catch(() => 0);
          syncTimer = setInterval(sync, semanticSyncMs);
          syncTimer.unref();
        }
        cache = build();
        logger.info({ encoder: encoder.id }, 'the semantic cache is on');
      } catch (error) {
        logger.error(
          { err: error instanceof Error ? error.message : 'Error' },
          'the semantic cache could not start; only exact matches are cached',
        );
      }
    },
    reconfigure(next) {
      settings = next.cache;
      cache = build();
    },
    close: () => {
      clearInterval(syncTimer);
      return stores.close();
    },
  };
}
