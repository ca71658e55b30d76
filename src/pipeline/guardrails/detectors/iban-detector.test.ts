import { describe, expect, it } from 'vitest';
import { scanValues } from '../scan-values.fixture.ts';
import { passesIbanChecksum } from './iban-country-lengths.ts';

describe('ibanDetector', () => {
  it.each([
    ['pay GB82 WEST 1234 5698 7654 32 and thanks', 'GB82 WEST 1234 5698 7654 32'],
    ['compact GB82WEST12345698765432.', 'GB82WEST12345698765432'],
    ['lower-case gb82west12345698765432', 'gb82west12345698765432'],
    ['DE89 3704 0044 0532 0130 00', 'DE89 3704 0044 0532 0130 00'],
    ['Norway NO9386011117947', 'NO9386011117947'],
  ])('finds the IBAN in %j', (text, expected) => {
    expect(scanValues(text, 'iban')).toEqual([expected]);
  });

  it.each([
    'bad check digits GB83 WEST 1234 5698 7654 32',
    'unknown country ZZ82WEST12345698765432',
    'wrong length GB82WEST1234569876543',
    'glued to a word GB82WEST12345698765432XYZ',
    'placeholder GB00 TEST 0000 0000 0000 00',
  ])('finds nothing in %j', (text) => {
    expect(scanValues(text, 'iban')).toEqual([]);
  });

  it('computes ISO 7064 mod 97-10', () => {
    expect(passesIbanChecksum('GB82WEST12345698765432')).toBe(true);
    expect(passesIbanChecksum('GB82WEST12345698765433')).toBe(false);
  });
});
