import type { GptEncoding } from 'gpt-tokenizer/GptEncoding';
import { tokenProfileForModel, type TokenEncodingName } from './model-token-profile.ts';
import { TextTokenizer } from './text-tokenizer.ts';

/**
 * Entries in each encoding's cache of merged pieces (the package defaults to 100,000). The cache
 * lives as long as the process and keys on whole pieces, which may be ~1,000 characters long (see
 * TextTokenizer): such an entry takes ~20 KB (measured with random Chinese), so the default could
 * grow to ~2 GB under hostile input, and 2,048 entries stay under ~40 MB. Words that are one token
 * never reach the cache, and counting English or code is as fast with it (README.md).
 */
const mergeCacheEntries = 2048;

function tokenizerOf(
  encodingName: TokenEncodingName,
  encoding: GptEncoding,
  splitPattern: RegExp,
): TextTokenizer {
  encoding.setMergeCacheSize(mergeCacheEntries);
  return new TextTokenizer(encodingName, encoding, splitPattern);
}

/**
 * How to load each encoding. The rank tables are large (o200k_base: a 2.4 MB module, about 60 MB
 * of resident memory once built; cl100k_base: half that), so each loads on first need only, by
 * dynamic import, never at startup unless a caller asks.
 */
const encodingLoaders: Readonly<Record<TokenEncodingName, () => Promise<TextTokenizer>>> = {
  o200k_base: async () => {
    const [encoding, patterns] = await Promise.all([
      import('gpt-tokenizer/encoding/o200k_base'),
      import('gpt-tokenizer/encodingParams/constants'),
    ]);
    return tokenizerOf('o200k_base', encoding.default, patterns.O200K_TOKEN_SPLIT_REGEX);
  },
  cl100k_base: async () => {
    const [encoding, patterns] = await Promise.all([
      import('gpt-tokenizer/encoding/cl100k_base'),
      import('gpt-tokenizer/encodingParams/constants'),
    ]);
    return tokenizerOf('cl100k_base', encoding.default, patterns.CL100K_TOKEN_SPLIT_REGEX);
  },
};

/** Loads under way or done, so concurrent callers share one import. */
const pendingLoads = new Map<TokenEncodingName, Promise<TextTokenizer>>();
/** Loaded tokenizers, for synchronous use on the request path. */
const loadedTokenizers = new Map<TokenEncodingName, TextTokenizer>();

/**
 * Makes the exact tokenizer of `model`'s family ready for synchronous use, loading it on first
 * need (once per process; concurrent calls share the load). Resolves true when the family has a
 * tokenizer and it is now loaded, false when the family has none (Claude, Gemini, unknown names),
 * without loading anything.
 *
 * Loading blocks the event loop while the rank table is built (0.2–0.45 s for o200k_base,
 * 0.1–0.2 s for cl100k_base; +60 MB and +30 MB resident; see README.md), so call it only when the
 * upper bound does not already prove a fit (see tokenizerModelsWorthLoading), or at startup to
 * warm. Rejects only if the package fails
 * to load (a broken install); a later call then tries again.
 */
export async function ensureTokenizerFor(model: string): Promise<boolean> {
  const profile = tokenProfileForModel(model);
  if (profile === undefined) {
    return false;
  }
  if (loadedTokenizers.has(profile.encoding)) {
    return true;
  }
  let pending = pendingLoads.get(profile.encoding);
  if (pending === undefined) {
    pending = encodingLoaders[profile.encoding]();
    pendingLoads.set(profile.encoding, pending);
  }
  try {
    loadedTokenizers.set(profile.encoding, await pending);
    return true;
  } catch (error) {
    pendingLoads.delete(profile.encoding);
    throw error;
  }
}

/**
 * The exact tokenizer of `model`'s family if it is already loaded, else undefined (no family
 * tokenizer, or not loaded yet). Synchronous and cheap; never loads.
 */
export function loadedTokenizerFor(model: string): TextTokenizer | undefined {
  const profile = tokenProfileForModel(model);
  return profile === undefined ? undefined : loadedTokenizers.get(profile.encoding);
}
