// Which IP addresses are hosts of the public Internet, after the IANA special-purpose address registries.
import { type Address, isInRange, parseIp } from './ip-allowlist';

// Not reachable on, or not meant for, the public Internet: this network, private (RFC 1918), shared
// carrier-grade NAT, loopback, link-local, IETF protocol assignments, the three documentation
// networks, the retired 6to4 relay, benchmarking, multicast, and the reserved 240/4 with broadcast.
const NON_PUBLIC_V4 = [
  '0.0.0.0/8',
  '10.0.0.0/8',
  '100.64.0.0/10',
  '127.0.0.0/8',
  '169.254.0.0/16',
  '172.16.0.0/12',
  '192.0.0.0/24',
  '192.0.2.0/24',
  '192.88.99.0/24',
  '192.168.0.0/16',
  '198.18.0.0/15',
  '198.51.100.0/24',
  '203.0.113.0/24',
  '224.0.0.0/4',
  '240.0.0.0/4',
];

// Only 2000::/3 is global unicast: everything outside it (unspecified, loopback, IPv4-compatible,
// NAT64, discard, unique-local fc00::/7, link-local fe80::/10, site-local, multicast ff00::/8) is
// refused by that alone. Inside it: IETF protocol assignments (Teredo among them), documentation
// (2001:db8::/32, 3fff::/20), the retired 6to4 (which embeds any IPv4 address) and SRv6 SIDs.
const GLOBAL_UNICAST_V6 = '2000::/3';
const NON_PUBLIC_V6 = ['2001::/23', '2001:db8::/32', '2002::/16', '3fff::/20', '5f00::/16'];
const IPV4_MAPPED = '::ffff:0:0/96';

/** The IPv4 address an IPv4-mapped IPv6 address (`::ffff:10.0.0.1`) stands for, else the address itself. */
export function unmapped(ip: Address): Address {
  return ip.version === 6 && isInRange(IPV4_MAPPED, ip) ? { version: 4, value: ip.value & 0xffffffffn } : ip;
}

/**
 * Whether `ip` belongs to the public Internet: false for private, loopback, link-local, unique-local,
 * multicast, reserved and documentation ranges, IPv4-mapped IPv6 addresses judged by their IPv4 address.
 * @example isPublicAddress(parseIp('93.184.216.34')!) // true
 * @example isPublicAddress(parseIp('::ffff:10.0.0.1')!) // false
 */
export function isPublicAddress(ip: Address): boolean {
  const address = unmapped(ip);
  if (address.version === 4) return !NON_PUBLIC_V4.some((range) => isInRange(range, address));
  return isInRange(GLOBAL_UNICAST_V6, address) && !NON_PUBLIC_V6.some((range) => isInRange(range, address));
}

/**
 * Whether `ip` is this machine itself: 127.0.0.0/8 or ::1 (an IPv4-mapped 127.x is not, on purpose:
 * local runs need only the plain forms, and everything else stays refused).
 * @example isLoopbackAddress(parseIp('127.0.0.1')!) // true
 */
export function isLoopbackAddress(ip: Address): boolean {
  return isInRange(ip.version === 4 ? '127.0.0.0/8' : '::1/128', ip);
}

/** Whether `text` is an IP address outside the public Internet (see `isPublicAddress`). */
export function isNonPublicIp(text: string): boolean {
  const ip = parseIp(text);
  return ip !== null && !isPublicAddress(ip);
}
