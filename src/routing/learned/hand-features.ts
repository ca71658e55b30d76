/**
 * Cheap features that carry signal on multiple-choice benchmarks such as MMLU. Length is the known
 * strong baseline (longer prompt, harder question); the rest mark question shapes where a weaker
 * model tends to fail: arithmetic, formulas, negated stems ("EXCEPT", "NOT"), paired statements,
 * reading passages and long options.
 */
export const handFeatureNames = [
  'logChars',
  'logWords',
  'logStemChars',
  'logOptionChars',
  'optionLengthSpread',
  'digitShare',
  'hasMathSymbols',
  'hasNegation',
  'hasStatementPair',
  'hasPassage',
  'lineCount',
] as const;

const optionLine = /^[A-D]\.\s?(.*)$/u;
const mathSymbols = /[=+*^/<>≤≥∫∑√π]|\\frac|\bmod\b|\bx\^|\d\s*[-+*/]\s*\d/u;
const negation = /\b(EXCEPT|NOT|LEAST|FALSE)\b/u;
const statementPair = /Statement 1\s*\|/u;
const passage = /refers to the following|following (passage|information|excerpt)/iu;

/** JavaScript's `\s`: white space and line terminators (ECMA-262), as UTF-16 code units. */
function isWhitespace(code: number): boolean {
  if (code <= 32) return code === 32 || (code >= 9 && code <= 13);
  if (code < 0xa0) return false;
  return (
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000 ||
    code === 0xfeff
  );
}

/** Feature values for one prompt, in {@link handFeatureNames} order (not yet standardised). */
export function handFeatures(prompt: string): number[] {
  const lines = prompt.split('\n');
  const optionLengths: number[] = [];
  let stemChars = 0;
  for (const line of lines) {
    const option = optionLine.exec(line);
    if (option) optionLengths.push((option[1] ?? '').length);
    else if (line.trim() !== 'Answer:') stemChars += line.length;
  }
  const meanOption =
    optionLengths.length === 0
      ? 0
      : optionLengths.reduce((a, b) => a + b, 0) / optionLengths.length;
  const spread =
    optionLengths.length === 0
      ? 0
      : (Math.max(...optionLengths) - Math.min(...optionLengths)) / (1 + meanOption);
  let digits = 0;
  let words = 0;
  let inWord = false;
  // One pass over code units: digits are never halves of surrogate pairs, and a word is a
  // maximal run of non-whitespace (what splitting on /\s+/ and dropping empties counts).
  for (let index = 0; index < prompt.length; index += 1) {
    const code = prompt.charCodeAt(index);
    if (code >= 48 && code <= 57) digits += 1;
    const space = isWhitespace(code);
    if (!space && !inWord) words += 1;
    inWord = !space;
  }
  return [
    Math.log1p(prompt.length),
    Math.log1p(words),
    Math.log1p(stemChars),
    Math.log1p(meanOption),
    spread,
    digits / Math.max(1, prompt.length),
    mathSymbols.test(prompt) ? 1 : 0,
    negation.test(prompt) ? 1 : 0,
    statementPair.test(prompt) ? 1 : 0,
    passage.test(prompt) ? 1 : 0,
    Math.log1p(lines.length),
  ];
}
