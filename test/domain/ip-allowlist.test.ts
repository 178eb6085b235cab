import { describe, expect, it } from 'vitest';
import { isIpAllowed, parseIp } from '../../src/domain/ip-allowlist';

describe('isIpAllowed', () => {
  it.each([
    [[], '203.0.113.9', true],
    [[], null, true],
    [['203.0.113.9'], '203.0.113.9', true],
    [['203.0.113.9'], '203.0.113.90', false],
    [['203.0.113.0/24'], '203.0.113.255', true],
    [['203.0.113.0/24'], '203.0.114.0', false],
    [['10.0.0.0/8', '192.168.1.1'], '10.200.3.4', true],
    [['0.0.0.0/0'], '8.8.8.8', true],
    [['203.0.113.9/32'], '203.0.113.9', true],
    [['2001:db8::/32'], '2001:db8:ffff::1', true],
    [['2001:db8::/32'], '2001:db9::1', false],
    [['2001:db8::1'], '2001:0db8:0000:0000:0000:0000:0000:0001', true],
    [['::ffff:192.0.2.0/120'], '::ffff:192.0.2.77', true],
    [['203.0.113.9'], '::ffff:203.0.113.9', false],
    [['203.0.113.0/24'], null, false],
    [['not an address', '203.0.113.0/33'], '203.0.113.1', false],
    [['203.0.113.1'], 'garbage', false],
  ])('%j allows %s: %s', (list, ip, expected) => {
    expect(isIpAllowed(list as string[], ip)).toBe(expected);
  });
});

describe('parseIp', () => {
  it.each(['256.1.1.1', '1.2.3', '1.2.3.4.5', '01.2.3.4x', '1::2::3', '12345::1', ':::'])('refuses %s', (text) => {
    expect(parseIp(text)).toBeNull();
  });

  it('reads the compressed and full IPv6 forms alike', () => {
    expect(parseIp('::1')).toEqual(parseIp('0:0:0:0:0:0:0:1'));
    expect(parseIp('fe80::')).toEqual({ version: 6, value: 0xfe80n << 112n });
  });
});
