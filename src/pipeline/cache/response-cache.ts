import type { ChatRequest } from '../../canonical/chat-request.ts';
import type { ChatResponse } from '../../canonical/chat-response.ts';
import type { SemanticCache, SemanticQuery } from './semantic-cache.ts';
import type { ModelRequestEnvelope } from '../../canonical/model-request-envelope.ts';
import type { Clock } from '../../lib/clock.ts';
import type { ResponseCacheAddress, ResponseCacheStore } from '../../storage/ports.ts';
import type { Principal } from '../identity/principal.ts';
import { readCacheDirectives, type CacheDirectives } from './cache-directives.ts';
import { parseCacheEntry, serialiseCacheEntry, type CacheEntry } from './cache-entry.ts';
import { exactCacheAddress } from './exact-cache-key.ts';
import { tenantScopeOf, type TenantScope, type TenantScopeKind } from './tenant-scope.ts';

/** What caching does for one alias. */
export interface AliasCacheSettings {
  readonly enabled: boolean;
  readonly ttlMs: number;
  /** Whether the semantic cache answers this alias (when one is configured). */
  readonly semantic: boolean;
  readonly semanticThreshold: number;
}

export interface ResponseCacheOptions {
  readonly store: ResponseCacheStore;
  readonly clock: Clock;
  readonly scope: TenantScopeKind;
  readonly maxEntryBytes: number;
  readonly excludeKeyTags: readonly string[];
  /** The settings for a requested alias (defaults where it has none). */
  readonly settingsFor: (alias: string) => AliasCacheSettings;
  /** Longest TTL a client may ask for. */
  readonly maxTtlMs: number;
  /** A lookup slower than this counts as a miss (a slow store never holds a request up). */
  readonly lookupTimeoutMs: number;
  readonly onStoreError: (operation: 'get' | 'set' | 'encode', error: unknown) => void;
  /** The semantic cache, when configured. */
  readonly semantic?: SemanticCache | undefined;
}

/** Why a request does not use the cache; `x-signalbox-cache: bypass`. */
export type CacheBypassReason =
  'operation' | 'stateful-request' | 'alias-disabled' | 'key-excluded' | 'client-no-store';

/** How one request uses the cache, decided before routing. */
export type CacheDecision =
  | { readonly use: false; readonly reason: CacheBypassReason }
  | {
      readonly use: true;
      readonly org: string;
      readonly scope: TenantScope;
      readonly alias: string;
      readonly directives: CacheDirectives;
      readonly ttlMs: number;
      readonly policyVersion: string | undefined;
    };

/** A stored answer found for a request. */
export interface CacheHit {
  readonly entry: CacheEntry;
  readonly address: ResponseCacheAddress;
  /** Set for a semantic hit: how alike the two requests are (cosine). */
  readonly similarity?: number | undefined;
}

/** One request's use of the cache: look up before routing, remember after. */
export interface CacheSession {
  /** The first stored answer under `targets` (exact first, then semantic); never rejects. */
  lookup(targets: readonly string[]): Promise<CacheHit | undefined>;
  /** Stores a fresh answer under the model that produced it (behind the answer; never throws). */
  remember(
    produced: { readonly target: string; readonly deployment: string },
    answer: ChatResponse,
    costNanos: number | undefined,
  ): void;
}

/** Body fields that tie a request to state kept by the provider: never answered from a cache. */
const statefulFields = ['previous_response_id', 'conversation', 'background'] as const;

/**
 * The exact response cache (docs/caching.md). Entries are addressed by the tenant scope (from
 * the authenticated caller only), the model that produced the answer and every answer-relevant
 * field; they are looked up under each model the request's own alias would use, and stored
 * under the one that answered. A store that fails or is slow is a miss, never an error.
 */
export class ResponseCache {
  readonly #options: ResponseCacheOptions;

  constructor(options: ResponseCacheOptions) {
    this.#options = options;
  }

  /**
   * How `envelope` uses the cache. Throws `RangeError` for a malformed `x-signalbox-cache-ttl`.
   */
  decide(
    principal: Principal,
    envelope: ModelRequestEnvelope,
    headers: Readonly<Record<string, string | string[] | undefined>>,
    policyVersion: string | undefined,
  ): CacheDecision {
    if (envelope.operation !== 'chat') return { use: false, reason: 'operation' };
    const body = envelope.body.value;
    if (statefulFields.some((field) => body[field] !== undefined && body[field] !== false)) {
      return { use: false, reason: 'stateful-request' };
    }
    const settings = this.#options.settingsFor(envelope.model);
    if (!settings.enabled) return { use: false, reason: 'alias-disabled' };
    if (principal.tags.some((tag) => this.#options.excludeKeyTags.includes(tag))) {
      return { use: false, reason: 'key-excluded' };
    }
    const directives = readCacheDirectives(headers, this.#options.maxTtlMs);
    if (!directives.read && !directives.write) return { use: false, reason: 'client-no-store' };
    return {
      use: true,
      org: principal.org,
      scope: tenantScopeOf(principal, this.#options.scope),
      alias: envelope.model,
      directives,
      ttlMs: directives.ttlMs ?? settings.ttlMs,
      policyVersion,
    };
  }

  /** The addresses of `envelope` under each target, in order. */
  addresses(
    decision: Extract<CacheDecision, { use: true }>,
    envelope: ModelRequestEnvelope,
    targets: readonly string[],
  ): ResponseCacheAddress[] | undefined {
    try {
      return targets.map((target) =>
        exactCacheAddress(envelope, {
          org: decision.org,
          scope: decision.scope,
          alias: decision.alias,
          target,
          policyVersion: decision.policyVersion,
        }),
      );
    } catch {
      // A body without a canonical form (a lone surrogate) cannot be addressed: no caching.
      return undefined;
    }
  }

  /**
   * A session for one request. `chatRequest` gives the request in the hub's terms (decoded only
   * if the semantic cache needs it; undefined when it cannot be decoded).
   */
  begin(
    decision: Extract<CacheDecision, { use: true }>,
    envelope: ModelRequestEnvelope,
    chatRequest: () => ChatRequest | undefined,
  ): CacheSession {
    const semantic = this.#semanticQuery(decision, envelope, chatRequest);
    return {
      lookup: (targets) => this.#lookup(decision, envelope, targets, semantic),
      remember: (produced, answer, costNanos) => {
        this.#remember(decision, envelope, produced, answer, costNanos, semantic);
      },
    };
  }

  #semanticQuery(
    decision: Extract<CacheDecision, { use: true }>,
    envelope: ModelRequestEnvelope,
    chatRequest: () => ChatRequest | undefined,
  ): SemanticQuery | undefined {
    const semantic = this.#options.semantic;
    if (semantic === undefined || !this.#options.settingsFor(decision.alias).semantic) {
      return undefined;
    }
    const request = chatRequest();
    return request === undefined
      ? undefined
      : semantic.query(envelope, request, {
          scope: decision.scope,
          alias: decision.alias,
          policyVersion: decision.policyVersion,
        });
  }

  async #lookup(
    decision: Extract<CacheDecision, { use: true }>,
    envelope: ModelRequestEnvelope,
    targets: readonly string[],
    semantic: SemanticQuery | undefined,
  ): Promise<CacheHit | undefined> {
    if (!decision.directives.read) return undefined;
    const addresses = this.addresses(decision, envelope, targets);
    if (addresses === undefined || addresses.length === 0) return undefined;
    const exact = await this.#get(addresses);
    if (exact !== undefined || semantic === undefined || this.#options.semantic === undefined) {
      return exact;
    }
    let similar;
    try {
      similar = await this.#options.semantic.search(
        semantic,
        targets,
        this.#options.settingsFor(decision.alias).semanticThreshold,
      );
    } catch (error) {
      this.#options.onStoreError('encode', error);
      return undefined;
    }
    if (similar === undefined) return undefined;
    const found = await this.#get([similar.address]);
    return found === undefined ? undefined : { ...found, similarity: similar.similarity };
  }

  async #get(addresses: readonly ResponseCacheAddress[]): Promise<CacheHit | undefined> {
    let timer: NodeJS.Timeout | undefined;
    try {
      const stored = await Promise.race([
        this.#options.store.get(addresses, this.#options.clock.now()),
        new Promise<undefined>((resolve) => {
          timer = setTimeout(() => {
            resolve(undefined);
          }, this.#options.lookupTimeoutMs);
        }),
      ]);
      if (stored === undefined) return undefined;
      const entry = parseCacheEntry(stored.entry);
      return entry === undefined ? undefined : { entry, address: stored.address };
    } catch (error) {
      this.#options.onStoreError('get', error);
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  }

  #remember(
    decision: Extract<CacheDecision, { use: true }>,
    envelope: ModelRequestEnvelope,
    produced: { readonly target: string; readonly deployment: string },
    answer: ChatResponse,
    costNanos: number | undefined,
    semantic: SemanticQuery | undefined,
  ): void {
    if (!decision.directives.write || !isCacheableAnswer(answer)) return;
    const [address] = this.addresses(decision, envelope, [produced.target]) ?? [];
    if (address === undefined) return;
    const now = this.#options.clock.now();
    const text = serialiseCacheEntry({
      answer,
      target: produced.target,
      deployment: produced.deployment,
      createdAt: now,
      costNanos,
    });
    if (Buffer.byteLength(text) > this.#options.maxEntryBytes) return;
    const expiresAt = now + decision.ttlMs;
    this.#options.store
      .set({ address, entry: text, expiresAt }, now)
      .then(
        () =>
          semantic && this.#options.semantic?.add(semantic, produced.target, address, expiresAt),
      )
      .catch((error: unknown) => {
        this.#options.onStoreError('set', error);
      });
  }

  /** Deletes the entries of an organisation (every scope in it), an alias, or both. */
  invalidate(filter: { readonly org?: string; readonly alias?: string }): Promise<number> {
    if (filter.org === undefined && filter.alias === undefined) {
      throw new RangeError('name an organisation, an alias or both to invalidate');
    }
    this.#options.semantic?.forget(filter);
    return this.#options.store.invalidate(filter);
  }
}

/**
 * Only whole answers are worth serving again: every choice ended normally (stop or tool calls),
 * none was cut by a length limit or a content filter.
 */
function isCacheableAnswer(answer: ChatResponse): boolean {
  return (
    answer.choices.length > 0 &&
    answer.choices.every(
      (choice) =>
        choice.finishReason.unified === 'stop' || choice.finishReason.unified === 'tool-calls',
    )
  );
}
