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
  for (const char of prompt) if (char >= '0' && char <= '9') digits += 1;
  const words = prompt.split(/\s+/u).filter((word) => word !== '').length;
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
