// Which entries a partner's allowedDomains may hold: a domain one owner registered, or a subdomain of one.
import { parse } from 'tldts';
import { isLoopbackName, localNameProblem } from './host-names';

/**
 * Why `domain` (a host name in URL form: lower case, punycode) may not be an allowed domain, or null.
 *
 * An allowed domain opens deep links and browser events to every name under it, so it must lie
 * under a suffix of the Public Suffix List, ICANN and private sections alike, and not be one:
 * `co.uk`, `fr` or `github.io` would let anyone's site in. Local and loopback names are refused too.
 * @example allowedDomainProblem('www.autodoc.fr') // null
 * @example allowedDomainProblem('github.io') // 'is a public suffix: it would allow the sites of anyone under it'
 */
export function allowedDomainProblem(domain: string): string | null {
  if (isLoopbackName(domain)) return 'is a loopback name';
  const local = localNameProblem(domain);
  if (local !== null) return local;
  const parsed = parse(domain, { allowPrivateDomains: true, extractHostname: false });
  if (parsed.isIp) return 'is an IP address, not a domain';
  if (!parsed.isIcann && !parsed.isPrivate) return 'is not under a known top-level domain';
  if (parsed.domain === null) return 'is a public suffix: it would allow the sites of anyone under it';
  return null;
}
