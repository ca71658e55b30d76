import { createHash } from 'node:crypto';
import type { ChatMessage } from '../../canonical/chat-message.ts';
import type { ChatRequest } from '../../canonical/chat-request.ts';
import type { ModelRequestEnvelope } from '../../canonical/model-request-envelope.ts';
import type { Clock } from '../../lib/clock.ts';
import { safeParseJson } from '../../lib/json.ts';
import type { ResponseCacheAddress, SemanticEntryFeed } from '../../storage/ports.ts';
import { canonicalJson } from '../audit/canonical-json.ts';
import { answerRelevantFields } from './exact-cache-key.ts';
import { pickSemanticHit } from './semantic/pick-semantic-hit.ts';
import { salientSignature } from './semantic/salient-tokens.ts';
import { semanticCandidateCount } from './semantic/semantic-defaults.ts';
import type { TextEncoder } from './semantic/text-encoder.ts';
import type { PartitionedVectorIndex } from './semantic/vector-index.ts';
import type { TenantScope } from './tenant-scope.ts';

/** Body fields that carry the conversation in the ingress dialects; compared canonically instead. */
const conversationFields = ['messages', 'input', 'system', 'instructions'] as const;

/** What the semantic cache needs to know about a request that may use it. */
export interface SemanticQuery {
  /** The last user message's text: what is compared by meaning. */
  readonly text: string;
  /** Its salient tokens (numbers, names, quotes...), which must be equal for a hit. */
  readonly signature: string;
  /** Everything else, which must be equal: the partition is per producing model. */
  partitionFor(target: string): string;
  /** The query's vector, once encoded. */
  vector: Float32Array | undefined;
}

export interface SemanticCacheOptions {
  readonly encoder: TextEncoder;
  readonly index: PartitionedVectorIndex;
  readonly clock: Clock;
  /** Requests sampled hotter than this skip the semantic cache. */
  readonly maxTemperature: number;
  /** Whether requests that offer tools may use it. */
  readonly includeTools: boolean;
  /** Entries indexed in all partitions together; the oldest go first beyond it. */
  readonly maxEntries: number;
  /**
   * Where entries are shared with the other processes (SQLite on one machine, Redis across
   * replicas); undefined: this process only.
   */
  readonly feed?: SemanticEntryFeed | undefined;
  /** This process's name on the feed (its own entries are indexed already). */
  readonly origin?: string;
}

/** A stored entry the index knows: where its answer is, and what its query said. */
interface IndexedEntry {
  readonly address: ResponseCacheAddress;
  readonly signature: string;
  readonly expiresAt: number;
  readonly partition: string;
}

/** JSON without `undefined` members, so it has a canonical form. */
function plain(value: unknown): unknown {
  // JSON.stringify drops undefined members; a canonical form then exists.
  const parsed = safeParseJson(JSON.stringify(value === undefined ? null : value));
  return parsed.ok ? parsed.value : null;
}

function textOf(message: ChatMessage): string | undefined {
  if (message.role !== 'user') return undefined;
  const texts: string[] = [];
  for (const part of message.content) {
    if (part.type !== 'text') return undefined;
    texts.push(part.text);
  }
  const text = texts.join('\n').trim();
  return text === '' ? undefined : text;
}

/**
 * The semantic response cache (docs/caching.md): a request whose last user message means the
 * same as a stored one, with everything else equal (system prompt, earlier turns, parameters,
 * tenant scope, producing model, policy version), is answered with the stored answer. Each
 * combination of those is a separate partition of the vector index (one index per partition, so
 * one tenant's entries can never be found by another). A hit also needs the two messages'
 * salient tokens (numbers, names, quotes, identifiers, links) to be equal.
 */
export class SemanticCache {
  readonly #options: SemanticCacheOptions;
  readonly #entries = new Map<number, IndexedEntry>();
  #nextId = 0;
  #cursor: string | undefined;

  constructor(options: SemanticCacheOptions) {
    this.#options = options;
  }

  /** The encoder's id (part of every partition). */
  get encoderId(): string {
    return this.#options.encoder.id;
  }

  /**
   * The semantic query of a request, or undefined when the request may not use the semantic
   * cache: its last message is not plain user text, it offers tools (unless allowed), it asks for
   * several answers, or it is sampled hotter than allowed. Pure apart from hashing.
   */
  query(
    envelope: ModelRequestEnvelope,
    request: ChatRequest,
    context: {
      readonly scope: TenantScope;
      readonly alias: string;
      readonly policyVersion: string | undefined;
    },
  ): SemanticQuery | undefined {
    const last = request.messages[request.messages.length - 1];
    const text = last === undefined ? undefined : textOf(last);
    if (text === undefined) return undefined;
    if (request.tools.length > 0 && !this.#options.includeTools) return undefined;
    if ((request.choices ?? 1) > 1) return undefined;
    if (request.temperature !== undefined && request.temperature > this.#options.maxTemperature) {
      return undefined;
    }
    const fields = Object.fromEntries(
      Object.entries(answerRelevantFields(envelope.body.value)).filter(
        ([name]) => !(conversationFields as readonly string[]).includes(name),
      ),
    );
    const base = canonicalJson({
      v: 'signalbox-semantic-partition-v1',
      scope: context.scope,
      alias: context.alias,
      encoder: this.#options.encoder.id,
      policy: context.policyVersion ?? null,
      dialect: envelope.dialect,
      headers: envelope.forwardedHeaders ?? {},
      fields,
      system: plain(request.system),
      earlier: plain(request.messages.slice(0, -1)),
    });
    return {
      text,
      signature: salientSignature(text),
      partitionFor: (target) =>
        createHash('sha256').update(base).update('\n').update(target).digest('hex'),
      vector: undefined,
    };
  }

  /**
   * The most similar stored entry at or above `threshold` (with equal salient tokens) under the
   * first of `targets` that has one. Encodes the query once; rejects when the encoder fails.
   */
  async search(
    query: SemanticQuery,
    targets: readonly string[],
    threshold: number,
  ): Promise<{ address: ResponseCacheAddress; similarity: number } | undefined> {
    query.vector ??= (await this.#options.encoder.encode([query.text]))[0];
    const vector = query.vector;
    if (vector === undefined) return undefined;
    const now = this.#options.clock.now();
    for (const target of targets) {
      const partition = query.partitionFor(target);
      const candidates = this.#options.index.search(partition, vector, semanticCandidateCount);
      const hit = pickSemanticHit(candidates, threshold, query.signature, (id) => {
        const entry = this.#entries.get(id);
        return entry === undefined || entry.expiresAt <= now ? undefined : entry.signature;
      });
      const entry = hit === undefined ? undefined : this.#entries.get(hit.id);
      if (hit !== undefined && entry !== undefined) {
        return { address: entry.address, similarity: hit.similarity };
      }
    }
    return undefined;
  }

  /** Indexes a stored answer's query under the model that produced it, and shares it. */
  async add(
    query: SemanticQuery,
    target: string,
    address: ResponseCacheAddress,
    expiresAt: number,
  ): Promise<void> {
    query.vector ??= (await this.#options.encoder.encode([query.text]))[0];
    if (query.vector === undefined) return;
    const partition = query.partitionFor(target);
    this.#index(partition, query.vector, query.signature, address, expiresAt);
    await this.#options.feed?.append({
      origin: this.#options.origin ?? '',
      partition,
      vector: query.vector,
      signature: query.signature,
      address,
      expiresAt,
    });
  }

  /**
   * Indexes what other processes stored since the last call (all of it the first time);
   * resolves how many entries were added.
   */
  async sync(limit = 1000): Promise<number> {
    const feed = this.#options.feed;
    if (feed === undefined) return 0;
    let added = 0;
    for (;;) {
      const { entries, cursor } = await feed.read(this.#cursor, this.#options.clock.now(), limit);
      const advanced = cursor !== this.#cursor;
      this.#cursor = cursor;
      for (const entry of entries) {
        if (entry.origin === this.#options.origin) continue;
        if (entry.vector.length !== this.#options.index.dimensions) continue;
        this.#index(entry.partition, entry.vector, entry.signature, entry.address, entry.expiresAt);
        added += 1;
      }
      if (!advanced) return added;
    }
  }

  #index(
    partition: string,
    vector: Float32Array,
    signature: string,
    address: ResponseCacheAddress,
    expiresAt: number,
  ): void {
    const id = this.#nextId;
    this.#nextId += 1;
    this.#entries.set(id, { address, signature, expiresAt, partition });
    for (const evicted of this.#options.index.add(partition, id, vector)) {
      this.#entries.delete(evicted);
    }
    for (const [oldest, entry] of this.#entries) {
      if (this.#entries.size <= this.#options.maxEntries) break;
      this.#remove(oldest, entry);
    }
  }

  #remove(id: number, entry: IndexedEntry): void {
    this.#entries.delete(id);
    this.#options.index.remove(entry.partition, id);
    if (this.#options.index.size(entry.partition) === 0) {
      this.#options.index.dropPartition(entry.partition);
    }
  }

  /** Forgets every indexed entry of an organisation, an alias, or both. */
  forget(filter: { readonly org?: string; readonly alias?: string }): void {
    for (const [id, entry] of this.#entries) {
      if (filter.org !== undefined && entry.address.org !== filter.org) continue;
      if (filter.alias !== undefined && entry.address.alias !== filter.alias) continue;
      this.#remove(id, entry);
    }
  }
}
