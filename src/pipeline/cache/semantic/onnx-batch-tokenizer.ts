/**
 * The part of a Hugging Face tokenizer (`@huggingface/tokenizers`) the ONNX encoder uses. A
 * structural type, so this file needs no import of the package and loads nothing.
 */
export interface TokenizerLike {
  encode(text: string, options?: { add_special_tokens?: boolean }): { ids: number[] };
  token_to_id(token: string): number | undefined;
}

/** A batch of token ids padded to its longest row, laid out row-major as ONNX tensors want. */
export interface TokenBatch {
  readonly batchSize: number;
  readonly sequenceLength: number;
  readonly inputIds: readonly number[];
  /** 1 for a real token, 0 for padding. */
  readonly attentionMask: readonly number[];
}

/**
 * Tokenises texts with the model's own tokenizer, truncates each to `maxSequenceLength` tokens
 * and pads the batch to its longest row.
 */
export class BatchTokenizer {
  readonly #tokenizer: TokenizerLike;
  readonly #maxSequenceLength: number;
  readonly #padId: number;

  constructor(tokenizer: TokenizerLike, maxSequenceLength: number, padId: number) {
    this.#tokenizer = tokenizer;
    this.#maxSequenceLength = maxSequenceLength;
    this.#padId = padId;
  }

  /** Token ids of one text, special tokens included, at most `maxSequenceLength` of them. */
  tokenize(text: string): number[] {
    const withSpecials = this.#tokenizer.encode(text).ids;
    if (withSpecials.length <= this.#maxSequenceLength) return withSpecials;
    return this.#truncate(text, withSpecials);
  }

  batch(texts: readonly string[]): TokenBatch {
    const rows = texts.map((text) => this.tokenize(text));
    const sequenceLength = Math.max(1, ...rows.map((row) => row.length));
    const inputIds: number[] = [];
    const attentionMask: number[] = [];
    for (const row of rows) {
      for (let position = 0; position < sequenceLength; position += 1) {
        const real = position < row.length;
        inputIds.push(real ? (row[position] ?? this.#padId) : this.#padId);
        attentionMask.push(real ? 1 : 0);
      }
    }
    return { batchSize: rows.length, sequenceLength, inputIds, attentionMask };
  }

  /**
   * Truncates like Hugging Face does: the content is cut, the special tokens the post-processor
   * adds ([CLS] … [SEP], <s> … </s>) are kept. The tokenizer package has no truncation of its
   * own, so the specials are found by comparing the encoding with and without them.
   */
  #truncate(text: string, withSpecials: readonly number[]): number[] {
    const content = this.#tokenizer.encode(text, { add_special_tokens: false }).ids;
    const specialCount = withSpecials.length - content.length;
    const contentRoom = this.#maxSequenceLength - specialCount;
    const prefixLength = findContentOffset(withSpecials, content, specialCount);
    if (contentRoom < 1 || prefixLength === undefined) {
      return withSpecials.slice(0, this.#maxSequenceLength);
    }
    return [
      ...withSpecials.slice(0, prefixLength),
      ...content.slice(0, contentRoom),
      ...withSpecials.slice(prefixLength + content.length),
    ];
  }
}

/** Where `content` sits inside `whole`, given `whole` has `extra` more tokens around it. */
function findContentOffset(
  whole: readonly number[],
  content: readonly number[],
  extra: number,
): number | undefined {
  if (extra < 0) return undefined;
  for (let offset = 0; offset <= extra; offset += 1) {
    if (content.every((id, index) => whole[offset + index] === id)) return offset;
  }
  return undefined;
}

/**
 * The id to pad with: the tokenizer's declared padding token, else a conventional pad token,
 * else 0. Its value barely matters (the attention mask hides padding from the model and from
 * pooling), but a real pad id keeps the model's inputs in range.
 */
export function findPadId(
  tokenizer: TokenizerLike,
  tokenizerJson: { readonly padding?: unknown },
): number {
  const padding = tokenizerJson.padding;
  if (typeof padding === 'object' && padding !== null && 'pad_id' in padding) {
    const padId = padding.pad_id;
    if (typeof padId === 'number') return padId;
  }
  for (const token of ['[PAD]', '<pad>']) {
    const id = tokenizer.token_to_id(token);
    if (id !== undefined) return id;
  }
  return 0;
}
