/**
 * Zero-width and invisible formatting characters that attackers insert to split trigger words
 * ("ig\u200Bnore") without changing what a model reads: ZWSP, ZWNJ, ZWJ, word joiner, BOM, soft
 * hyphen, Mongolian vowel separator and the bidirectional controls.
 */
const invisibleCharacters =
  /[\u00AD\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/gu;

/**
 * The text the injection detector sees: NFKC (folds full-width letters and ligatures), lowercase,
 * invisible characters removed, runs of whitespace collapsed to one space, trimmed. Pure; never
 * throws.
 */
export function normaliseInjectionText(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(invisibleCharacters, '')
    .replace(/\s+/gu, ' ')
    .trim();
}
