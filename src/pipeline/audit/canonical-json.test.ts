import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical-json.ts';

describe('canonicalJson', () => {
  it('sorts keys by UTF-16 code units at every level and drops whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 0, y: 1 }], c: null }, A: true })).toBe(
      '{"A":true,"a":{"c":null,"d":[3,{"y":1,"z":0}]},"b":1}',
    );
    // U+20AC sorts after U+00E9 and before the astral U+1F600 (a surrogate pair, 0xD83D...).
    expect(canonicalJson({ '\u20ac': 1, '\u{1f600}': 2, é: 3 })).toBe('{"é":3,"€":1,"😀":2}');
  });

  it('writes numbers as ECMAScript does and keeps them numbers', () => {
    expect(canonicalJson([1, 1.5, -0, 1e21, 1e-7, 0.1, 123456789012])).toBe(
      '[1,1.5,0,1e+21,1e-7,0.1,123456789012]',
    );
    expect(canonicalJson({ n: '1.50' })).toBe('{"n":"1.50"}');
  });

  it('escapes strings like JSON.stringify', () => {
    expect(canonicalJson('a"\\\n\u0001\u2028')).toBe('"a\\"\\\\\\n\\u0001\u2028"');
  });

  it('is the same for the same value built in another order', () => {
    const left = { x: [1, 2], y: { q: 'r', p: 's' } };
    const right = { y: { p: 's', q: 'r' }, x: [1, 2] };
    expect(canonicalJson(left)).toBe(canonicalJson(right));
  });

  it.each([
    ['NaN', NaN],
    ['Infinity', Infinity],
    ['undefined', { a: undefined }],
    ['bigint', { a: 1n }],
    ['a function', { a: () => 1 }],
    ['a Date', { a: new Date(0) }],
    ['a Map', new Map()],
    ['a lone surrogate', '\ud800'],
    ['a lone surrogate key', { '\udc00': 1 }],
  ])('refuses %s', (_, value) => {
    expect(() => canonicalJson(value)).toThrow(TypeError);
  });

  it('refuses cycles but allows shared subtrees', () => {
    const shared = { a: 1 };
    expect(canonicalJson({ x: shared, y: shared })).toBe('{"x":{"a":1},"y":{"a":1}}');
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => canonicalJson(cyclic)).toThrow(TypeError);
  });
});
