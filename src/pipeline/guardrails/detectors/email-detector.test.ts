import { describe, expect, it } from 'vitest';
import { scanValues } from '../scan-values.fixture.ts';

describe('emailDetector', () => {
  it.each([
    ['write to jane.doe+tag@example.co.uk today', 'jane.doe+tag@example.co.uk'],
    ['<UtaKortig@jourrapide.com>', 'UtaKortig@jourrapide.com'],
    ['end of sentence: ops@signalbox.dev.', 'ops@signalbox.dev'],
    ["quoted 'team@example.org'", 'team@example.org'],
    ['unicode josé@exämple.de', 'josé@exämple.de'],
  ])('finds the address in %j', (text, expected) => {
    expect(scanValues(text, 'email')).toEqual([expected]);
  });

  it.each([
    'mention @alice and @bob',
    'user@host has no top-level domain',
    'a@b',
    'double dot a..b@example.com',
    'leading .a@example.com? no: the dot is not part of it',
    'hyphen label x@-bad.com',
    'version pkg@1.2.3',
  ])('finds nothing that is not an address in %j', (text) => {
    const found = scanValues(text, 'email');
    if (text.startsWith('leading')) expect(found).toEqual(['a@example.com']);
    else expect(found).toEqual([]);
  });
});
