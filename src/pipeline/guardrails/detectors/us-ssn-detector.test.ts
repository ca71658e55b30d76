import { describe, expect, it } from 'vitest';
import { scanValues } from '../scan-values.fixture.ts';

describe('usSsnDetector', () => {
  it.each([
    ['ssn 460-89-9847.', '460-89-9847'],
    ['spaced 123 45 6780', '123 45 6780'],
    ['area 8xx is valid: 853-37-1694', '853-37-1694'],
    ['my SSN is 460899847', '460899847'],
    ['social security no. 460.89.9847', '460.89.9847'],
  ])('finds the SSN in %j', (text, expected) => {
    expect(scanValues(text, 'us_ssn')).toEqual([expected]);
  });

  it.each([
    'area 000: 000-12-3456',
    'area 666: 666-12-3456',
    'area 9xx: 912-34-5678',
    'group 00: 123-00-4567',
    'serial 0000: 123-45-0000',
    'Woolworth 078-05-1120',
    'mixed delimiters 123-45 6789',
    'bare digits without context 460899847',
    'zip+4 94105-1234',
    'longer 1460-89-9847',
  ])('finds nothing in %j', (text) => {
    expect(scanValues(text, 'us_ssn')).toEqual([]);
  });
});
