import { describe, expect, it } from 'vitest';
import {
  idfOf,
  LexicalIdfError,
  lexicalIdfFormat,
  loadLexicalIdf,
  parseLexicalIdf,
} from './lexical-idf-table.ts';

describe('lexical IDF table', () => {
  it('loads the shipped table', () => {
    const table = loadLexicalIdf();
    expect(table.slots).toHaveLength(2 ** table.hashBits);
    expect(table.documents).toBeGreaterThan(1000);
    expect(table.checksum).toMatch(/^[0-9a-f]{8}$/);
  });

  it('reads a slot from the top bits of a hash', () => {
    const slots = new Uint8Array(256);
    slots[255] = 32;
    const table = parseLexicalIdf({
      format: lexicalIdfFormat,
      hashBits: 8,
      scale: 16,
      documents: 10,
      slots: Buffer.from(slots).toString('base64'),
    });
    expect(idfOf(table, 0xff000000)).toBe(2);
    expect(idfOf(table, 0x00ffffff)).toBe(0);
  });

  it('rejects a wrong format, slot count or missing file', () => {
    expect(() => parseLexicalIdf({ format: 'other' })).toThrow(LexicalIdfError);
    expect(() =>
      parseLexicalIdf({
        format: lexicalIdfFormat,
        hashBits: 8,
        scale: 16,
        documents: 1,
        slots: 'AAAA',
      }),
    ).toThrow(/expected 256 slots/);
    expect(() => loadLexicalIdf('/nonexistent/idf.json')).toThrow(/cannot read/);
  });
});
