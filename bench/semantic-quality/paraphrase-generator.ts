// Deterministic, seeded rewordings of a question that keep its answer: the "should hit" queries of
// the semantic-cache benchmark. Every transform leaves numbers, quoted text and identifiers alone,
// so a paraphrase never changes what is asked.
import { createSeededRandom, type Random } from '../../src/lib/random.ts';

export interface Paraphrase {
  readonly text: string;
  readonly transforms: readonly string[];
}

type Transform = (text: string, random: Random) => string | undefined;

function pick<T>(items: readonly T[], random: Random): T {
  const item = items[Math.floor(random.next() * items.length)];
  if (item === undefined) throw new Error('pick from an empty list');
  return item;
}

const prefixes = [
  'Please ',
  'Hi! ',
  'Quick question: ',
  'Hello, ',
  'I was wondering: ',
  'Can you tell me: ',
  'Could you help me with this? ',
  'Hey, ',
];
const suffixes = [
  ' Thanks!',
  ' Thank you.',
  ' Thanks in advance.',
  ' Please help.',
  ' Any help is appreciated.',
];

/** Question reformulations that keep the request: pattern at the start, replacement. */
const reformulations: readonly (readonly [RegExp, string])[] = [
  [/^what is (.+?)\?$/is, 'Tell me $1.'],
  [/^what are (.+?)\?$/is, 'Tell me what $1 are.'],
  [/^how do i (.+)$/is, 'How can I $1'],
  [/^how can i (.+)$/is, 'How do I $1'],
  [/^who (is|was) (.+?)\?$/is, 'Tell me who $1 $2.'],
  [/^write a (python )?function (.+)$/is, 'Can you write a $1function $2'],
  [/^find (.+)$/is, 'Determine $1'],
  [/^calculate (.+)$/is, 'Compute $1'],
  [/^explain (.+)$/is, 'Can you explain $1'],
  [/^why (.+)$/is, 'Can you tell me why $1'],
];

/** Contractions, applied in one direction or the other. */
const contractions: readonly (readonly [string, string])[] = [
  ['do not', "don't"],
  ['does not', "doesn't"],
  ['is not', "isn't"],
  ['are not', "aren't"],
  ['what is', "what's"],
  ['it is', "it's"],
  ['cannot', "can't"],
  ['will not', "won't"],
  ['I am', "I'm"],
  ['did not', "didn't"],
  ['that is', "that's"],
  ['they are', "they're"],
];

/** Synonyms that do not change what a question asks, swapped in either direction. */
const synonyms: readonly (readonly [string, string])[] = [
  ['big', 'large'],
  ['small', 'little'],
  ['buy', 'purchase'],
  ['begin', 'start'],
  ['finish', 'complete'],
  ['quick', 'fast'],
  ['find', 'determine'],
  ['calculate', 'compute'],
  ['car', 'automobile'],
  ['choose', 'pick'],
  ['error', 'mistake'],
  ['method', 'approach'],
  ['example', 'instance'],
  ['shop', 'store'],
  ['gift', 'present'],
  ['student', 'pupil'],
  ['movie', 'film'],
  ['answer', 'response'],
  ['describe', 'explain'],
  ['show', 'demonstrate'],
  ['famous', 'well-known'],
  ['usually', 'typically'],
  ['often', 'frequently'],
  ['also', 'too'],
];

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Replaces one whole-word occurrence, keeping a leading capital. */
function replaceWord(text: string, from: string, to: string): string | undefined {
  const pattern = new RegExp(`\\b${escapeRegExp(from)}\\b`, 'i');
  const match = pattern.exec(text);
  if (match === null) return undefined;
  // Inside quotes a word is data ("strC = \"car\""), not wording: leave it.
  if ((text.slice(0, match.index).match(/["`]/g)?.length ?? 0) % 2 === 1) return undefined;
  const capital = /^[A-Z]/.test(match[0]);
  const replacement = capital ? to.charAt(0).toUpperCase() + to.slice(1) : to;
  return text.slice(0, match.index) + replacement + text.slice(match.index + match[0].length);
}

const transforms: Readonly<Record<string, Transform>> = {
  'politeness prefix': (text, random) => {
    const prefix = pick(prefixes, random);
    return prefix + (prefix.endsWith(': ') ? text : text.charAt(0).toLowerCase() + text.slice(1));
  },
  'politeness suffix': (text, random) => `${text.trimEnd()}${pick(suffixes, random)}`,
  reformulation: (text) => {
    for (const [pattern, replacement] of reformulations) {
      if (pattern.test(text.trim())) return text.trim().replace(pattern, replacement);
    }
    return undefined;
  },
  contraction: (text, random) => {
    const start = Math.floor(random.next() * contractions.length);
    for (let offset = 0; offset < contractions.length; offset += 1) {
      const [long, short] = contractions[(start + offset) % contractions.length] ?? ['', ''];
      const changed = replaceWord(text, long, short) ?? replaceWord(text, short, long);
      if (changed !== undefined) return changed;
    }
    return undefined;
  },
  synonym: (text, random) => {
    const start = Math.floor(random.next() * synonyms.length);
    for (let offset = 0; offset < synonyms.length; offset += 1) {
      const [one, other] = synonyms[(start + offset) % synonyms.length] ?? ['', ''];
      const changed = replaceWord(text, one, other) ?? replaceWord(text, other, one);
      if (changed !== undefined) return changed;
    }
    return undefined;
  },
  'case, punctuation, spacing': (text, random) => {
    const variants = [
      (value: string) => value.toLowerCase(),
      (value: string) => value.replace(/[?.!]\s*$/, ''),
      (value: string) => value.replace(/ /g, '  '),
      (value: string) => value.replace(/\n+/g, ' '),
      (value: string) => `${value.trimEnd()}??`,
      (value: string) => `  ${value}\n`,
    ];
    return pick(variants, random)(text);
  },
  'question first': (text) => {
    // Only "statements, then one final question": moving the question first keeps the facts.
    const sentences = text.trim().match(/[^.?!]+[.?!]+(\s+|$)/g);
    if (sentences === null || sentences.length < 2 || sentences.join('') !== text.trim())
      return undefined;
    const last = sentences[sentences.length - 1]?.trim() ?? '';
    if (!last.endsWith('?') || sentences.slice(0, -1).some((sentence) => sentence.includes('?'))) {
      return undefined;
    }
    return `${last} ${sentences.slice(0, -1).join('').trim()}`;
  },
  typo: (text, random) => {
    const words = [...text.matchAll(/\b[a-z]{6,}\b/g)];
    if (words.length === 0) return undefined;
    const word = pick(words, random);
    const at = 1 + Math.floor(random.next() * (word[0].length - 3));
    const swapped =
      word[0].slice(0, at) + (word[0][at + 1] ?? '') + (word[0][at] ?? '') + word[0].slice(at + 2);
    return text.slice(0, word.index) + swapped + text.slice(word.index + word[0].length);
  },
};

export const paraphraseTransformNames: readonly string[] = Object.keys(transforms);

/**
 * `count` paraphrases of `text`, each made by two or three different applicable transforms in a
 * random order. Deterministic: the same text, count and seed give the same paraphrases. Pure.
 */
export function paraphrase(text: string, count: number, seed: number): Paraphrase[] {
  const random = createSeededRandom(seed);
  const results: Paraphrase[] = [];
  for (let attempt = 0; results.length < count && attempt < count * 4; attempt += 1) {
    const steps = 2 + Math.floor(random.next() * 2);
    const names = [...paraphraseTransformNames];
    let current = text;
    const used: string[] = [];
    while (used.length < steps && names.length > 0) {
      const name = names.splice(Math.floor(random.next() * names.length), 1)[0] ?? '';
      const changed = transforms[name]?.(current, random);
      if (changed !== undefined && changed !== current) {
        current = changed;
        used.push(name);
      }
    }
    if (used.length > 0 && results.every((result) => result.text !== current)) {
      results.push({ text: current, transforms: used });
    }
  }
  return results;
}
