import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Address, parseIp } from '../../src/domain/ip-allowlist';
import { isLoopbackAddress, isPublicAddress, unmapped } from '../../src/domain/ip-ranges';
import {
  addressIn,
  dottedV4,
  fullV6,
  NON_PUBLIC_V4,
  NON_PUBLIC_V6,
  PUBLIC_V4,
  PUBLIC_V6,
  ranges,
} from './fixtures/address-ranges';

const ip = (text: string): Address => {
  const parsed = parseIp(text);
  if (!parsed) throw new Error(`not an address: ${text}`);
  return parsed;
};

/** An address of one of the ranges, written as text (IPv4 dotted, IPv6 in full or mapped), with its expected verdict. */
const addressOf = (cidrs: string[], isPublic: boolean, mapped = false) =>
  fc.constantFrom(...ranges(cidrs, isPublic)).chain(({ cidr }) =>
    addressIn(cidr).map((n) => ({
      text: cidr.includes(':') ? fullV6(n) : mapped ? `::ffff:${dottedV4(n)}` : dottedV4(n),
      isPublic,
    })),
  );

describe('isPublicAddress', () => {
  it('is false for every IPv4 address of a private, loopback, link-local, multicast, reserved or documentation range', () => {
    fc.assert(
      fc.property(addressOf(NON_PUBLIC_V4, false), ({ text }) => {
        expect(isPublicAddress(ip(text)), text).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });

  it('is false for every IPv6 address outside global unicast or in its special ranges (fc00::/7, fe80::/10...)', () => {
    fc.assert(
      fc.property(addressOf(NON_PUBLIC_V6, false), ({ text }) => {
        expect(isPublicAddress(ip(text)), text).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });

  it('judges an IPv4-mapped IPv6 address (::ffff:0:0/96) by its IPv4 address', () => {
    const mapped = fc.oneof(addressOf(NON_PUBLIC_V4, false, true), addressOf(PUBLIC_V4, true, true));
    fc.assert(
      fc.property(mapped, ({ text, isPublic }) => {
        expect(isPublicAddress(ip(text)), text).toBe(isPublic);
      }),
      { numRuns: 2000 },
    );
  });

  it('is true for every address of public IPv4 and IPv6 networks, next to the special ranges', () => {
    fc.assert(
      fc.property(fc.oneof(addressOf(PUBLIC_V4, true), addressOf(PUBLIC_V6, true)), ({ text }) => {
        expect(isPublicAddress(ip(text)), text).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it.each([
    ['255.255.255.255', false],
    ['0.0.0.0', false],
    ['224.0.0.251', false],
    ['239.255.255.250', false],
    ['198.19.255.255', false],
    ['198.20.0.0', true],
    ['192.0.0.170', false],
    ['::', false],
    ['::1', false],
    ['::ffff:7f00:1', false],
    ['64:ff9b::a00:1', false],
    ['64:ff9b::808:808', false],
    ['2001:db8::1', false],
    ['2002:a00:1::', false],
    ['ff02::1', false],
    ['2606:4700:4700::1111', true],
    ['::ffff:8.8.8.8', true],
  ])('%s: %s', (text, expected) => {
    expect(isPublicAddress(ip(text))).toBe(expected);
  });
});

describe('isLoopbackAddress', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.255.0.9', true],
    ['::1', true],
    ['::ffff:127.0.0.1', false],
    ['128.0.0.1', false],
    ['::', false],
    ['0.0.0.0', false],
  ])('%s: %s', (text, expected) => {
    expect(isLoopbackAddress(ip(text))).toBe(expected);
  });
});

describe('unmapped', () => {
  it('reads the IPv4 address inside an IPv4-mapped IPv6 address, and leaves others alone', () => {
    expect(unmapped(ip('::ffff:10.0.0.1'))).toEqual(ip('10.0.0.1'));
    expect(unmapped(ip('::ffff:a00:1'))).toEqual(ip('10.0.0.1'));
    expect(unmapped(ip('64:ff9b::a00:1'))).toEqual(ip('64:ff9b::a00:1'));
    expect(unmapped(ip('10.0.0.1'))).toEqual(ip('10.0.0.1'));
  });
});
