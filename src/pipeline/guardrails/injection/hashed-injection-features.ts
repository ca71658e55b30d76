import { fnv1aHash, fnv1aStep } from './fnv1a-hash.ts';
import type { InjectionFeatureConfig, InjectionFeatureDomain } from './injection-feature-config.ts';
import { normaliseInjectionText } from './normalise-injection-text.ts';

/** A sparse feature vector: parallel arrays of bucket indices (ascending) and values. */
export interface SparseFeatures {
  readonly indices: Uint32Array;
  readonly values: Float64Array;
}

/** Hash seeds that keep the three feature families apart in the shared bucket space. */
const charSeed = fnv1aHash('c\u0000');
const wordSeed = fnv1aHash('w\u0000');
const bigramSeed = fnv1aHash('b\u0000');

/** Words: runs of letters, digits and marks in any script, so German or French work alike. */
const wordPattern = /[\p{L}\p{N}\p{M}]+(?:['’][\p{L}]+)?/gu;

function bucket(hash: number, hashBits: number): number {
  // Fold the high bits in: FNV-1a's low bits alone mix poorly for short inputs.
  return ((hash ^ (hash >>> hashBits)) & ((1 << hashBits) - 1)) >>> 0;
}

let scratch: Uint32Array | undefined;

/**
 * A zeroed count per bucket, reused across calls so a 2 KB text costs no 2^18-entry allocation;
 * callers reset every entry they touched before returning (scoring is synchronous, so calls never
 * interleave).
 */
function countScratch(hashBits: number): Uint32Array {
  if (scratch?.length !== 2 ** hashBits) scratch = new Uint32Array(2 ** hashBits);
  return scratch;
}

/** A growable list of 32-bit n-gram hashes; one entry per n-gram occurrence. */
class HashList {
  hashes = new Uint32Array(1024);
  length = 0;

  push(index: number): void {
    if (this.length === this.hashes.length) {
      const grown = new Uint32Array(this.hashes.length * 2);
      grown.set(this.hashes);
      this.hashes = grown;
    }
    this.hashes[this.length] = index;
    this.length += 1;
  }
}

function addCharNgrams(text: string, config: InjectionFeatureConfig, out: HashList): void {
  const padded = ` ${text} `;
  for (let start = 0; start + config.charNgramMin <= padded.length; start += 1) {
    // One pass per start position: the hash of the 3-gram is extended to the 4- and 5-gram.
    let hash = charSeed;
    for (
      let length = 1;
      length <= config.charNgramMax && start + length <= padded.length;
      length += 1
    ) {
      hash = fnv1aStep(hash, padded.charCodeAt(start + length - 1));
      if (length >= config.charNgramMin) out.push(fnv1aStep(hash, length));
    }
  }
}

function addWordNgrams(text: string, config: InjectionFeatureConfig, out: HashList): void {
  const words = text.match(wordPattern) ?? [];
  let previous: string | undefined;
  for (const word of words) {
    out.push(fnv1aHash(word, wordSeed));
    if (config.wordNgramMax >= 2 && previous !== undefined) {
      out.push(fnv1aHash(`${previous} ${word}`, bigramSeed));
    }
    previous = word;
  }
}

/**
 * The hashed feature vector of `text`: normalised (NFKC, lowercase, invisible characters
 * removed), then character n-grams and word uni/bigrams hashed with FNV-1a into
 * `2 ** hashBits` buckets (and, with `domainCopies`, once more into `domain`'s own buckets).
 * Counts are damped with `log(1 + count)` and the vector is scaled to unit length, so long texts
 * do not score higher merely for being long. Deterministic: the same text, config and domain
 * always give the same vector. Pure apart from a module-level scratch array it leaves zeroed.
 * The empty text gives an empty vector.
 */
export function hashedInjectionFeatures(
  text: string,
  config: InjectionFeatureConfig,
  domain: InjectionFeatureDomain = 'user',
): SparseFeatures {
  const normalised = normaliseInjectionText(text);
  const occurrences = new HashList();
  if (normalised.length > 0) {
    addCharNgrams(normalised, config, occurrences);
    addWordNgrams(normalised, config, occurrences);
  }
  const hashes = occurrences.hashes.subarray(0, occurrences.length);
  const counts = countScratch(config.hashBits);
  const domainCode = domain === 'user' ? 0x75 : 0x69;
  const distinct: number[] = [];
  const count = (index: number) => {
    if (counts[index] === 0) distinct.push(index);
    counts[index] = (counts[index] ?? 0) + 1;
  };
  for (const hash of hashes) {
    count(bucket(hash, config.hashBits));
    if (config.domainCopies) count(bucket(fnv1aStep(hash, domainCode), config.hashBits));
  }
  const indices = Uint32Array.from(distinct).sort();
  const values = new Float64Array(indices.length);
  let squaredNorm = 0;
  indices.forEach((index, position) => {
    const value = Math.log1p(counts[index] ?? 0);
    // Reset the scratch entry for the next call.
    counts[index] = 0;
    values[position] = value;
    squaredNorm += value * value;
  });
  const norm = Math.sqrt(squaredNorm);
  if (norm > 0)
    for (let position = 0; position < values.length; position += 1)
      values[position] = (values[position] ?? 0) / norm;
  return { indices, values };
}
