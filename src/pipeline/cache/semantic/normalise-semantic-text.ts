/**
 * Contractions spelled out, so "what's the capital" and "what is the capital" share their words.
 * "'s" is expanded only after words where it means "is"; elsewhere it is a possessive and dropped.
 */
const contractionRules: readonly (readonly [RegExp, string])[] = [
  [/\bcan't\b/g, 'can not'],
  [/\bcannot\b/g, 'can not'],
  [/\bwon't\b/g, 'will not'],
  [/\bshan't\b/g, 'shall not'],
  [/n't\b/g, ' not'],
  [/'re\b/g, ' are'],
  [/'m\b/g, ' am'],
  [/'ve\b/g, ' have'],
  [/'ll\b/g, ' will'],
  [/'d\b/g, ' would'],
  [/\b(what|who|where|when|why|how|it|that|there|here|he|she|this)'s\b/g, '$1 is'],
  [/'s\b/g, ''],
];

const nonAscii = /[\u0080-\uffff]/;

/** The rules that can apply to a text without an apostrophe. */
const withoutApostrophe = contractionRules.filter(([pattern]) => !pattern.source.includes("'"));
const none: typeof contractionRules = [];

/**
 * The text the lexical encoder and the salient-token guard see: NFKC (full-width digits, ligatures
 * and compatibility forms fold to one spelling), lower case, typographic apostrophes and quotes made
 * plain, contractions spelled out, runs of whitespace collapsed to one space. Pure.
 */
export function normaliseSemanticText(text: string): string {
  return normaliseWords(text).replace(/\s+/g, ' ').trim();
}

/**
 * {@link normaliseSemanticText} without collapsing whitespace: the same words, for the lexical
 * encoder, whose features never span whitespace (one pass fewer on every request it encodes).
 */
export function normaliseWords(text: string): string {
  // NFKC and the typographic replacements change nothing in plain ASCII, the common case.
  let normalised = nonAscii.test(text)
    ? text
        .normalize('NFKC')
        .toLowerCase()
        .replace(/[\u2018\u2019\u02bc]/g, "'")
        .replace(/[\u201c\u201d]/g, '"')
    : text.toLowerCase();
  // Every rule but "cannot" needs an apostrophe; most texts have none and skip eleven passes.
  const rules = normalised.includes("'")
    ? contractionRules
    : normalised.includes('cannot')
      ? withoutApostrophe
      : none;
  for (const [pattern, replacement] of rules) {
    normalised = normalised.replace(pattern, replacement);
  }
  return normalised;
}
