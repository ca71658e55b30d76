import { normaliseSemanticText } from './normalise-semantic-text.ts';

/**
 * Number words spelled as digits, so "three apples" and "3 apples" agree while "3" and "4" do not.
 * Scale words (hundred, thousand) stay words: composing "three hundred" is not worth the risk.
 */
const numberWords: Readonly<Record<string, string>> = {
  zero: '0',
  one: '1',
  two: '2',
  three: '3',
  four: '4',
  five: '5',
  six: '6',
  seven: '7',
  eight: '8',
  nine: '9',
  ten: '10',
  eleven: '11',
  twelve: '12',
  thirteen: '13',
  fourteen: '14',
  fifteen: '15',
  sixteen: '16',
  seventeen: '17',
  eighteen: '18',
  nineteen: '19',
  twenty: '20',
  thirty: '30',
  forty: '40',
  fifty: '50',
  sixty: '60',
  seventy: '70',
  eighty: '80',
  ninety: '90',
  hundred: 'hundred',
  thousand: 'thousand',
  million: 'million',
  billion: 'billion',
  half: 'half',
  twice: 'twice',
  double: 'double',
  triple: 'triple',
  quarter: 'quarter',
};

/** URLs and e-mail addresses, taken whole before anything else splits them. */
const linkPattern = /\b(?:https?:\/\/|www\.)[^\s<>"']+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g;
/** Text in straight or backtick quotes (after normalisation, curly quotes are straight). */
const quotedPattern = /"([^"\n]{1,200})"|`([^`\n]{1,200})`/g;
/** Code identifiers: snake_case, dotted.names or calls, and camelCase (checked before lower-casing). */
const identifierPattern =
  /\b[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+\b|\b[A-Za-z_$]*_[\w$]*\b|\b[a-z]+[A-Z][\w$]*\b/g;
/**
 * Numbers with thousands separators and decimals, also inside words ("2nd", "covid19", "x2": more
 * tokens only make the guard stricter). A minus is a sign only after a space, "(", "=", ":", "," or
 * the start, so "5-3" is 5 and 3; "1,3,4" is three numbers and "1,000" one.
 */
const numberPattern = /(?<![\d.])((?<=^|[\s(=:,])-)?(\d{1,3}(?:,\d{3})+(?!\d)|\d+)(\.\d+)?/g;
const wordPattern = /[\p{L}]+/gu;
/**
 * Named entities, approximated without a model: a capitalised word (or an acronym) that does not
 * start a sentence, a line or a list item, i.e. one that follows a word, a digit or a comma on the
 * same line. "capital of France" and "capital of Peru" differ only here.
 */
const entityPattern = /(?<=[\p{L}\p{N},)] )(?:\p{Lu}[\p{Ll}\p{M}'-]+|\p{Lu}{2,})(?![\p{L}\p{N}])/gu;
/**
 * Capitalised words that are not names: "I", and capitals used for emphasis ("which is NOT"),
 * which a rewording may lower-case or contract ("isn't") without changing the question.
 */
const notEntities: ReadonlySet<string> = new Set([
  'I',
  'OK',
  'NOT',
  'EXCEPT',
  'ALL',
  'NONE',
  'AND',
  'OR',
  'TRUE',
  'FALSE',
  'ONLY',
  'NEVER',
  'LEAST',
  'MOST',
  'BEST',
  'NO',
  'YES',
  'MUST',
  'ALWAYS',
  'CORRECT',
  'INCORRECT',
]);

function canonicalNumber(
  sign: string | undefined,
  whole: string,
  fraction: string | undefined,
): string {
  const digits = whole.replace(/,/g, '').replace(/^0+(?=\d)/, '');
  // "2.50" and "2.5" are the same amount; "2.0" is 2.
  const decimals = (fraction ?? '').replace(/0+$/, '').replace(/^\.$/, '');
  const value = `${digits}${decimals}`;
  return sign === '-' && value !== '0' ? `-${value}` : value;
}

/**
 * The tokens that change an answer when they change: numbers (digits or number words, with sign
 * and decimals, "1,000" = "1000", "2.50" = "2.5"), URLs and e-mail addresses, quoted strings and
 * code identifiers, and names (capitalised words inside a sentence). A lexical encoder rates
 * "Tom has 5 apples" and "Tom has 7 apples" as near twins; the semantic cache requires these
 * multisets to be equal for a hit ("3, 3 and 4" differs from "3, 4 and 4"). Sorted, with repeats,
 * lower case (tokens differing only by case compare equal). A prompt typed all in lower case has
 * no names to compare: the guard then rests on numbers and the other kinds. Pure.
 */
export function salientTokens(text: string): string[] {
  const tokens: string[] = [];
  let rest = text.normalize('NFKC');
  rest = rest.replace(linkPattern, (link) => {
    tokens.push(`link:${link.toLowerCase().replace(/[.,;:!?)]+$/, '')}`);
    return ' ';
  });
  for (const match of rest.matchAll(identifierPattern))
    tokens.push(`code:${match[0].toLowerCase()}`);
  // Runs of spaces collapse first: "of  France" (two spaces) still has "France" after a word.
  for (const match of rest.replace(/[ \t]+/g, ' ').matchAll(entityPattern)) {
    if (!notEntities.has(match[0])) tokens.push(`name:${match[0].toLowerCase()}`);
  }
  rest = normaliseSemanticText(rest);
  for (const match of rest.matchAll(quotedPattern)) {
    const quoted = (match[1] ?? match[2] ?? '').trim();
    if (quoted !== '') tokens.push(`quote:${quoted}`);
  }
  for (const match of rest.matchAll(numberPattern)) {
    tokens.push(`number:${canonicalNumber(match[1], match[2] ?? '', match[3])}`);
  }
  for (const match of rest.matchAll(wordPattern)) {
    const number = numberWords[match[0]];
    if (number !== undefined) tokens.push(`number:${number}`);
  }
  return tokens.sort();
}

/** The salient tokens as one string, to store with a cache entry and compare with `===`. Pure. */
export function salientSignature(text: string): string {
  return salientTokens(text).join('\u0000');
}
