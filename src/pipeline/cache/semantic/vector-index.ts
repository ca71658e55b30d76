import usearch from 'usearch';

const { Index, MetricKind, ScalarKind } = usearch;
type UsearchIndex = InstanceType<typeof Index>;

/** One nearest neighbour: the entry id and its cosine similarity to the query (1 = identical). */
export interface VectorMatch {
  readonly id: number;
  readonly similarity: number;
}

export interface PartitionedVectorIndexOptions {
  readonly dimensions: number;
  /**
   * Most entries one partition holds; adding beyond it evicts that partition's oldest entry (the
   * caller deletes the evicted ids' responses). Default 100,000.
   */
  readonly maxEntriesPerPartition?: number;
  /**
   * How vectors are stored. `i8` (default) quarters memory against `f32` and searches fastest:
   * measured with bench/semantic-lookup.ts at 100,000 entries on 2 cores, search p99 1.45 ms
   * (i8), 2.12 ms (f16), 2.80 ms (f32), with the same near-duplicate recall (97.3 to 97.8%).
   * Quantising unit vectors to 8 bits moves a cosine by about 0.01; the paraphrase benchmark
   * (scripts/semantic-cache-benchmark.ts) measures the threshold with this setting.
   */
  readonly precision?: 'f32' | 'f16' | 'i8';
  /** HNSW links per node. Default 32. */
  readonly connectivity?: number;
  /** HNSW beam width while adding. Default 128. */
  readonly expansionAdd?: number;
  /** HNSW beam width while searching. Default 64. */
  readonly expansionSearch?: number;
}

/**
 * HNSW defaults, measured with bench/semantic-lookup.ts: hashed lexical vectors have a high
 * intrinsic dimension (little cluster structure). With 16 links and a search beam of 32, a search
 * at 20,000 entries missed a 0.98-similar twin about one time in seven; 32 links and a beam of 64
 * find it in 98% of searches at 100,000 entries, in about a millisecond (p50).
 */
const defaultConnectivity = 32;
const defaultExpansionAdd = 128;
const defaultExpansionSearch = 64;
/** One thread per call: a single query is microseconds of work; a thread pool costs more. */
const threads = 1;

interface Partition {
  readonly index: UsearchIndex;
  /** Insertion order of live ids, for eviction; a Set iterates in insertion order. */
  readonly order: Set<number>;
}

/**
 * Approximate nearest-neighbour search (HNSW, via usearch) with HARD partitions: every partition
 * key owns a separate index, so a search in partition A cannot return B's entries by construction
 * (research/security.md F3: a soft namespace prefix in the embedded text leaked across users).
 * The cache's partition key carries tenant, encoder id and alias. Vectors must be unit length:
 * the metric is inner product. Ids are non-negative safe integers, unique per partition.
 * Not thread-safe across workers; one instance per process.
 */
export class PartitionedVectorIndex {
  readonly dimensions: number;
  readonly maxEntriesPerPartition: number;
  readonly #precision: 'f32' | 'f16' | 'i8';
  readonly #connectivity: number;
  readonly #expansionAdd: number;
  readonly #expansionSearch: number;
  readonly #partitions = new Map<string, Partition>();

  constructor(options: PartitionedVectorIndexOptions) {
    if (!Number.isInteger(options.dimensions) || options.dimensions < 1) {
      throw new RangeError('vector index: dimensions must be a positive integer');
    }
    this.dimensions = options.dimensions;
    this.maxEntriesPerPartition = options.maxEntriesPerPartition ?? 100_000;
    if (!Number.isInteger(this.maxEntriesPerPartition) || this.maxEntriesPerPartition < 1) {
      throw new RangeError('vector index: maxEntriesPerPartition must be a positive integer');
    }
    this.#precision = options.precision ?? 'i8';
    this.#connectivity = options.connectivity ?? defaultConnectivity;
    this.#expansionAdd = options.expansionAdd ?? defaultExpansionAdd;
    this.#expansionSearch = options.expansionSearch ?? defaultExpansionSearch;
  }

  /**
   * Adds or replaces entry `id` in `partition`; creates the partition on first use (usearch grows
   * its capacity in powers of two). Returns the ids evicted to stay within the per-partition limit,
   * oldest first. Throws RangeError on a wrong-length vector or an id that is not a safe integer.
   */
  add(partition: string, id: number, vector: Float32Array): number[] {
    this.#checkVector(vector);
    if (!Number.isSafeInteger(id) || id < 0) {
      throw new RangeError('vector index: ids must be non-negative safe integers');
    }
    const target = this.#partitions.get(partition) ?? this.#createPartition(partition);
    if (target.order.delete(id)) target.index.remove(BigInt(id));
    const evicted: number[] = [];
    for (const oldest of target.order) {
      if (target.order.size < this.maxEntriesPerPartition) break;
      target.index.remove(BigInt(oldest));
      target.order.delete(oldest);
      evicted.push(oldest);
    }
    target.index.add(BigInt(id), vector, threads);
    target.order.add(id);
    return evicted;
  }

  /**
   * Adds many new entries at once, as when warming the cache from storage at start: usearch
   * builds the graph on `threads` threads. Same limits and eviction as {@link add}; ids already
   * in the partition are replaced. Returns the evicted ids, oldest first.
   */
  addMany(
    partition: string,
    entries: readonly { readonly id: number; readonly vector: Float32Array }[],
    threads = 1,
  ): number[] {
    const kept = entries.slice(-this.maxEntriesPerPartition);
    for (const entry of kept) {
      this.#checkVector(entry.vector);
      if (!Number.isSafeInteger(entry.id) || entry.id < 0) {
        throw new RangeError('vector index: ids must be non-negative safe integers');
      }
    }
    if (new Set(kept.map((entry) => entry.id)).size !== kept.length) {
      throw new RangeError('vector index: ids in one batch must be unique');
    }
    const target = this.#partitions.get(partition) ?? this.#createPartition(partition);
    for (const entry of kept) {
      if (target.order.delete(entry.id)) target.index.remove(BigInt(entry.id));
    }
    const evicted = entries.slice(0, entries.length - kept.length).map((entry) => entry.id);
    for (const oldest of target.order) {
      if (target.order.size + kept.length <= this.maxEntriesPerPartition) break;
      target.index.remove(BigInt(oldest));
      target.order.delete(oldest);
      evicted.push(oldest);
    }
    const vectors = new Float32Array(kept.length * this.dimensions);
    kept.forEach((entry, position) => vectors.set(entry.vector, position * this.dimensions));
    target.index.add(
      BigUint64Array.from(kept, (entry) => BigInt(entry.id)),
      vectors,
      threads,
    );
    for (const entry of kept) target.order.add(entry.id);
    return evicted;
  }

  /**
   * Up to `k` nearest entries of `partition`, most similar first. An unknown or empty partition
   * returns [] without touching any index.
   */
  search(partition: string, vector: Float32Array, k: number): VectorMatch[] {
    this.#checkVector(vector);
    const target = this.#partitions.get(partition);
    if (target === undefined || target.order.size === 0 || k < 1) return [];
    const matches = target.index.search(vector, Math.min(k, target.order.size), threads);
    const results: VectorMatch[] = [];
    for (let position = 0; position < matches.keys.length; position += 1) {
      const key = matches.keys[position];
      const distance = matches.distances[position];
      if (key === undefined || distance === undefined) continue;
      const id = Number(key);
      // Guards against a stale graph node: only ids this partition holds are ever returned.
      if (!target.order.has(id)) continue;
      // usearch's inner-product distance is 1 - dot.
      results.push({ id, similarity: 1 - distance });
    }
    return results;
  }

  /** Removes entry `id` from `partition`; true when it was there. */
  remove(partition: string, id: number): boolean {
    const target = this.#partitions.get(partition);
    if (target?.order.delete(id) !== true) return false;
    target.index.remove(BigInt(id));
    if (target.order.size === 0) this.#partitions.delete(partition);
    return true;
  }

  /** Forgets a whole partition (a tenant deleted, an alias's cache cleared). */
  dropPartition(partition: string): boolean {
    return this.#partitions.delete(partition);
  }

  /** Live entries in `partition`; 0 for an unknown one. */
  size(partition: string): number {
    return this.#partitions.get(partition)?.order.size ?? 0;
  }

  /** The live partition keys. */
  partitions(): string[] {
    return [...this.#partitions.keys()];
  }

  #createPartition(key: string): Partition {
    const partition: Partition = {
      index: new Index({
        dimensions: this.dimensions,
        // For i8, cosine rather than inner product: usearch scales each vector into the int8
        // range, and the cosine divides that scale out again.
        metric: this.#precision === 'i8' ? MetricKind.Cos : MetricKind.IP,
        quantization: {
          f32: ScalarKind.F32,
          f16: ScalarKind.F16,
          i8: ScalarKind.I8,
        }[this.#precision],
        connectivity: this.#connectivity,
        expansion_add: this.#expansionAdd,
        expansion_search: this.#expansionSearch,
        multi: false,
      }),
      order: new Set(),
    };
    this.#partitions.set(key, partition);
    return partition;
  }

  #checkVector(vector: Float32Array): void {
    if (vector.length !== this.dimensions) {
      throw new RangeError(`vector index: expected ${String(this.dimensions)} dimensions`);
    }
  }
}
