// Deterministic "must not hit" rewrites of a question: the same words with one number or one
// named entity changed. They need a different answer, yet a lexical encoder rates them close.
import { createSeededRandom } from '../../src/lib/random.ts';

export interface HardNegative {
  readonly text: string;
  readonly kind: 'number changed' | 'entity changed';
}

const numberWordSwaps: Readonly<Record<string, string>> = {
  two: 'three',
  three: 'four',
  four: 'five',
  five: 'six',
  six: 'seven',
  seven: 'eight',
  eight: 'nine',
  nine: 'ten',
  ten: 'twelve',
  twelve: 'fifteen',
  twenty: 'thirty',
};
const replacementEntities = [
  'Peru',
  'Oslo',
  'Kenya',
  'Maria',
  'Chen',
  'Lisbon',
  'Ahmed',
  'Brazil',
  'Tokyo',
  'Olga',
];
/** Capitalised words that are not entities. */
const notEntities = new Set([
  'I',
  'A',
  'B',
  'C',
  'D',
  'E',
  'The',
  'Answer',
  'What',
  'Which',
  'Who',
  'How',
  'If',
  'In',
  'Question',
  'Options',
  'Q',
  'True',
  'False',
  'Statement',
  'Choose',
]);

/** One number changed (digits, or a number word), or undefined when the text has none. Pure. */
export function changeOneNumber(text: string, seed: number): HardNegative | undefined {
  const random = createSeededRandom(seed);
  const digits = [...text.matchAll(/(?<![\w.])\d+(?:\.\d+)?(?![\w])/g)];
  const match = digits[Math.floor(random.next() * digits.length)];
  if (match !== undefined) {
    const value = Number(match[0]);
    const changed = String(value + 1 + Math.floor(random.next() * 8));
    return {
      kind: 'number changed',
      text: text.slice(0, match.index) + changed + text.slice(match.index + match[0].length),
    };
  }
  for (const [word, other] of Object.entries(numberWordSwaps)) {
    const pattern = new RegExp(`\\b${word}\\b`);
    if (pattern.test(text)) return { kind: 'number changed', text: text.replace(pattern, other) };
  }
  return undefined;
}

/**
 * One capitalised word that is not at a sentence start (so likely a name or place) replaced by
 * another entity, or undefined when there is none. Pure.
 */
export function changeOneEntity(text: string, seed: number): HardNegative | undefined {
  const random = createSeededRandom(seed);
  const candidates = [...text.matchAll(/(?<=[a-z,;] )[A-Z][a-z]{2,}\b/g)].filter(
    (match) => !notEntities.has(match[0]),
  );
  const match = candidates[Math.floor(random.next() * candidates.length)];
  if (match === undefined) return undefined;
  const others = replacementEntities.filter((entity) => entity !== match[0]);
  const replacement = others[Math.floor(random.next() * others.length)] ?? 'Peru';
  return {
    kind: 'entity changed',
    text: text.slice(0, match.index) + replacement + text.slice(match.index + match[0].length),
  };
}
