import { describe, expect, it } from 'vitest';
import { findTagProblem, isValidTeam, maxTagsPerKey, orderTags } from './key-labels.ts';

describe('isValidTeam', () => {
  it.each([
    ['payments', true],
    ['ml-platform_2', true],
    ['0team', true],
    ['a'.repeat(63), true],
    ['a'.repeat(64), false],
    ['', false],
    ['-payments', false],
    ['_payments', false],
    ['Payments', false],
    ['pay ments', false],
    ['pay.ments', false],
    ['team:eu', false],
    ["x'--", false],
  ])('%j is valid: %s', (team, expected) => {
    expect(isValidTeam(team)).toBe(expected);
  });
});

describe('findTagProblem', () => {
  it.each([
    [[], undefined],
    [['eu', 'region:eu-west', 'tier.gold', 'a_b', '0'], undefined],
    [['t'.repeat(63)], undefined],
    [['eu', 'EU'], 1],
    [[''], 0],
    [['.hidden'], 0],
    [[':eu'], 0],
    [['t'.repeat(64)], 0],
    [['eu west'], 0],
    [['eu', 'pii', 'eu'], 2],
  ])('%j: problem at %s', (tags, index) => {
    expect(findTagProblem(tags)?.index).toBe(index);
    expect(findTagProblem(tags) === undefined).toBe(index === undefined);
  });

  it('names the repeated tag', () => {
    expect(findTagProblem(['eu', 'eu'])?.message).toContain('"eu"');
  });

  it(`accepts ${String(maxTagsPerKey)} tags and refuses one more, as a whole list`, () => {
    const tags = Array.from({ length: maxTagsPerKey }, (_, index) => `tag-${String(index)}`);
    expect(findTagProblem(tags)).toBeUndefined();
    expect(findTagProblem([...tags, 'one-more'])).toEqual({
      index: undefined,
      message: `must hold at most ${String(maxTagsPerKey)} tags`,
    });
  });
});

describe('orderTags', () => {
  it('sorts by code unit without changing its input', () => {
    const given = ['pii', 'eu', 'region:eu', 'region-eu', 'a.b'];
    expect(orderTags(given)).toEqual(['a.b', 'eu', 'pii', 'region-eu', 'region:eu']);
    expect(given[0]).toBe('pii');
  });
});
