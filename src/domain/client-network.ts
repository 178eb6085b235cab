// The network a client address stands for when counting attempts: one IPv4 address, or the /64
// an IPv6 address belongs to, since one subscriber holds a whole /64 and can pick any address in it.
import { type Address, parseIp } from './ip-allowlist';
import { unmapped } from './ip-ranges';

const HALF = 64n;

/**
 * The key under which an address's attempts are counted: the IPv4 address itself (IPv4-mapped
 * IPv6 included), the /64 of an IPv6 address, or the text as given when it is not an address.
 * @example networkOf('2001:db8:1:2:aaaa::1') // '2001:db8:1:2::/64'
 * @example networkOf('203.0.113.7') // '203.0.113.7'
 */
export function networkOf(text: string): string {
  const parsed = parseIp(text.trim());
  if (parsed === null) return text;
  const ip: Address = unmapped(parsed);
  if (ip.version === 4) {
    const v = ip.value;
    return [24n, 16n, 8n, 0n].map((shift) => ((v >> shift) & 255n).toString()).join('.');
  }
  const prefix = ip.value >> HALF;
  const groups = [48n, 32n, 16n, 0n].map((shift) => ((prefix >> shift) & 0xffffn).toString(16));
  return `${groups.join(':')}::/64`;
}
