// Host names that lead to this machine or a local network whatever DNS says about them.
import { type Address, parseIp } from './ip-allowlist';
import { isPublicAddress } from './ip-ranges';

// Special-use names (RFC 6761, 6762, 8375, ICANN's `.internal`) and the common `/etc/hosts` domain.
const LOCAL_NAMES = ['local', 'internal', 'home.arpa', 'localdomain'];
// Public domains whose every name resolves to 127.0.0.1, published for local development.
const LOOPBACK_DOMAINS = ['localtest.me', 'lvh.me', 'vcap.me', 'lacolhost.com', 'localhost.direct'];
// Wildcard DNS services: the name spells the address it resolves to (`10.0.0.1.nip.io`,
// `app-10-0-0-1.nip.io`, `0a000001.nip.io`, `fe80--1.sslip.io`).
const ADDRESS_DOMAINS = ['nip.io', 'sslip.io', 'traefik.me'];

/** `host` in lower case without a trailing dot or IPv6 brackets: `LocalHost.` and `localhost` are one name. */
export function bareHost(host: string): string {
  return host
    .toLowerCase()
    .replace(/\.$/, '')
    .replace(/^\[(.*)\]$/, '$1');
}

/** Whether `host` is `domain` or one of its subdomains (both bare). */
export function isUnder(host: string, domain: string): boolean {
  return host === domain || host.endsWith(`.${domain}`);
}

/**
 * Whether `host` names this machine: `localhost` and its subdomains (RFC 6761), trailing dot or not.
 * @example isLoopbackName('api.localhost.') // true
 */
export function isLoopbackName(host: string): boolean {
  return isUnder(bareHost(host), 'localhost');
}

/**
 * The addresses a wildcard-DNS name may stand for, read in each spelling these services accept:
 * dotted or dashed IPv4 and eight hex digits, each with or without a leading name, and sslip.io's
 * dashed IPv6 as a label of its own (`2606-4700--1111`).
 * @example addressesSpelledBy('app.10.0.0.1') // [10.0.0.1]
 */
export function addressesSpelledBy(labels: string): Address[] {
  const parts = labels.split('.');
  const last = parts.at(-1) ?? '';
  const dashes = last.split('-');
  const hex = /(?:^|-)([0-9a-f]{8})$/.exec(last)?.[1];
  const candidates = [
    parts.slice(-4).join('.'),
    dashes.slice(-4).join('.'),
    hex ? [0, 2, 4, 6].map((i) => Number.parseInt(hex.slice(i, i + 2), 16)).join('.') : '',
    last.replaceAll('-', ':'),
  ];
  return candidates.flatMap((text) => {
    const ip = text ? parseIp(text) : null;
    return ip ? [ip] : [];
  });
}

/**
 * Why `host` may not be the host of an outbound URL, or null: a local or special-use name, a domain
 * that always resolves to loopback, or a wildcard-DNS name that does not spell a public address.
 * `localhost` itself is left to the caller, which may allow it in local runs.
 * @example localNameProblem('app.lvh.me') // 'resolves to a loopback address'
 * @example localNameProblem('www.autodoc.fr') // null
 */
export function localNameProblem(host: string): string | null {
  const name = bareHost(host);
  if (LOCAL_NAMES.some((d) => isUnder(name, d))) return 'is a local network name';
  if (LOOPBACK_DOMAINS.some((d) => isUnder(name, d))) return 'resolves to a loopback address';
  const service = ADDRESS_DOMAINS.find((d) => isUnder(name, d));
  if (service !== undefined) {
    const spelled = addressesSpelledBy(name.slice(0, -(service.length + 1)));
    // Names that spell no address resolve to the service itself: refused too, nobody needs them.
    if (spelled.length === 0 || !spelled.every(isPublicAddress)) return 'resolves to a private or reserved address';
  }
  return null;
}
