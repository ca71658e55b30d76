/** The OpenAI byte-pair encodings Signalbox can count exactly (both from `gpt-tokenizer`). */
export type TokenEncodingName = 'o200k_base' | 'cl100k_base';

/** What input-token counting knows about one model family. */
export interface ModelTokenProfile {
  /** The table key that matched, for logs and tests (`gpt-4o`, `o3`). */
  readonly family: string;
  /** The encoding the family's tokenizer uses. */
  readonly encoding: TokenEncodingName;
  /**
   * The most tokens one image can cost on this family, when it is documented and differs from
   * the generic image bound (`imageTokenBound` in upper-bound-overheads.ts); undefined otherwise.
   */
  readonly imageTokens: number | undefined;
}

/**
 * OpenAI's image cost at `detail: high`: the image is fitted into 2048×2048, its short side
 * scaled to 768 px, then cut into 512 px tiles, at most 2 × 4 = 8. Cost = base + tiles × per-tile.
 * https://platform.openai.com/docs/guides/images-vision#calculating-costs
 */
function tiledImageTokens(base: number, perTile: number): number {
  const maximumTiles = 8;
  return base + maximumTiles * perTile;
}

const o200k = 'o200k_base';
const cl100k = 'cl100k_base';

/**
 * Family name prefix → profile. Encodings as OpenAI publishes them in tiktoken's
 * `MODEL_PREFIX_TO_ENCODING` (https://github.com/openai/tiktoken/blob/main/tiktoken/model.py) and
 * as `gpt-tokenizer` maps them (checked by the test against the package's own model lists).
 * `gpt-oss` uses o200k_harmony, whose ordinary-text ranks are o200k_base's.
 */
const profiles: ReadonlyMap<string, Omit<ModelTokenProfile, 'family'>> = new Map([
  ['gpt-5', { encoding: o200k, imageTokens: undefined }],
  ['gpt-4.5', { encoding: o200k, imageTokens: undefined }],
  ['gpt-4.1', { encoding: o200k, imageTokens: undefined }],
  ['gpt-4o', { encoding: o200k, imageTokens: tiledImageTokens(85, 170) }],
  ['chatgpt-4o', { encoding: o200k, imageTokens: tiledImageTokens(85, 170) }],
  // GPT-4o mini bills images at 33× GPT-4o's tokens so that they cost the same in dollars.
  ['gpt-4o-mini', { encoding: o200k, imageTokens: tiledImageTokens(2833, 5667) }],
  ['o1', { encoding: o200k, imageTokens: undefined }],
  ['o3', { encoding: o200k, imageTokens: undefined }],
  ['o4', { encoding: o200k, imageTokens: undefined }],
  ['codex-mini', { encoding: o200k, imageTokens: undefined }],
  ['gpt-oss', { encoding: o200k, imageTokens: undefined }],
  ['gpt-4', { encoding: cl100k, imageTokens: undefined }],
  ['gpt-3.5', { encoding: cl100k, imageTokens: undefined }],
  // Azure OpenAI's model names drop the dot.
  ['gpt-35', { encoding: cl100k, imageTokens: undefined }],
  ['text-embedding-3', { encoding: cl100k, imageTokens: undefined }],
  ['text-embedding-ada-002', { encoding: cl100k, imageTokens: undefined }],
]);

/** Characters that may follow a family prefix: dated, sized and suffixed variants. */
const variantSeparators = new Set(['-', '.', ':', '@', '_']);

/**
 * Strips what precedes the model's own name: `openai/gpt-4o`, `azure/gpt-4o`,
 * `openai.gpt-oss-20b-1:0` (Bedrock), `ft:gpt-4o-mini:org::id` (fine-tuned).
 */
function bareModelName(model: string): string {
  let name = model.trim().toLowerCase();
  name = name.slice(name.lastIndexOf('/') + 1);
  for (const prefix of ['ft:', 'openai.']) {
    if (name.startsWith(prefix)) {
      name = name.slice(prefix.length);
    }
  }
  return name;
}

/**
 * The token profile of the model family an upstream model name belongs to, or undefined when
 * Signalbox has no tokenizer for it (Claude, Gemini, Llama, Mistral, … and every name it does not
 * recognise, such as an Azure deployment name: those fall back to the upper bound).
 *
 * Matching ignores case, a provider prefix (`openai/`, `ft:`) and a variant suffix (`-2024-08-06`,
 * `-mini`, `.1`); the longest matching family wins, so `gpt-4o-mini` is not `gpt-4o` and `gpt-4.1`
 * is not `gpt-4`. Pure; a few map lookups.
 */
export function tokenProfileForModel(model: string): ModelTokenProfile | undefined {
  const name = bareModelName(model);
  let end = name.length;
  while (end > 0) {
    const candidate = name.slice(0, end);
    const profile = profiles.get(candidate);
    if (profile !== undefined) {
      return { family: candidate, ...profile };
    }
    end = lastSeparatorBefore(name, end);
  }
  return undefined;
}

function lastSeparatorBefore(name: string, end: number): number {
  for (let index = end - 1; index > 0; index--) {
    if (variantSeparators.has(name.charAt(index))) {
      return index;
    }
  }
  return 0;
}
