/**
 * Whether `text` may hold a pre-tokenization piece longer than `2 × threshold + 4` UTF-16 code
 * units under the o200k_base or cl100k_base split pattern. False is a guarantee; true may be a
 * false alarm (any Chinese paragraph longer than the threshold raises it).
 *
 * Why it exists: byte-pair merging inside one piece is quadratic in the piece's length
 * (`gpt-tokenizer` rescans the whole piece for every merge), so one 1 MB run of letters without a
 * space would block the event loop for hours. Short pieces are cheap.
 *
 * Why it is sound: every piece of both patterns is one of a letter piece (one optional leading
 * non-letter, a run of letters and marks, a contraction of at most 3), a number (at most 3
 * digits), a symbol piece (an optional space, a run of symbols, then a run of `\r`, `\n`, `/`) or a
 * whitespace run. So a piece longer than `2 × threshold + 4` contains a run of at least
 * `threshold` characters that are all non-whitespace non-digits, all whitespace, or all `\r\n/`.
 * The scan counts those three runs. ASCII is classified exactly; any other character extends both
 * the non-whitespace and the whitespace run, which can only raise false alarms.
 *
 * Pure; one pass over the code units, no allocation (about a millisecond per MB).
 */
export function hasLongPieceRun(text: string, threshold: number): boolean {
  let wordRun = 0;
  let spaceRun = 0;
  let lineBreakRun = 0;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code >= 128) {
      wordRun++;
      spaceRun++;
      lineBreakRun = 0;
    } else if (code === 32 || (code >= 9 && code <= 13)) {
      wordRun = 0;
      spaceRun++;
      lineBreakRun = code === 10 || code === 13 ? lineBreakRun + 1 : 0;
    } else if (code >= 48 && code <= 57) {
      wordRun = 0;
      spaceRun = 0;
      lineBreakRun = 0;
    } else {
      wordRun++;
      spaceRun = 0;
      lineBreakRun = code === 47 ? lineBreakRun + 1 : 0;
    }
    if (wordRun >= threshold || spaceRun >= threshold || lineBreakRun >= threshold) {
      return true;
    }
  }
  return false;
}
