import { validateHeaderValue } from 'node:http';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fuzzParameters } from '../../test/helpers/fuzz-settings.ts';
import { headerSafeText } from './header-safe-text.ts';

describe('headerSafeText', () => {
  it('keeps printable ASCII and percent-encodes everything else as UTF-8', () => {
    expect(headerSafeText('openai/gpt-4o rate-limit 429 12ms')).toBe(
      'openai/gpt-4o rate-limit 429 12ms',
    );
    expect(headerSafeText('m/中文')).toBe('m/%E4%B8%AD%E6%96%87');
    expect(headerSafeText('m/ü\n')).toBe('m/%C3%BC%0A');
    expect(headerSafeText('m/\ud800')).toBe('m/%EF%BF%BD');
    expect(headerSafeText('100%')).toBe('100%25');
  });

  it('always gives a value Node accepts in a header, and decodes back to well-formed input (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (text) => {
        const safe = headerSafeText(text);
        expect(() => validateHeaderValue('x-test', safe)).not.toThrow();
        if (text.isWellFormed()) expect(decodeURIComponent(safe)).toBe(text);
      }),
      fuzzParameters(500),
    );
  });
});
