import { describe, expect, it } from 'vitest';
import { scanValues } from '../scan-values.fixture.ts';
import { classifyPhoneShape } from './phone-shape.ts';

describe('phoneDetector', () => {
  it.each([
    ['call +1-415-555-0100 now', '+1-415-555-0100'],
    ['E.164 +447700900123.', '+447700900123'],
    ['office +46 (0)8 928 571 38', '+46 (0)8 928 571 38'],
    ['US (415) 555-0100', '(415) 555-0100'],
    ['desk 415.555.0100 x204', '415.555.0100 x204'],
    ['UK 020 7946 0958', '020 7946 0958'],
    ['FR 06.12.34.56.78', '06.12.34.56.78'],
    ['my phone is 5550100123', '5550100123'],
    ['reach me on 555 0199', '555 0199'],
    ['555 3663 office', '555 3663'],
  ])('finds the number in %j', (text, expected) => {
    expect(scanValues(text, 'phone')).toEqual([expected]);
  });

  it.each([
    'on 2024-03-15 at 08:42:17',
    'due 03/15/2024',
    'version 10.0.19041.1288',
    'Chrome 122.0.6261.94',
    'order 415-555-0100 shipped',
    'SKU 4006381333931',
    'epoch 1710492137',
    'pages 123-145 and 200-210',
    'SSN-shaped 123-45-6789',
    'the IP 192.168.1.20',
    'part 555-0199-A',
    'uuid 3f2b8c1e-9d4a-4e7b-8a21-5c6d7e8f9012',
    'commit 836c708 and 5291c11',
    'lottery 04 15 23 42 08 16',
  ])('finds nothing in %j', (text) => {
    expect(scanValues(text, 'phone')).toEqual([]);
  });

  it.each([
    ['+1 415 555 0100', true, true],
    ['415-555-0100', true, true],
    ['5550100', true, false],
    ['2024-03-15', false, false],
    ['1.2.3.4', false, false],
    ['12345', false, false],
    ['1234567890123456', false, false],
  ])('classifies the shape of %j', (candidate, plausible, selfEvident) => {
    expect(classifyPhoneShape(candidate)).toEqual({ plausible, selfEvident });
  });
});
