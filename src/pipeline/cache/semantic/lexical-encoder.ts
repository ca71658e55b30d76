import {
  createFeatureLists,
  extractLexicalFeatures,
  lexicalFamilies,
  type FeatureHashList,
  type LexicalFamily,
} from './lexical-features.ts';
import { idfOf, loadLexicalIdf, type LexicalIdfTable } from './lexical-idf-table.ts';
import { FeatureCounter } from './feature-counter.ts';
import { normaliseWords } from './normalise-semantic-text.ts';
import type { TextEncoder } from './text-encoder.ts';

/** ln(count) for the small counts nearly every feature has; Math.log beyond. */
const logTable = Float64Array.from({ length: 64 }, (_, count) =>
  count === 0 ? 0 : Math.log(count),
);

function sublinearCount(count: number): number {
  return count < logTable.length ? (logTable[count] ?? 0) : Math.log(count);
}

/** Bumped whenever features, weighting or normalisation change, so old vectors never compare. */
const lexicalEncoderVersion = 1;

export interface LexicalEncoderOptions {
  /** A power of two from 64 to 4,096. */
  readonly dimensions?: number;
  /** Defaults to the shipped table, `data/cache/lexical-idf.json`. */
  readonly idf?: LexicalIdfTable;
  /** How much each family contributes once each family's part is unit length. */
  readonly familyWeights?: Readonly<Record<LexicalFamily, number>>;
}

/** Chosen with scripts/semantic-cache-benchmark.ts; see docs/caching.md. */
/**
 * 128, 256, 512 and 1,024 dimensions scored within a point of each other on the paraphrase
 * benchmark (the salient-token guard does the fine work). 128 halves index memory and search time
 * against 256, which keeps a lookup at 100,000 entries under 2 ms p99 (bench/semantic-lookup.ts),
 * for about 0.1 point of precision; docs/caching.md has both.
 */
export const defaultLexicalDimensions = 128;
export const defaultFamilyWeights: Readonly<Record<LexicalFamily, number>> = {
  word: 1,
  wordPair: 0.6,
  characters: 1,
};

/**
 * The built-in encoder: no model download. Hashed word unigrams, word pairs and character 3- to
 * 5-grams, each weighted by sublinear term frequency times IDF (from a table built over public
 * question text), folded into `dimensions` buckets with a hash-derived sign (so colliding features
 * cancel on average instead of inflating similarity), one unit-length part per family, combined
 * and L2-normalised. It catches rewordings (politeness, contractions, case, punctuation, word
 * order, typos), not paraphrases that share no words. Deterministic: same text, same vector.
 */
export class LexicalEncoder implements TextEncoder {
  readonly id: string;
  readonly dimensions: number;
  readonly #idf: LexicalIdfTable;
  readonly #weights: Readonly<Record<LexicalFamily, number>>;
  readonly #lists = createFeatureLists();
  readonly #counter = new FeatureCounter();
  /** Character grams are the costliest family: not extracted at all when weighted 0. */
  readonly #characterGrams: boolean;
  readonly #familyScratch: Float64Array;
  readonly #sumScratch: Float64Array;

  constructor(options: LexicalEncoderOptions = {}) {
    const dimensions = options.dimensions ?? defaultLexicalDimensions;
    if (!Number.isInteger(Math.log2(dimensions)) || dimensions < 64 || dimensions > 4096) {
      throw new RangeError('lexical encoder: dimensions must be a power of two from 64 to 4096');
    }
    this.dimensions = dimensions;
    this.#idf = options.idf ?? loadLexicalIdf();
    this.#weights = options.familyWeights ?? defaultFamilyWeights;
    this.#familyScratch = new Float64Array(dimensions);
    this.#sumScratch = new Float64Array(dimensions);
    const weights = this.#weights;
    const custom = lexicalFamilies.some(
      (family) => weights[family] !== defaultFamilyWeights[family],
    );
    // Other family weights give other vectors: the id says so (the default keeps its old id).
    const suffix = custom
      ? `-w${lexicalFamilies.map((family) => String(weights[family])).join(',')}`
      : '';
    this.id = `lexical-v${String(lexicalEncoderVersion)}-${String(dimensions)}-${this.#idf.checksum}${suffix}`;
    this.#characterGrams = weights.characters !== 0;
  }

  encode(texts: readonly string[]): Promise<Float32Array[]> {
    return Promise.resolve(texts.map((text) => this.encodeOne(text)));
  }

  /** The synchronous form of {@link encode} for one text. Pure apart from reused scratch space. */
  encodeOne(text: string): Float32Array {
    extractLexicalFeatures(normaliseWords(text), this.#lists, this.#characterGrams);
    const sum = this.#sumScratch;
    sum.fill(0);
    for (const family of lexicalFamilies) {
      this.#addFamily(this.#lists[family], this.#weights[family]);
    }
    let norm = 0;
    for (const value of sum) norm += value * value;
    const vector = new Float32Array(this.dimensions);
    if (norm === 0) return vector;
    const inverse = 1 / Math.sqrt(norm);
    for (let index = 0; index < sum.length; index += 1) vector[index] = (sum[index] ?? 0) * inverse;
    return vector;
  }

  #addFamily(list: FeatureHashList, weight: number): void {
    if (list.length === 0 || weight === 0) return;
    const counter = this.#counter;
    counter.count(list.hashes, list.length);
    const part = this.#familyScratch;
    part.fill(0);
    const mask = this.dimensions - 1;
    const idf = this.#idf;
    counter.forEach((hash, count) => {
      const value = (1 + sublinearCount(count)) * idfOf(idf, hash);
      // Low bits pick the bucket, bit 12 the sign, the top bits the IDF slot: all independent.
      part[hash & mask] = (part[hash & mask] ?? 0) + ((hash >>> 12) & 1 ? -value : value);
    });
    let norm = 0;
    for (const value of part) norm += value * value;
    if (norm === 0) return;
    const scale = weight / Math.sqrt(norm);
    const sum = this.#sumScratch;
    for (let index = 0; index < part.length; index += 1) {
      sum[index] = (sum[index] ?? 0) + (part[index] ?? 0) * scale;
    }
  }
}
