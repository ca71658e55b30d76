import { describe, expect, it } from 'vitest';
import { scanValues } from '../scan-values.fixture.ts';
import { isIpv6 } from './ipv6-address.ts';

describe('ipAddressDetector', () => {
  it.each([
    ['from 192.168.1.20.', '192.168.1.20'],
    ['host 8.8.8.8:53', '8.8.8.8'],
    ['v6 2001:db8::8a2e:370:7334 seen', '2001:db8::8a2e:370:7334'],
    ['full 6e40:4041:c617:e898:c11:40d2:c669:2eb4', '6e40:4041:c617:e898:c11:40d2:c669:2eb4'],
    ['loopback ::1 only', '::1'],
    ['mapped ::ffff:192.0.2.128', '::ffff:192.0.2.128'],
  ])('finds the address in %j', (text, expected) => {
    expect(scanValues(text, 'ip_address')).toEqual([expected]);
  });

  it.each([
    'octet too big 256.1.1.1',
    'leading zero 01.2.3.4',
    'version 1.2.3.4',
    'build 10.0.19041.1288',
    'five parts 1.2.3.4.5',
    'time 12:30:45',
    'MAC 00:1A:2B:3C:4D:5E',
    'C++ std::vector and a::b::c',
    'two double colons 1::2::3',
  ])('finds nothing in %j', (text) => {
    expect(scanValues(text, 'ip_address')).toEqual([]);
  });

  it('parses IPv6 text forms', () => {
    expect(isIpv6('1:2:3:4:5:6:7:8')).toBe(true);
    expect(isIpv6('1:2:3:4:5:6:7')).toBe(false);
    expect(isIpv6('1::')).toBe(true);
    expect(isIpv6('12345::1')).toBe(false);
  });
});
