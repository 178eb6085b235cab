// Whether a client address is on a partner's allowlist of addresses and CIDR ranges (IPv4 and IPv6).

export type Address = { version: 4 | 6; value: bigint };

function parseV4(text: string): bigint | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  let value = 0n;
  for (const part of parts) {
    if (!/^[0-9]{1,3}$/.test(part) || Number(part) > 255) return null;
    value = (value << 8n) | BigInt(Number(part));
  }
  return value;
}

function parseV6(text: string): bigint | null {
  let head = text;
  let v4Tail: bigint | null = null;
  // An embedded IPv4 tail (::ffff:192.0.2.1) stands for the last two groups.
  const lastColon = text.lastIndexOf(':');
  if (text.includes('.') && lastColon >= 0) {
    v4Tail = parseV4(text.slice(lastColon + 1));
    if (v4Tail === null) return null;
    head = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const halves = head.split('::');
  if (halves.length > 2) return null;
  const groupsOf = (s: string) => (s === '' ? [] : s.split(':'));
  const left = groupsOf(halves[0] ?? '');
  const right = halves.length === 2 ? groupsOf(halves[1] ?? '') : [];
  const missing = 8 - left.length - right.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return null;
  const groups = [...left, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...right];
  let value = 0n;
  for (const g of groups) {
    if (!/^[0-9a-f]{1,4}$/i.test(g)) return null;
    value = (value << 16n) | BigInt(Number.parseInt(g, 16));
  }
  if (v4Tail !== null) value = (value & ~0xffffffffn) | v4Tail;
  return value;
}

/** An IPv4 or IPv6 address as a number, or null when `text` is not one. */
export function parseIp(text: string): Address | null {
  const t = text.trim();
  const v4 = parseV4(t);
  if (v4 !== null) return { version: 4, value: v4 };
  const v6 = t.includes(':') ? parseV6(t) : null;
  return v6 === null ? null : { version: 6, value: v6 };
}

/**
 * Whether `ip` equals the address `entry` or falls in its CIDR range; false when `entry` is not one.
 * @example isInRange('10.0.0.0/8', parseIp('10.1.2.3')!) // true
 */
export function isInRange(entry: string, ip: Address): boolean {
  const [base = '', bits] = entry.trim().split('/');
  const net = parseIp(base);
  if (!net || net.version !== ip.version) return false;
  const width = ip.version === 4 ? 32 : 128;
  const prefix = bits === undefined ? width : /^[0-9]{1,3}$/.test(bits) ? Number(bits) : -1;
  if (prefix < 0 || prefix > width) return false;
  const shift = BigInt(width - prefix);
  return net.value >> shift === ip.value >> shift;
}

/**
 * Whether `clientIp` is allowed: always when the list is empty, else when it equals an entry
 * or falls in one of its CIDR ranges. Entries that are not addresses match nothing.
 * @example isIpAllowed(['203.0.113.0/24', '2001:db8::1'], '203.0.113.9') // true
 */
export function isIpAllowed(allowlist: readonly string[], clientIp: string | null): boolean {
  if (allowlist.length === 0) return true;
  const ip = clientIp ? parseIp(clientIp) : null;
  if (!ip) return false;
  return allowlist.some((entry) => isInRange(entry, ip));
}
