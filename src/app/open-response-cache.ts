import type {
  CacheConfig,
  CacheSettings,
  GatewayConfig,
  SemanticEncoderConfig,
} from '../config/gateway-config.ts';
import type { Gateway } from '../gateway/gateway.ts';
import { SemanticCache } from '../pipeline/cache/semantic-cache.ts';
import { LexicalEncoder } from '../pipeline/cache/semantic/lexical-encoder.ts';
import { OnnxEncoder } from '../pipeline/cache/semantic/onnx-encoder.ts';
import {
  defaultModelSemanticThreshold,
  defaultSemanticThreshold,
} from '../pipeline/cache/semantic/semantic-defaults.ts';
import type { TextEncoder } from '../pipeline/cache/semantic/text-encoder.ts';
import { PartitionedVectorIndex } from '../pipeline/cache/semantic/vector-index.ts';
import { GatewayEmbeddingsEncoder } from './gateway-embeddings-encoder.ts';
import type { Clock } from '../lib/clock.ts';
import type { Logger } from '../observability/logger.ts';
import { ResponseCache } from '../pipeline/cache/response-cache.ts';
import { MemoryResponseCacheStore } from '../storage/memory/response-cache-store.ts';
import type { ResponseCacheStore } from '../storage/ports.ts';
import { RedisResponseCacheStore } from '../storage/redis/response-cache-store.ts';
import { SqliteResponseCacheStore } from '../storage/sqlite/response-cache-store.ts';
import { ConfigError } from './config-error.ts';
import { closeRedis, connectRedis } from './connect-redis.ts';

/** A lookup slower than this is a miss (a slow Redis never holds a request up). */
const lookupTimeoutMs = 50;
/** The longest TTL a client may ask for with `x-signalbox-cache-ttl`. */
const maxClientTtlMs = 7 * 24 * 3_600_000;
/** Characters the in-process store keeps in all, besides its entry limit. */
const memoryCharsPerEntry = 16 * 1024;

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

async function openStore(
  cache: CacheConfig,
  config: GatewayConfig,
  logger: Logger,
): Promise<ResponseCacheStore> {
  switch (cache.backend) {
    case 'memory':
      return new MemoryResponseCacheStore({
        maxEntries: cache.maxEntries,
        maxChars: Math.max(cache.maxEntries * memoryCharsPerEntry, cache.maxEntryBytes),
      });
    case 'sqlite':
      return new SqliteResponseCacheStore(config.stateDir, cache.maxEntries);
    case 'redis': {
      const url = config.rateLimitStorage.redisUrl;
      if (url === undefined) {
        throw new ConfigError(
          [{ path: 'cache.backend', message: 'redis needs storage.redis_url' }],
          config.source.kind === 'file' ? config.source.path : 'defaults',
        );
      }
      const client = await connectRedis(
        url,
        logger,
        'redis for the response cache is unreachable; requests miss the cache until it answers',
      );
      const store = new RedisResponseCacheStore(
        client,
        `${config.rateLimitStorage.redisKeyPrefix ?? 'signalbox:'}cache:`,
      );
      return {
        get: (addresses, now) => store.get(addresses, now),
        set: (entry) => store.set(entry),
        invalidate: (filter) => store.invalidate(filter),
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
    case 'onnx':
      return OnnxEncoder.open(
        encoder.directory,
        encoder.maxTokens === undefined ? {} : { maxSequenceLength: encoder.maxTokens },
      );
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
  logger: Logger,
  semantic: SemanticCache | undefined,
  encoder: TextEncoder | undefined,
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
      logger.warn(
        { operation, err: error instanceof Error ? error.name : 'Error' },
        'the response cache store failed; the request goes on without it',
      );
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
  const store = await openStore(initial, config, logger);
  let settings: CacheConfig | undefined = initial;
  let semantic: { cache: SemanticCache; encoder: TextEncoder } | undefined;
  const build = (): ResponseCache | undefined =>
    settings === undefined
      ? undefined
      : buildCache(settings, store, clock, logger, semantic?.cache, semantic?.encoder);
  let cache = build();
  return {
    current: () => cache,
    async attachSemantic(gateway) {
      const options = initial.semantic;
      if (options === undefined) return;
      try {
        const encoder = await openEncoder(options.encoder, gateway, clock);
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
          }),
        };
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
    close: () => store.close(),
  };
}
