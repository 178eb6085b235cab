// Deep links (`?url=` on a short link): accepted only inside the partner's own domains, so a tracked link is never an open redirect.
import { allowedDomainProblem } from './allowed-domains';

/** Longest deep link accepted; longer values are refused rather than truncated. */
export const MAX_DEEP_LINK_LENGTH = 4096;

// Browsers silently drop tabs, newlines and surrounding spaces and read `\` as `/`, so a value holding
// any of them could be understood differently by them than by us: such values are refused outright.
const UNSAFE_CHARACTERS = /[\p{Cc}\p{Cf}\p{Z}\\]/u;
// Only the literal two-slash form: `https:evil.com` and `https:/evil.com` parse, but only by lenient rules.
const HTTPS_PREFIX = /^https:\/\//i;
const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/;

/**
 * The deep link as a URL when it may be followed, else null.
 *
 * Accepted: an absolute `https:` URL, without user info or explicit non-default port, whose
 * host is one of `allowedDomains` or a subdomain of one (compared case-insensitively, after IDN
 * conversion, ignoring a trailing dot, which is removed from the answer). IP literals are
 * refused. Entries of `allowedDomains` that `allowedDomainProblem` refuses (public suffixes such
 * as `com` or `github.io`, local names) are ignored, so that one stored before that check existed
 * cannot open every site under it.
 * @example acceptDeepLink('https://www.autodoc.fr/p/123', ['autodoc.fr'])?.href // 'https://www.autodoc.fr/p/123'
 * @example acceptDeepLink('https://autodoc.fr.evil.com/', ['autodoc.fr']) // null
 */
export function acceptDeepLink(raw: string | null | undefined, allowedDomains: readonly string[]): URL | null {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > MAX_DEEP_LINK_LENGTH) return null;
  if (UNSAFE_CHARACTERS.test(raw) || !HTTPS_PREFIX.test(raw)) return null;
  // Even an empty user info (`https://@host`) is refused: parsers disagree on what precedes the host.
  if (/^https:\/\/[^/?#]*@/i.test(raw)) return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  // A non-default port reaches another service than the partner's site: refused.
  if (url.protocol !== 'https:' || url.username !== '' || url.password !== '' || url.port !== '') return null;
  const host = withoutTrailingDot(url.hostname);
  if (host === '' || host.startsWith('[') || IPV4.test(host)) return null;
  if (!allowedDomains.some((domain) => isWithin(host, normalizeDomain(domain)))) return null;
  if (host !== url.hostname) url.hostname = host;
  return url;
}

/** Whether `host` is `domain` or a subdomain of it (both already normalised). */
function isWithin(host: string, domain: string | null): boolean {
  return domain !== null && (host === domain || host.endsWith(`.${domain}`));
}

/** An allowed domain in the form URL parsing gives hostnames (lower case, punycode), or null when unusable. */
function normalizeDomain(domain: string): string | null {
  const trimmed = withoutTrailingDot(domain.trim());
  if (trimmed === '' || UNSAFE_CHARACTERS.test(trimmed) || /[/?#@:]/.test(trimmed)) return null;
  let host: string;
  try {
    host = new URL(`https://${trimmed}/`).hostname;
  } catch {
    return null;
  }
  if (host.startsWith('[') || IPV4.test(host) || allowedDomainProblem(host) !== null) return null;
  return host;
}

function withoutTrailingDot(host: string): string {
  return host.endsWith('.') ? host.slice(0, -1) : host;
}
