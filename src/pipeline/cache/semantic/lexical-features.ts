import { hashStep, hashText, mixHash } from './feature-hash.ts';
import { lexicalStopwords } from './lexical-stopwords.ts';

/** The three feature families; each is weighted and normalised on its own by the encoder. */
export const lexicalFamilies = ['word', 'wordPair', 'characters'] as const;
export type LexicalFamily = (typeof lexicalFamilies)[number];

/** Seeds that keep the families apart: the same string hashes differently in each. */
const familySeeds: Readonly<Record<LexicalFamily, number>> = {
  word: hashText('word\u0000'),
  wordPair: hashText('pair\u0000'),
  characters: hashText('char\u0000'),
};

/** Character n-gram lengths inside one padded word: short enough for typos and inflections. */
export const characterGramMin = 3;
export const characterGramMax = 5;

/** A letter, digit or mark in any script: what words are made of. */
const wordCharacter = /^[\p{L}\p{N}\p{M}]$/u;

/** ASCII letters and digits, by code unit. */
const asciiWord = Uint8Array.from({ length: 128 }, (_, code) =>
  (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) ? 1 : 0,
);

/** Code units of the code point at `position` (2 for a surrogate pair). */
function codePointWidth(text: string, position: number): number {
  const code = text.charCodeAt(position);
  if (code < 0xd800 || code > 0xdbff) return 1;
  const next = text.charCodeAt(position + 1);
  return next >= 0xdc00 && next <= 0xdfff ? 2 : 1;
}

/**
 * The width of the code point at `position` when it is a letter, digit or mark, else 0. ASCII
 * by table; anything else by the Unicode property classes.
 */
function wordCodePointWidth(text: string, position: number): number {
  const code = text.charCodeAt(position);
  if (code < 128) return asciiWord[code] ?? 0;
  const width = codePointWidth(text, position);
  return wordCharacter.test(text.slice(position, position + width)) ? width : 0;
}

/** Stopwords by their word hash, to test a word without cutting it out of the text. */
const stopwordsByHash = new Map<number, string[]>();
for (const word of lexicalStopwords) {
  const hash = hashText(word, hashText('word\u0000'));
  stopwordsByHash.set(hash, [...(stopwordsByHash.get(hash) ?? []), word]);
}

function isStopword(text: string, start: number, end: number, wordHash: number): boolean {
  const candidates = stopwordsByHash.get(wordHash);
  if (candidates === undefined) return false;
  return candidates.some((word) => word.length === end - start && text.startsWith(word, start));
}
const space = 0x20;

/** A growable list of mixed 32-bit feature hashes, one entry per occurrence. */
export class FeatureHashList {
  hashes = new Uint32Array(256);
  length = 0;

  push(hash: number): void {
    if (this.length === this.hashes.length) {
      const grown = new Uint32Array(this.hashes.length * 2);
      grown.set(this.hashes);
      this.hashes = grown;
    }
    this.hashes[this.length] = hash;
    this.length += 1;
  }

  clear(): void {
    this.length = 0;
  }
}

/** One reusable list per family, so encoding allocates nothing per call. */
export type LexicalFeatureLists = Record<LexicalFamily, FeatureHashList>;

export function createFeatureLists(): LexicalFeatureLists {
  return {
    word: new FeatureHashList(),
    wordPair: new FeatureHashList(),
    characters: new FeatureHashList(),
  };
}

/** The current word padded with spaces, as code units; grown for longer words. */
let padded = new Uint16Array(64);

function addCharacterGrams(text: string, start: number, end: number, out: FeatureHashList): void {
  // The word is padded with a space on each side, so prefixes and suffixes are features of their
  // own ("ing " differs from "ing" in the middle of a word). Grams never cross a word boundary.
  const paddedLength = end - start + 2;
  if (paddedLength > padded.length) padded = new Uint16Array(paddedLength * 2);
  const codes = padded;
  codes[0] = space;
  for (let index = start; index < end; index += 1)
    codes[index - start + 1] = text.charCodeAt(index);
  codes[paddedLength - 1] = space;
  const seed = familySeeds.characters;
  for (let from = 0; from + characterGramMin <= paddedLength; from += 1) {
    let hash = seed;
    const last = Math.min(from + characterGramMax, paddedLength);
    for (let position = from; position < last; position += 1) {
      hash = hashStep(hash, codes[position] ?? 0);
      if (position - from + 1 >= characterGramMin) out.push(mixHash(hash));
    }
  }
  // A word shorter than the smallest gram still needs a character feature.
  if (paddedLength < characterGramMin) {
    out.push(mixHash(hashText(text, seed, start, end)));
  }
}

/**
 * Fills `lists` with the hashed features of an already normalised text: word unigrams, adjacent
 * word pairs (stopwords skipped), and (unless `characterGrams` is false) character 3- to 5-grams within each space-padded word. Each entry is a mixed
 * 32-bit hash; a feature that occurs twice appears twice. Clears the lists first.
 */
export function extractLexicalFeatures(
  normalised: string,
  lists: LexicalFeatureLists,
  characterGrams = true,
): void {
  lists.word.clear();
  lists.wordPair.clear();
  lists.characters.clear();
  let previousWordHash: number | undefined;
  const length = normalised.length;
  for (let position = 0; position < length;) {
    const width = wordCodePointWidth(normalised, position);
    if (width === 0) {
      position += codePointWidth(normalised, position);
      continue;
    }
    // A word is a maximal run of letters, digits and marks (/[\p{L}\p{N}\p{M}]+/u).
    const start = position;
    position += width;
    for (;;) {
      const next = position < length ? wordCodePointWidth(normalised, position) : 0;
      if (next === 0) break;
      position += next;
    }
    const end = position;
    const wordHash = hashText(normalised, familySeeds.word, start, end);
    // Stopwords are skipped in every family, and a word pair spans them: "capital of france"
    // gives the pair "capital france", the same as "capital, france".
    if (isStopword(normalised, start, end, wordHash)) continue;
    lists.word.push(mixHash(wordHash));
    if (previousWordHash !== undefined) {
      // A pair hash combines both word hashes in order, so "dog bites" differs from "bites dog".
      lists.wordPair.push(
        mixHash(Math.imul(previousWordHash, 0x9e3779b1) ^ wordHash ^ familySeeds.wordPair),
      );
    }
    previousWordHash = wordHash;
    if (characterGrams) addCharacterGrams(normalised, start, end, lists.characters);
  }
}
