import { Buffer } from 'node:buffer';
import type { ChatRequest } from '../../canonical/chat-request.ts';
import { estimateInputTokens } from '../../upstream/estimate-input-tokens.ts';
import { loadedTokenizerFor } from './ensure-tokenizer-for.ts';
import { tokenProfileForModel, type TokenEncodingName } from './model-token-profile.ts';
import { openAiChatOverheads } from './openai-chat-overheads.ts';
import { inventoryRequest, type RequestTokenInventory } from './request-token-inventory.ts';
import type { TextTokenizer } from './text-tokenizer.ts';
import { upperBoundOverheads } from './upper-bound-overheads.ts';

// Re-exported because the measure and the loader are used together: the caller awaits the loader
// only when the measure's bound does not prove a fit (src/routing/build-route-request-facts.ts).
export { ensureTokenizerFor } from './ensure-tokenizer-for.ts';

/** How far the text of the request has been counted with one encoding. */
interface TextCountProgress {
  /** The full count, once a count ran to the end. */
  exact: number | undefined;
  /** The largest limit the count is known to exceed; -1 when none is known. */
  exceeded: number;
}

function upperBoundOf(inventory: RequestTokenInventory): number {
  if (inventory.uncountableParts > 0) {
    return Number.POSITIVE_INFINITY;
  }
  const overheads = upperBoundOverheads;
  let textBytes = 0;
  for (const text of inventory.texts) {
    textBytes += Buffer.byteLength(text, 'utf8');
  }
  const schemaTools = inventory.tools + (inventory.responseFormat === 'json-schema' ? 1 : 0);
  return (
    textBytes +
    inventory.texts.length * overheads.textSegment +
    inventory.schemaLayoutBytes +
    inventory.opaqueBytes +
    overheads.request +
    inventory.messages * overheads.message +
    inventory.parts * overheads.part +
    (schemaTools > 0 ? overheads.toolUseInstructions + schemaTools * overheads.tool : 0) +
    (inventory.responseFormat === 'json-object' ? overheads.jsonObjectInstructions : 0) +
    inventory.toolCalls * overheads.toolCall +
    inventory.toolResults * overheads.toolResult +
    inventory.textFiles * overheads.textFile +
    inventory.textFileBytes +
    inventory.images * overheads.image
  );
}

/** Everything but the text in OpenAI's chat format: framing, media and opaque strings. */
function openAiNonTextTokens(inventory: RequestTokenInventory, imageTokens: number): number {
  const overheads = openAiChatOverheads;
  const formatTokens =
    inventory.responseFormat === 'json-schema'
      ? overheads.jsonSchema
      : inventory.responseFormat === 'json-object'
        ? overheads.jsonObject
        : 0;
  return (
    overheads.replyPriming +
    inventory.messages * overheads.message +
    inventory.extraParts * overheads.extraPart +
    (inventory.tools > 0 ? overheads.toolsPreamble + inventory.tools * overheads.tool : 0) +
    formatTokens +
    inventory.toolCalls * overheads.toolCall +
    inventory.toolResults * overheads.toolResult +
    inventory.textFiles * overheads.textFile +
    inventory.textFileBytes +
    inventory.opaqueBytes +
    inventory.images * imageTokens
  );
}

/**
 * The input tokens of one request, measured three ways, each computed on first use and cached
 * (the request is immutable, so one measure serves every candidate deployment and every attempt):
 *
 * - {@link upperBound}: a number no provider's count can exceed, from sizes alone (no tokenizer);
 *   cheap, and enough for the common request, which sits far below every context window.
 * - {@link estimate}: a rough count for cost ranking and tokens-per-minute accounting.
 * - {@link exactFor}: the count with the model family's own tokenizer, when it has one and it is
 *   loaded (see ensureTokenizerFor).
 *
 * Not safe to share across threads (none are used); safe to call in any order. Never throws.
 */
export class InputTokenMeasure {
  readonly #request: ChatRequest;
  #inventory: RequestTokenInventory | undefined;
  #upperBound: number | undefined;
  #estimate: number | undefined;
  readonly #textCounts = new Map<TokenEncodingName, TextCountProgress>();

  constructor(request: ChatRequest) {
    this.#request = request;
  }

  /**
   * A bound that no provider's tokenizer can exceed. Text counts as its UTF-8 bytes plus one per
   * segment: every byte-level BPE token (OpenAI, Llama 3, Anthropic's last public tokenizer) and
   * every SentencePiece token with byte fallback (Gemini, Gemma, Mistral) covers at least one
   * byte, and SentencePiece may add one word-boundary token in front of a segment. Structure,
   * tools, tool calls and results, images and inline text files add the documented allowances of
   * `upperBoundOverheads`.
   *
   * Infinity when the request holds content no size bounds (see {@link hasUncountableContent}).
   * Assumes no tokenizer normalises text into something longer (NFKC can: `ﷺ` becomes 18
   * characters; the tokenizers above use identity normalisation). Costs one walk of the request
   * and one `Buffer.byteLength` pass over its text: 5–8 µs for 10 KB, 0.3 ms for 1 MB of ASCII,
   * up to 1.7 ms for 1 MB held as a two-byte string; cached after the first call.
   */
  upperBound(): number {
    this.#upperBound ??= upperBoundOf(this.#getInventory());
    return this.#upperBound;
  }

  /**
   * {@link upperBound} for one model: the same, plus the extra image cost of families that bill an
   * image above the generic bound (GPT-4o mini: 48,169 tokens at high detail). A table lookup.
   */
  upperBoundFor(model: string): number {
    const bound = this.upperBound();
    const imageTokens = tokenProfileForModel(model)?.imageTokens;
    if (imageTokens === undefined || imageTokens <= upperBoundOverheads.image) {
      return bound;
    }
    return bound + this.#getInventory().images * (imageTokens - upperBoundOverheads.image);
  }

  /**
   * A rough count (text at four characters a token), for ranking by cost and for tokens-per-minute
   * accounting; neither a bound nor exact. See estimateInputTokens.
   */
  estimate(): number {
    this.#estimate ??= estimateInputTokens(this.#request);
    return this.#estimate;
  }

  /**
   * True when the request holds a part whose tokens neither a bound nor a tokenizer can give: a
   * file that is not inline text (PDF, audio, video), or any file by URL or provider id. Then
   * {@link upperBound} is Infinity, {@link exactFor} undefined, and whether it fits is unknown.
   */
  hasUncountableContent(): boolean {
    return this.#getInventory().uncountableParts > 0;
  }

  /**
   * The input tokens of the request in `model`'s OpenAI chat format, counted with the family's
   * tokenizer; undefined when the family has none, it is not loaded yet, or the request has
   * uncountable content. Synchronous; never loads anything.
   *
   * Text is exact. Framing follows OpenAI's documented chat format (4 per message, 3 to prime the
   * reply); tool definitions count as their compact JSON plus an allowance, more than OpenAI's own
   * rendering. Images count at the family's documented maximum (the generic bound where none is
   * documented), opaque strings and inline text files by bytes. A run longer than about 1,000
   * characters without a break counts by its bytes (see TextTokenizer.countUpTo). So the result
   * errs only high, and never exceeds {@link upperBoundFor}. Counting is cached per encoding.
   */
  exactFor(model: string): number | undefined {
    const context = this.#exactContext(model);
    if (context === undefined) {
      return undefined;
    }
    return this.#countText(context.tokenizer, Number.POSITIVE_INFINITY) + context.nonTextTokens;
  }

  /**
   * Whether {@link exactFor} `model` is at most `tokenLimit`, counting only until the limit is
   * passed (so checking a 1 MB prompt against a 128K window stops after about 128K tokens). True
   * or false when {@link exactFor} would give a number; undefined when it would not.
   */
  exactCountWithin(model: string, tokenLimit: number): boolean | undefined {
    const context = this.#exactContext(model);
    if (context === undefined) {
      return undefined;
    }
    const textLimit = tokenLimit - context.nonTextTokens;
    if (textLimit < 0) {
      return false;
    }
    return this.#countText(context.tokenizer, textLimit) <= textLimit;
  }

  #getInventory(): RequestTokenInventory {
    this.#inventory ??= inventoryRequest(this.#request);
    return this.#inventory;
  }

  #exactContext(
    model: string,
  ): { readonly tokenizer: TextTokenizer; readonly nonTextTokens: number } | undefined {
    const inventory = this.#getInventory();
    const tokenizer = loadedTokenizerFor(model);
    if (tokenizer === undefined || inventory.uncountableParts > 0) {
      return undefined;
    }
    const imageTokens = tokenProfileForModel(model)?.imageTokens ?? upperBoundOverheads.image;
    return { tokenizer, nonTextTokens: openAiNonTextTokens(inventory, imageTokens) };
  }

  /**
   * The text tokens when at most `limit`, else some number above it. A full count is kept; a count
   * stopped early only remembers the limit it passed, and a later, larger limit counts again.
   */
  #countText(tokenizer: TextTokenizer, limit: number): number {
    let progress = this.#textCounts.get(tokenizer.encodingName);
    if (progress === undefined) {
      progress = { exact: undefined, exceeded: -1 };
      this.#textCounts.set(tokenizer.encodingName, progress);
    }
    if (progress.exact !== undefined) {
      return progress.exact;
    }
    if (limit <= progress.exceeded) {
      return progress.exceeded + 1;
    }
    let total = 0;
    for (const text of this.#getInventory().texts) {
      total += tokenizer.countUpTo(text, limit - total);
      if (total > limit) {
        progress.exceeded = limit;
        return total;
      }
    }
    progress.exact = total;
    return total;
  }
}
