import { describe, expect, it } from 'vitest';
import { compileOperatorClasses } from './operator-classes.ts';
import { compileSafePattern } from './safe-pattern.ts';
import { scanText } from './scan-text.ts';

describe('compileSafePattern', () => {
  it.each([
    'EMP-\\d{6}',
    '[A-Z]{3}-\\d+',
    'project (?:falcon|heron)',
    '(?<code>ab)c+',
    '\\p{Lu}{2}\\d{4}',
  ])('accepts %j', (source) => {
    expect(compileSafePattern(source).ok).toBe(true);
  });

  it.each([
    ['(a+)+$', 'quantifier'],
    ['(a|aa)*b', 'quantifier'],
    ['((ab)*c)+', 'quantifier'],
    ['(\\w)\\1', 'backreference'],
    ['(?<x>a)\\k<x>', 'backreference'],
    ['a(?=b)', 'look-around'],
    ['(?<!a)b', 'look-around'],
    ['a{1,5000}', 'repetition'],
    ['(ab', 'parentheses'],
    ['a*', 'empty string'],
  ])('refuses %j', (source, reason) => {
    const result = compileSafePattern(source);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toContain(reason);
  });
});

describe('compileOperatorClasses', () => {
  it('builds pattern and word-list detectors used by scanText', () => {
    const compiled = compileOperatorClasses(
      [{ id: 'employee_id', pattern: 'EMP-\\d{6}' }],
      [{ id: 'codename', words: ['Falcon', 'blue heron'] }],
    );
    expect(compiled.ok).toBe(true);
    if (!compiled.ok) return;
    const text = 'EMP-123456 on project FALCON and Blue  Heron, not falconry or heron alone.';
    const { findings } = scanText(text, {
      classes: [],
      operatorClasses: compiled.detectors,
      timeBudgetMs: 5000,
    });
    expect(
      findings.map((finding) => [finding.type, text.slice(finding.start, finding.end)]),
    ).toEqual([
      ['employee_id', 'EMP-123456'],
      ['codename', 'FALCON'],
      ['codename', 'Blue  Heron'],
    ]);
  });

  it('refuses the set when a pattern is unsafe, naming the class but no text', () => {
    const compiled = compileOperatorClasses([{ id: 'bad', pattern: '(a+)+' }], []);
    expect(compiled).toEqual({
      ok: false,
      problems: [expect.stringContaining('class "bad" refused')],
    });
  });

  it('matches word lists in linear time on a large input', () => {
    const compiled = compileOperatorClasses([], [{ id: 'w', words: ['needle', 'two words here'] }]);
    if (!compiled.ok) throw new Error('unexpected');
    const text = 'two words '.repeat(100_000);
    const started = performance.now();
    scanText(text, { classes: [], operatorClasses: compiled.detectors, timeBudgetMs: 10_000 });
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
