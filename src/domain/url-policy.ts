// Which URLs Relais may send people or data to: https only, loopback http for local runs.

const PRIVATE_V4 = [
  /^10\./,
  /^127\./,
  /^169\.254\./,
  /^172\.(1[6-9]|2\d|3[01])\./,
  /^192\.168\./,
  /^0\./,
  /^100\.(6[4-9]|[7-9]\d|1[01]\d|12[0-7])\./,
];

export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h.endsWith('.localhost') || h === '::1' || /^127\./.test(h);
}

export function isIpLiteral(host: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(host) || host.startsWith('[');
}

export type UrlPolicy = { allowLoopbackHttp: boolean; forbidIpLiterals?: boolean };

/**
 * Why `raw` may not be used as an outbound URL, or null when it may.
 * Plain http is allowed only to a loopback host and only where `allowLoopbackHttp`
 * (local runs); IP literals, private and metadata ranges are refused for webhooks
 * (`forbidIpLiterals`) so a partner setting cannot reach inside the network.
 * @example urlProblem('http://example.com', { allowLoopbackHttp: false }) // 'must use https'
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
  if (url.protocol === 'http:') {
    if (!(loopback && policy.allowLoopbackHttp)) return 'must use https';
    return null;
  }
  if (url.protocol !== 'https:') return 'must use https';
  if (loopback && !policy.allowLoopbackHttp) return 'must not point to a loopback address';
  if (policy.forbidIpLiterals && isIpLiteral(url.hostname) && !(loopback && policy.allowLoopbackHttp)) {
    return 'must use a host name, not an IP address';
  }
  if (PRIVATE_V4.some((r) => r.test(url.hostname)) && !(loopback && policy.allowLoopbackHttp)) {
    return 'must not point to a private address';
  }
  return null;
}
