import fc from 'fast-check';
import {
  CL100K_TOKEN_SPLIT_REGEX,
  O200K_TOKEN_SPLIT_REGEX,
} from 'gpt-tokenizer/encodingParams/constants';
import { describe, expect, it } from 'vitest';
import { hasLongPieceRun } from './has-long-piece-run.ts';
import { tokenCorpus } from './token-corpus.fixture.ts';

function longestPiece(text: string): number {
  let longest = 0;
  for (const pattern of [O200K_TOKEN_SPLIT_REGEX, CL100K_TOKEN_SPLIT_REGEX]) {
    for (const [piece] of text.matchAll(pattern)) {
      longest = Math.max(longest, piece.length);
    }
  }
  return longest;
}

describe('hasLongPieceRun', () => {
  it.each([
    ['short English', 'The quick brown fox jumps over the lazy dog.', false],
    ['a long sentence of short words', 'word '.repeat(10_000), false],
    ['a long number', '1234567890'.repeat(1000), false],
    ['letters broken by digits', 'abc1'.repeat(1000), false],
    ['a run of letters', 'a'.repeat(600), true],
    ['a run of spaces', ' '.repeat(600), true],
    ['a run of symbols', '!?'.repeat(300), true],
    ['slashes and line breaks', '/\n'.repeat(300), true],
    ['an unpunctuated Chinese paragraph', '敏捷的棕色狐狸'.repeat(100), true],
    ['no-break spaces', '\u00a0'.repeat(600), true],
  ])('%s: %s', (_name, text, expected) => {
    expect(hasLongPieceRun(text, 510)).toBe(expected);
  });

  it('never misses a piece longer than 2 × threshold + 4 (fast-check)', () => {
    const unit = fc.constantFrom(
      'a',
      'B',
      'é',
      '\u0301',
      '敏',
      ' ',
      '\t',
      '\n',
      '\r',
      '/',
      '!',
      '.',
      "'",
      's',
      '1',
      '٣',
      '\u00a0',
      '\u3000',
      '😀',
      '\ud800',
      '<|',
      '|>',
    );
    fc.assert(
      fc.property(
        fc.string({ unit, maxLength: 120 }),
        fc.integer({ min: 1, max: 12 }),
        (text, threshold) => {
          if (!hasLongPieceRun(text, threshold)) {
            expect(longestPiece(text)).toBeLessThanOrEqual(2 * threshold + 4);
          }
        },
      ),
      { numRuns: 3000, seed: 42 },
    );
  });

  it('never misses a long piece in the seeded corpus', () => {
    for (const text of tokenCorpus(21, 500)) {
      for (const threshold of [4, 16, 64]) {
        if (!hasLongPieceRun(text, threshold)) {
          expect(longestPiece(text)).toBeLessThanOrEqual(2 * threshold + 4);
        }
      }
    }
  });
});
