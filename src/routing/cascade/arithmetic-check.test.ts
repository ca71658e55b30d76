import { describe, expect, it } from 'vitest';
import { checkArithmetic, evaluateArithmetic, readArithmetic } from './arithmetic-check.ts';

describe('evaluateArithmetic', () => {
  it.each([
    ['2 + 3 * 4', 14],
    ['(2 + 3) * 4', 20],
    ['80,000 + 50,000', 130000],
    ['8 x $5', 40],
    ['10 ÷ 4', 2.5],
    ['8 * 5 * 60%', 24],
    ['-3 + 5', 2],
  ])('%s = %d', (expression, value) => {
    expect(evaluateArithmetic(expression)).toBeCloseTo(value, 9);
  });

  it.each(['', 'two plus two', '2 +', '(2 + 3', '2 3', 'Math.max(1, 2)'])(
    'rejects %j',
    (expression) => {
      expect(evaluateArithmetic(expression)).toBeUndefined();
    },
  );
});

describe('readArithmetic', () => {
  it('accepts a correct GSM8K-style chain', () => {
    const text = [
      'She eats 3 for breakfast, so she has 16 - 3 = 13 eggs left.',
      'She uses 4 for baking, so she has 13 - 4 = 9 eggs left.',
      'She sells these 9 eggs for 9 * $2 = $<<9*2=18>>18.',
      '#### 18',
    ].join('\n');
    const reading = readArithmetic(text);
    expect(reading.wrong).toBe(0);
    expect(reading.steps.length).toBeGreaterThanOrEqual(4);
  });

  it('finds a wrong step in prose and in a calculator annotation', () => {
    expect(readArithmetic('So the total is 12 * 7 = 94 apples.').wrong).toBe(1);
    expect(readArithmetic('He pays <<3*14=40>>40 dollars.').wrong).toBe(1);
  });

  it('allows rounding as written and fractions as results', () => {
    expect(readArithmetic('Each gets 10 / 3 = 3.33 cookies.').wrong).toBe(0);
    expect(readArithmetic('Half of it: 2/2 * 1/2 = 1/2 bolt.').wrong).toBe(0);
    expect(readArithmetic('Each gets 10 / 3 = 3.5 cookies.').wrong).toBe(1);
  });

  it('checks chained steps against the value of the expression on the right', () => {
    const right = readArithmetic('Total: 22 + 4 x 12 = 22 + 48 = 70 apples.');
    expect(right.wrong).toBe(0);
    expect(right.steps.map((step) => step.claimed)).toEqual([70, 70]);
    expect(readArithmetic('Total: 22 + 4 x 12 = 22 + 40 = 62 apples.').wrong).toBe(1);
  });

  it('starts a new expression after a sentence end and ignores algebra', () => {
    expect(readArithmetic('It costs $5. 3 + 2 = 5 in total.').wrong).toBe(0);
    expect(readArithmetic('Let x = 5 and 2x + 3 = 13.').steps).toHaveLength(0);
  });
});

describe('checkArithmetic', () => {
  const answer = (text: string) => ({ question: 'q', text });
  it('skips answers without arithmetic', () => {
    expect(checkArithmetic(answer('Paris.'))).toMatchObject({ accepted: true, skipped: true });
  });
  it('rejects with the share of correct steps as confidence', () => {
    const verdict = checkArithmetic(answer('First 2 + 2 = 4. Then 4 * 3 = 13.'));
    expect(verdict.accepted).toBe(false);
    expect(verdict.confidence).toBeCloseTo(0.5, 9);
    expect(verdict.reason).toContain('4 * 3 is 12, not 13');
  });
});
