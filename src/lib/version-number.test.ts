import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readVersionNumber } from './version-number.ts';

describe('readVersionNumber', () => {
  it('reads positive safe integers and their one decimal spelling', () => {
    expect(readVersionNumber(3)).toBe(3);
    expect(readVersionNumber('3')).toBe(3);
    expect(readVersionNumber('120')).toBe(120);
    expect(readVersionNumber(Number.MAX_SAFE_INTEGER)).toBe(Number.MAX_SAFE_INTEGER);
    expect(readVersionNumber(String(Number.MAX_SAFE_INTEGER))).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('refuses every other spelling and value', () => {
    for (const value of [
      0,
      -1,
      1.5,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      Number.MAX_SAFE_INTEGER + 1,
      '0',
      '01',
      '007',
      '+1',
      '-1',
      ' 1',
      '1 ',
      '1e3',
      '0x10',
      '１',
      '',
      '9007199254740993',
      null,
      undefined,
      true,
      [1],
      { version: 1 },
    ]) {
      expect(readVersionNumber(value), JSON.stringify(value)).toBeUndefined();
    }
  });

  it('gives back the number its spelling came from', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), (version) => {
        expect(readVersionNumber(String(version))).toBe(version);
        expect(readVersionNumber(`0${String(version)}`)).toBeUndefined();
      }),
    );
  });
});
