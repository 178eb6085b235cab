// Which URLs Relais may send people or data to: https to public hosts only, loopback http for local runs.
import { bareHost, isLoopbackName, localNameProblem } from './host-names';
import { parseIp } from './ip-allowlist';
import { isLoopbackAddress, isPublicAddress } from './ip-ranges';

/**
 * Whether `host` (as URL parsing gives it: IPv4 in dotted form whatever was typed, IPv6 in
 * brackets) is this machine: `localhost`, a subdomain of it, 127.0.0.0/8 or `[::1]`.
 * @example isLoopbackHost('[::1]') // true
 */
export function isLoopbackHost(host: string): boolean {
  const ip = parseIp(bareHost(host));
  return ip === null ? isLoopbackName(host) : isLoopbackAddress(ip);
}

export type UrlPolicy = { allowLoopbackHttp: boolean; forbidIpLiterals?: boolean };

/**
 * Why `raw` may not be used as an outbound URL, or null when it may.
 *
 * Destinations are followed by app users' browsers and webhooks by the Worker: either way a host
 * outside the public Internet would turn Relais against a private network (the user's router,
 * a cloud metadata service). So https only, and never to a private, loopback, link-local,
 * unique-local, multicast, reserved or documentation address (IPv4-mapped IPv6 included), nor to
 * a name that leads to one (`*.local`, `*.internal`, `localtest.me`, `10.0.0.1.nip.io`...).
 * Loopback (`localhost`, 127.0.0.0/8, `[::1]`), over http or https, is allowed where
 * `allowLoopbackHttp` (local runs) and only there. `forbidIpLiterals` refuses every IP literal
 * (webhooks). IPv4 typed in other forms (`2130706433`, `0x7f.1`) is judged as URL parsing reads it.
 * @example urlProblem('http://example.com', { allowLoopbackHttp: false }) // 'must use https'
 * @example urlProblem('https://[::ffff:10.0.0.1]/', { allowLoopbackHttp: false }) // 'must not point to a private or reserved address'
 */
export function urlProblem(raw: string, policy: UrlPolicy): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'must be an absolute URL';
  }
  if (url.username || url.password) return 'must not carry credentials';
  const loopback = isLoopbackHost(url.hostname);
  if (loopback && policy.allowLoopbackHttp)
    return url.protocol === 'http:' || url.protocol === 'https:' ? null : 'must use https';
  if (url.protocol !== 'https:') return 'must use https';
  if (loopback) return 'must not point to a loopback address';
  return hostProblem(bareHost(url.hostname), policy);
}

/** Why an https URL's host (not loopback, bare) is refused, or null. */
function hostProblem(host: string, policy: UrlPolicy): string | null {
  const ip = parseIp(host);
  if (ip === null) {
    const problem = localNameProblem(host);
    return problem === null ? null : `must not point to a host that ${problem}`;
  }
  if (policy.forbidIpLiterals) return 'must use a host name, not an IP address';
  return isPublicAddress(ip) ? null : 'must not point to a private or reserved address';
}
