import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { loadPackage } from './load-package.ts';

describe('loadPackage', () => {
  it('returns the module Node loads for the name, the same object on every call', () => {
    const loaded = loadPackage('@smithy/util-utf8') as { toUtf8: (bytes: Uint8Array) => string };
    expect(loaded.toUtf8(new Uint8Array([0x68, 0x69]))).toBe('hi');
    expect(loadPackage('@smithy/util-utf8')).toBe(loaded);
    expect(createRequire(import.meta.url)('@smithy/util-utf8')).toBe(loaded);
  });

  it('throws as require does for a package that is not installed', () => {
    expect(() => loadPackage('signalbox-no-such-package')).toThrow(/Cannot find module/);
  });
});
