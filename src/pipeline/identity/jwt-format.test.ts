import { describe, expect, it } from 'vitest';
import { looksLikeJwt, maxJwtLength } from './jwt-format.ts';
import { mintVirtualKey } from './virtual-key-format.ts';

describe('looksLikeJwt', () => {
  it('tells compact JWTs from virtual keys', () => {
    expect(looksLikeJwt('eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1In0.c2lnbmF0dXJl')).toBe(true);
    expect(looksLikeJwt('eyJhbGciOiJub25lIn0.eyJzdWIiOiJ1In0.')).toBe(true);
    expect(looksLikeJwt(mintVirtualKey().text)).toBe(false);
  });

  it('rejects other shapes', () => {
    expect(looksLikeJwt('')).toBe(false);
    expect(looksLikeJwt('abc.def.ghi')).toBe(false);
    expect(looksLikeJwt('eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1In0')).toBe(false);
    expect(looksLikeJwt('eyJh.eyJz.c2ln.ZXh0.cmE')).toBe(false);
    expect(looksLikeJwt('eyJh bGc.eyJz.c2ln')).toBe(false);
    expect(looksLikeJwt(`eyJh.${'a'.repeat(maxJwtLength)}.c2ln`)).toBe(false);
  });
});
