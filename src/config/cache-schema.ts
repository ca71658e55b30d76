import { z } from 'zod';
import type { CacheConfig, CacheSettings } from './gateway-config.ts';

const tag = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_.:-]{0,62}$/, 'must be a lowercase key tag such as no-cache');

const perAliasSchema = z.strictObject({
  enabled: z.boolean().optional().describe('Cache this alias at all. Default true.'),
  ttl_seconds: z.int().min(1).max(31_536_000).optional(),
  semantic: z.boolean().optional().describe('Use the semantic cache for this alias.'),
  semantic_threshold: z
    .number()
    .min(0.5)
    .max(1)
    .optional()
    .describe('Cosine similarity at or above which a stored answer is served.'),
});

const encoderSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('lexical') }),
  z.strictObject({
    type: z.literal('embeddings'),
    model: z.string().min(1).max(256).describe('A configured model alias or provider/model.'),
  }),
  z.strictObject({
    type: z.literal('onnx'),
    directory: z.string().min(1).describe('Holds model.onnx and tokenizer.json.'),
    max_tokens: z.int().min(8).max(8192).optional(),
  }),
]);

/** `cache:`: exact and semantic response caches (docs/caching.md). */
export const cacheSchema = z.strictObject({
  backend: z
    .enum(['memory', 'sqlite', 'redis'])
    .optional()
    .describe(
      'Where entries live: this process (memory), the state directory (sqlite, shared by --workers and kept over restarts) or Redis (storage.redis_url, shared by replicas). Default memory.',
    ),
  scope: z
    .enum(['org', 'team', 'key', 'user'])
    .optional()
    .describe('Who may share an entry: the organisation (default), team, key or user.'),
  ttl_seconds: z.int().min(1).max(31_536_000).optional().describe('Default 3600.'),
  max_entries: z
    .int()
    .min(1)
    .max(10_000_000)
    .optional()
    .describe('Entries kept (memory, sqlite); the least recently used go first. Default 10000.'),
  max_entry_bytes: z
    .int()
    .min(256)
    .max(16 * 1024 * 1024)
    .optional()
    .describe('Larger answers are not cached. Default 256 KiB.'),
  exclude_key_tags: z
    .array(tag)
    .max(32)
    .optional()
    .describe('Keys with any of these tags never read or write the cache.'),
  semantic: z
    .strictObject({
      threshold: z.number().min(0.5).max(1).optional(),
      encoder: encoderSchema.optional().describe('Default lexical (built in, no download).'),
      max_temperature: z
        .number()
        .min(0)
        .max(2)
        .optional()
        .describe('Requests sampled hotter than this skip the semantic cache. Default 0.5.'),
      include_tools: z
        .boolean()
        .optional()
        .describe('Also match requests that offer tools. Default false.'),
      max_entries_per_partition: z.int().min(1).max(10_000_000).optional(),
    })
    .optional()
    .describe('Serve stored answers to requests that mean the same; off unless present.'),
  aliases: z
    .record(z.string().min(1).max(256), perAliasSchema)
    .optional()
    .describe('Settings per requested model alias.'),
});

export type CacheFileSection = z.infer<typeof cacheSchema>;

/**
 * The caches' settings with defaults applied; undefined when the file has no `cache:`. A
 * semantic threshold left unset is the encoder's own default (chosen where the encoder is
 * built). Pure.
 */
export function resolveCacheConfig(section: CacheFileSection | undefined): CacheConfig | undefined {
  if (section === undefined) return undefined;
  const semantic = section.semantic;
  const base: CacheSettings = {
    enabled: true,
    ttlMs: (section.ttl_seconds ?? 3600) * 1000,
    semantic: semantic !== undefined,
    semanticThreshold: semantic?.threshold,
  };
  const aliases = new Map<string, CacheSettings>();
  for (const [alias, settings] of Object.entries(section.aliases ?? {})) {
    aliases.set(alias, {
      enabled: settings.enabled ?? base.enabled,
      ttlMs: settings.ttl_seconds === undefined ? base.ttlMs : settings.ttl_seconds * 1000,
      semantic: settings.semantic ?? base.semantic,
      semanticThreshold: settings.semantic_threshold ?? base.semanticThreshold,
    });
  }
  return {
    backend: section.backend ?? 'memory',
    scope: section.scope ?? 'org',
    maxEntries: section.max_entries ?? 10_000,
    maxEntryBytes: section.max_entry_bytes ?? 256 * 1024,
    excludeKeyTags: section.exclude_key_tags ?? [],
    defaults: base,
    aliases,
    semantic:
      semantic === undefined
        ? undefined
        : {
            encoder:
              semantic.encoder === undefined || semantic.encoder.type === 'lexical'
                ? { type: 'lexical' }
                : semantic.encoder.type === 'embeddings'
                  ? { type: 'embeddings', model: semantic.encoder.model }
                  : {
                      type: 'onnx',
                      directory: semantic.encoder.directory,
                      maxTokens: semantic.encoder.max_tokens,
                    },
            maxTemperature: semantic.max_temperature ?? 0.5,
            includeTools: semantic.include_tools ?? false,
            maxEntriesPerPartition: semantic.max_entries_per_partition ?? 100_000,
          },
  };
}
