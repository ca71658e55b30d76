import { describe, expect, it } from 'vitest';
import { salientSignature, salientTokens } from './salient-tokens.ts';

describe('salientTokens', () => {
  it('takes numbers with sign, decimals and thousands separators in one spelling', () => {
    expect(
      salientTokens('It was -5 degrees, then 1,000 people paid $2.50 each, 3.0 times.'),
    ).toEqual(['number:-5', 'number:1000', 'number:2.5', 'number:3']);
  });

  it('takes numbers inside words and ranges', () => {
    expect(salientSignature('the 1st floor')).not.toBe(salientSignature('the 2nd floor'));
    expect(salientTokens('pages 5-13')).toEqual(['number:13', 'number:5']);
    expect(salientSignature('sets {1,3,4} and (0,-2)')).not.toBe(
      salientSignature('sets {1,3,7} and (0,-2)'),
    );
    expect(salientTokens('(0,-2)')).toEqual(['number:-2', 'number:0']);
  });

  it('spells number words as digits', () => {
    expect(salientSignature('Tom has three apples')).toBe(salientSignature('Tom has 3 apples'));
    expect(salientSignature('Tom has three apples')).not.toBe(
      salientSignature('Tom has four apples'),
    );
  });

  it('tells apart questions that differ in one number', () => {
    expect(salientSignature('Tom has 5 apples and eats 2.')).not.toBe(
      salientSignature('Tom has 7 apples and eats 2.'),
    );
  });

  it('counts repeats, so moving a number between places is a change', () => {
    expect(salientSignature('3 cats, 3 dogs and 4 birds')).not.toBe(
      salientSignature('3 cats, 4 dogs and 4 birds'),
    );
  });

  it('takes links, quoted strings and code identifiers', () => {
    const tokens = salientTokens(
      'Fetch https://example.com/a?b=1 and mail ops@example.org, call "reset all" on user_id via fs.readFile or getUser.',
    );
    expect(tokens).toEqual(
      expect.arrayContaining([
        'link:https://example.com/a?b=1',
        'link:ops@example.org',
        'quote:reset all',
        'code:user_id',
        'code:fs.readfile',
        'code:getuser',
      ]),
    );
  });

  it('takes capitalised words inside a sentence as names, not sentence starts', () => {
    expect(salientSignature('What is the capital of France?')).not.toBe(
      salientSignature('What is the capital of Peru?'),
    );
    expect(salientTokens('Which river is longest? Answer briefly.')).toEqual([]);
  });

  it('ignores wording, case and spacing that do not change the question', () => {
    expect(salientSignature('Please, what is the capital of  France? Thanks!')).toBe(
      salientSignature('What is the capital of France?'),
    );
    expect(salientSignature('Which is NOT a mammal?')).toBe(
      salientSignature("Which isn't a mammal?"),
    );
  });
});
