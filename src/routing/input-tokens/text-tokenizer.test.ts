import { Buffer } from 'node:buffer';
import fc from 'fast-check';
import cl100k from 'gpt-tokenizer/encoding/cl100k_base';
import o200k from 'gpt-tokenizer/encoding/o200k_base';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureTokenizerFor, loadedTokenizerFor } from './ensure-tokenizer-for.ts';
import { hasLongPieceRun } from './has-long-piece-run.ts';
import type { TextTokenizer } from './text-tokenizer.ts';
import { seededRandom, tokenCorpus, tokenCorpusFragments } from './token-corpus.fixture.ts';

const plainText = { disallowedSpecial: new Set<string>() };
const raw = { o200k_base: o200k, cl100k_base: cl100k } as const;

let tokenizers: TextTokenizer[] = [];

beforeAll(async () => {
  await ensureTokenizerFor('gpt-4o');
  await ensureTokenizerFor('gpt-4');
  tokenizers = [loadedTokenizerFor('gpt-4o'), loadedTokenizerFor('gpt-4')].filter(
    (tokenizer): tokenizer is TextTokenizer => tokenizer !== undefined,
  );
  expect(tokenizers.map((tokenizer) => tokenizer.encodingName)).toEqual([
    'o200k_base',
    'cl100k_base',
  ]);
});

function bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** The package's own count, with no guard (only for texts without long runs: it is quadratic). */
function rawCount(tokenizer: TextTokenizer, text: string): number {
  return raw[tokenizer.encodingName].countTokens(text, plainText);
}

describe('TextTokenizer exact counts', () => {
  it.each([
    ['o200k_base', 'hello world', 2],
    ['cl100k_base', 'hello world', 2],
    // OpenAI cookbook, "How to count tokens with tiktoken".
    ['cl100k_base', 'tiktoken is great!', 6],
    ['o200k_base', '', 0],
    ['cl100k_base', '', 0],
  ])('%s counts %j as %i tokens', (encodingName, text, expected) => {
    const tokenizer = tokenizers.find((candidate) => candidate.encodingName === encodingName);
    expect(tokenizer?.countUpTo(text, Number.POSITIVE_INFINITY)).toBe(expected);
    expect(tokenizer?.countUpTo(text, 1000)).toBe(expected);
  });

  it('counts special-token text as ordinary text instead of throwing', () => {
    for (const tokenizer of tokenizers) {
      const count = tokenizer.countUpTo('<|endoftext|><|im_start|>', Number.POSITIVE_INFINITY);
      expect(count).toBeGreaterThan(2);
      expect(count).toBe(
        raw[tokenizer.encodingName].encode('<|endoftext|><|im_start|>', plainText).length,
      );
    }
  });

  it('agrees with the package on every corpus text without long runs, on both paths', () => {
    const texts = tokenCorpus(11, 400).filter((text) => !hasLongPieceRun(text, 1000));
    // Chinese or Thai paragraphs over 510 characters take the piece-by-piece path yet stay exact.
    texts.push('敏捷的棕色狐狸跳过了懒狗'.repeat(60), 'สวัสดีชาวโลก'.repeat(60));
    for (const tokenizer of tokenizers) {
      for (const text of texts) {
        expect(tokenizer.countUpTo(text, Number.POSITIVE_INFINITY)).toBe(rawCount(tokenizer, text));
      }
    }
  });
});

describe('TextTokenizer upper bound guarantee: tokens never exceed UTF-8 bytes', () => {
  it('holds over the seeded corpus, long runs included', () => {
    for (const tokenizer of tokenizers) {
      for (const text of tokenCorpus(7, 1500)) {
        expect(tokenizer.countUpTo(text, Number.POSITIVE_INFINITY)).toBeLessThanOrEqual(
          bytes(text),
        );
      }
    }
  });

  it('holds for each fragment alone and repeated', () => {
    for (const tokenizer of tokenizers) {
      for (const fragment of tokenCorpusFragments) {
        for (const text of [fragment, fragment.repeat(7)]) {
          expect(rawCount(tokenizer, text)).toBeLessThanOrEqual(bytes(text));
        }
      }
    }
  });

  it('holds for arbitrary strings (fast-check)', () => {
    const fragment = fc.constantFrom(...tokenCorpusFragments);
    const loneSurrogate = fc
      .integer({ min: 0xd800, max: 0xdfff })
      .map((code) => String.fromCharCode(code));
    const text = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 300 }),
      fc.string({ unit: 'grapheme', maxLength: 200 }),
      fc.string({ unit: 'binary-ascii', maxLength: 300 }),
      fc.string({
        unit: fc.oneof(fragment, loneSurrogate, fc.string({ unit: 'binary', maxLength: 3 })),
      }),
      fc.string({ unit: fc.constantFrom(' ', '\n', '\t', '\r', '\u00a0', '/', 'a', '1', '.') }),
    );
    fc.assert(
      fc.property(text, (sample) => {
        for (const tokenizer of tokenizers) {
          const count = tokenizer.countUpTo(sample, Number.POSITIVE_INFINITY);
          expect(count).toBeLessThanOrEqual(bytes(sample));
          if (!hasLongPieceRun(sample, 510)) {
            expect(count).toBe(rawCount(tokenizer, sample));
          }
        }
      }),
      { numRuns: 600, seed: 20_240_806 },
    );
  });
});

describe('TextTokenizer early exit', () => {
  it('returns the count within the limit and some number above it past the limit', () => {
    const random = seededRandom(3);
    for (const tokenizer of tokenizers) {
      for (const text of tokenCorpus(5, 60, 30)) {
        const full = tokenizer.countUpTo(text, Number.POSITIVE_INFINITY);
        const limit = Math.floor(random() * full * 1.5);
        const counted = tokenizer.countUpTo(text, limit);
        if (full <= limit) {
          expect(counted).toBe(full);
        } else {
          expect(counted).toBeGreaterThan(limit);
        }
      }
    }
  });

  it('stops early on a megabyte prompt checked against a small limit', () => {
    // About 230,000 tokens in all; the answer "just past the limit" shows the count stopped there
    // (its speed is for the benchmarks, not for a timed test).
    const text = 'The quick brown fox jumps over the lazy dog. '.repeat(23_000);
    for (const tokenizer of tokenizers) {
      expect(tokenizer.countUpTo(text, 1000)).toBe(1001);
      expect(tokenizer.countUpTo(text, Number.POSITIVE_INFINITY)).toBeGreaterThan(200_000);
    }
  });
});

describe('TextTokenizer long runs', () => {
  it('counts a long run by its bytes at most, and at least what the package counts', () => {
    const random = seededRandom(9);
    let letters = '';
    for (let index = 0; index < 3000; index++) {
      letters += String.fromCharCode(97 + Math.floor(random() * 26));
    }
    for (const tokenizer of tokenizers) {
      for (const text of [letters, `${letters} tail`, 'a'.repeat(2000), '!?'.repeat(1500)]) {
        const count = tokenizer.countUpTo(text, Number.POSITIVE_INFINITY);
        expect(count).toBeLessThanOrEqual(bytes(text));
        expect(count).toBeGreaterThanOrEqual(rawCount(tokenizer, text));
      }
    }
  });

  it('counts a megabyte of unpunctuated Chinese without stalling (quadratic merge)', () => {
    const random = seededRandom(1);
    let text = '';
    for (let index = 0; index < 350_000; index++) {
      text += String.fromCodePoint(0x4e00 + Math.floor(random() * 20_000));
    }
    // Counting by bytes shows the long run never reached the merge (which would not finish).
    for (const tokenizer of tokenizers) {
      expect(tokenizer.countUpTo(text, Number.POSITIVE_INFINITY)).toBe(bytes(text));
    }
  });
});
