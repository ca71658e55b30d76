import { Buffer } from 'node:buffer';
import type { GptEncoding } from 'gpt-tokenizer/GptEncoding';
import { hasLongPieceRun } from './has-long-piece-run.ts';
import type { TokenEncodingName } from './model-token-profile.ts';

/** Runs at least this long send a text down the piece-by-piece path (see hasLongPieceRun). */
const longRunThreshold = 510;
/**
 * Pieces longer than this are counted by their UTF-8 bytes instead of being merged; every piece
 * shorter than `2 × longRunThreshold + 4` is merged, so the two paths agree on what is exact.
 */
const longPieceLength = 2 * longRunThreshold + 4;

/**
 * Special-token text such as `<|endoftext|>` in a prompt is ordinary text to the API, so it is
 * counted as text: nothing is disallowed (which would throw) and nothing is allowed (which would
 * count it as one special token).
 */
const plainText = { disallowedSpecial: new Set<string>() };

/**
 * One loaded byte-pair encoding (o200k_base or cl100k_base) that counts the tokens of plain text.
 * Synchronous and CPU-bound: about 2–5 million tokens a second on English, code and JSON, 0.5–0.8
 * million on Chinese, 0.2 million on hostile text (random letters in 1,000-character words); see
 * README.md.
 */
export class TextTokenizer {
  readonly encodingName: TokenEncodingName;
  readonly #encoding: GptEncoding;
  readonly #splitPattern: RegExp;

  /**
   * @param encoding the `gpt-tokenizer` encoding API.
   * @param splitPattern the encoding's own pre-tokenization pattern (global, Unicode), the one it
   *   splits text with before merging, so that pieces counted one by one are the pieces it sees.
   */
  constructor(encodingName: TokenEncodingName, encoding: GptEncoding, splitPattern: RegExp) {
    this.encodingName = encodingName;
    this.#encoding = encoding;
    this.#splitPattern = splitPattern;
  }

  /**
   * The tokens of `text` when they are at most `tokenLimit`; otherwise some number above
   * `tokenLimit`, found without counting the rest (so a 1 MB prompt checked against a small limit
   * costs only up to the limit).
   *
   * Exact, except that a piece longer than about 1,000 code units (a run of letters with no
   * space, such as an unpunctuated Chinese paragraph or a DNA sequence) counts as its UTF-8 bytes,
   * never less than its tokens: merging it would cost time quadratic in its length. So the result
   * errs only high. Pure; never throws.
   */
  countUpTo(text: string, tokenLimit: number): number {
    if (!hasLongPieceRun(text, longRunThreshold)) {
      if (tokenLimit === Number.POSITIVE_INFINITY) {
        return this.#encoding.countTokens(text, plainText);
      }
      const count = this.#encoding.isWithinTokenLimit(text, tokenLimit, plainText);
      return count === false ? tokenLimit + 1 : count;
    }
    return this.#countPieceByPiece(text, tokenLimit);
  }

  /**
   * Splits with the encoding's own pattern and merges each piece alone. A piece matched inside the
   * text is matched whole when it stands alone (the patterns look at most one character past a
   * piece, and only to end it earlier), so the sum equals the encoding's count of the whole text.
   */
  #countPieceByPiece(text: string, tokenLimit: number): number {
    let count = 0;
    for (const [piece] of text.matchAll(this.#splitPattern)) {
      count +=
        piece.length > longPieceLength
          ? Buffer.byteLength(piece, 'utf8')
          : this.#encoding.countTokens(piece, plainText);
      if (count > tokenLimit) {
        return count;
      }
    }
    return count;
  }
}
