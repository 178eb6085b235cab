// The URLs a partner's or a link's settings may hold, checked before anything is stored.
import { urlProblem } from './url-policy';

/** One refused URL: where it is in the settings, and why. */
export type UrlIssue = { path: string[]; message: string };

type PartnerUrls = { webhookUrl?: string | null; websiteUrl?: string | null; trackingTemplate?: string | null };

type LinkUrls = {
  destination?: string;
  fallbackUrl?: string | null;
  rules?: { targets?: { destination: string }[]; variants?: { destination: string }[] };
};

/**
 * What is wrong with a partner's URLs; `local` (local runs) allows plain http to loopback hosts.
 * The webhook URL may not name an IP address: a partner setting must not reach inside the network.
 * @example partnerUrlIssues({ webhookUrl: 'http://x.fr/' }, false)
 * // [{ path: ['webhookUrl'], message: 'webhookUrl must use https.' }]
 */
export function partnerUrlIssues(urls: PartnerUrls, local: boolean): UrlIssue[] {
  const issues: UrlIssue[] = [];
  if (urls.webhookUrl) {
    const problem = urlProblem(urls.webhookUrl, { allowLoopbackHttp: local, forbidIpLiterals: true });
    if (problem) issues.push({ path: ['webhookUrl'], message: `webhookUrl ${problem}.` });
  }
  if (urls.websiteUrl) {
    const problem = urlProblem(urls.websiteUrl, { allowLoopbackHttp: local });
    if (problem) issues.push({ path: ['websiteUrl'], message: `websiteUrl ${problem}.` });
  }
  // A template holds macros (`{url}`), so it is not a URL yet: only its scheme can be checked.
  if (
    urls.trackingTemplate &&
    !/^https:\/\//.test(urls.trackingTemplate) &&
    !(local && /^http:\/\/(127\.|localhost)/.test(urls.trackingTemplate))
  ) {
    issues.push({ path: ['trackingTemplate'], message: 'trackingTemplate must be an https URL.' });
  }
  return issues;
}

/**
 * What is wrong with a link's destinations and fallback; `local` as for `partnerUrlIssues`.
 * @example linkUrlIssues({ rules: { variants: [{ destination: 'ftp://x.fr/' }] } }, false)
 * // [{ path: ['rules', 'variants', '0', 'destination'], message: 'rules.variants.0.destination must use https.' }]
 */
export function linkUrlIssues(urls: LinkUrls, local: boolean): UrlIssue[] {
  const policy = { allowLoopbackHttp: local };
  const issues: UrlIssue[] = [];
  const check = (path: string[], url: string | null | undefined) => {
    const problem = url ? urlProblem(url, policy) : null;
    if (problem) issues.push({ path, message: `${path.join('.')} ${problem}.` });
  };
  check(['destination'], urls.destination);
  check(['fallbackUrl'], urls.fallbackUrl);
  for (const [i, t] of (urls.rules?.targets ?? []).entries()) {
    check(['rules', 'targets', String(i), 'destination'], t.destination);
  }
  for (const [i, v] of (urls.rules?.variants ?? []).entries()) {
    check(['rules', 'variants', String(i), 'destination'], v.destination);
  }
  return issues;
}
