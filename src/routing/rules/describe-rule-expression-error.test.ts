import { Environment, EvaluationError } from '@marcbachmann/cel-js';
import { describe, expect, it } from 'vitest';
import { describePosition, describeRuleExpressionError } from './describe-rule-expression-error.ts';

describe('describeRuleExpressionError', () => {
  it('condenses the library message with its caret excerpt to one line', () => {
    const environment = new Environment().registerVariable('count', 'int');
    const text = 'count +\n  "a" > 1';
    const checked = environment.check(text);
    expect(checked.valid).toBe(false);
    expect(checked.error?.message).toContain('\n');
    expect(describeRuleExpressionError(checked.error, text)).toBe(
      'no such overload: int + string at line 1, column 1',
    );
  });

  it('says where, as line and column, when the text has several lines', () => {
    const text = 'true &&\n  nope';
    const checked = new Environment().check(text);
    expect(describeRuleExpressionError(checked.error, text)).toBe(
      'unknown variable "nope" at line 2, column 3',
    );
  });

  it('keeps errors without a position short too', () => {
    expect(describeRuleExpressionError(new EvaluationError('boom'), 'x')).toBe('boom');
    expect(
      describeRuleExpressionError(new RangeError('too deep\n    at frame (a.js:1:1)'), 'x'),
    ).toBe('too deep');
    expect(describeRuleExpressionError(new Error(''), 'x')).toBe('Error');
    expect(describeRuleExpressionError('thrown text', 'x')).toBe('unexpected error');
  });

  it('removes control characters and cuts long messages', () => {
    const message = describeRuleExpressionError(new Error(`bad\u0007 ${'x'.repeat(500)}`), 'x');
    expect(message).toMatch(/^bad x+…$/);
    expect(message).toHaveLength(200);
  });
});

describe('describePosition', () => {
  it.each([
    ['request.nope', 8, 'at column 9'],
    ['abc', 0, 'at column 1'],
    ['a\nbc\ndef', 6, 'at line 3, column 2'],
    ['a\nb', 1, 'at line 1, column 2'],
    ['abc', -4, 'at column 1'],
  ])('%j offset %i is %s', (text, offset, expected) => {
    expect(describePosition(text, offset)).toBe(expected);
  });
});
