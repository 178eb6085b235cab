// Counting attempts per network: an IPv6 subscriber's whole /64 is one client.
import { describe, expect, it } from 'vitest';
import { networkOf } from '../../src/domain/client-network';

describe('networkOf', () => {
  it('counts every address of an IPv6 /64 as one, however it is written', () => {
    expect(networkOf('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(networkOf('2001:0db8:0001:0002:ffff:ffff:ffff:fffe')).toBe('2001:db8:1:2::/64');
    expect(networkOf('2001:db8:1:3::1')).toBe('2001:db8:1:3::/64');
  });

  it('keeps an IPv4 address whole, mapped into IPv6 or not', () => {
    expect(networkOf('203.0.113.7')).toBe('203.0.113.7');
    expect(networkOf('::ffff:203.0.113.7')).toBe('203.0.113.7');
  });

  it('keeps what is not an address as it came', () => {
    expect(networkOf('')).toBe('');
    expect(networkOf('unknown')).toBe('unknown');
  });
});
