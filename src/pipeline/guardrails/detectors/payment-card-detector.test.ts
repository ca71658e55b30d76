import { describe, expect, it } from 'vitest';
import { scanValues } from '../scan-values.fixture.ts';
import { isPlausibleCardNumber } from './card-issuer-table.ts';
import { passesLuhn } from './luhn.ts';

describe('paymentCardDetector', () => {
  it.each([
    ['visa 4111 1111 1111 1111 expires', '4111 1111 1111 1111'],
    ['mc 5555-5555-5555-4444.', '5555-5555-5555-4444'],
    ['amex 3782 822463 10005', '3782 822463 10005'],
    ['bare 4012888888881881', '4012888888881881'],
    ['mastercard 2-series 2223003122003222', '2223003122003222'],
    ['diners 30569309025904', '30569309025904'],
  ])('finds the card in %j', (text, expected) => {
    expect(scanValues(text, 'payment_card')).toEqual([expected]);
  });

  it.each([
    'Luhn fails 4111 1111 1111 1112',
    'IMEI 490154203237518',
    'imei: 356938035643809',
    'no issuer 9111111111111111',
    'wrong length for Amex 3782822463100050',
    'mixed separators 4111-1111 1111-1111',
    'all zeros 0000 0000 0000 0000',
    'order 4532015112830366 shipped',
    'version 4111111111111111.2',
    'uuid 3f2b8c1e-9d4a-4e7b-8a21-5c6d7e8f9012',
  ])('finds nothing in %j', (text) => {
    expect(scanValues(text, 'payment_card')).toEqual([]);
  });

  it('checks Luhn and issuer tables', () => {
    expect(passesLuhn('79927398713')).toBe(true);
    expect(passesLuhn('79927398710')).toBe(false);
    expect(isPlausibleCardNumber('378282246310005')).toBe(true);
    expect(isPlausibleCardNumber('3782822463100050')).toBe(false);
    expect(isPlausibleCardNumber('6011111111111117')).toBe(true);
  });
});
