// Whether a link's landing page works: the verdict on a followed chain of redirects.

/** Redirects followed before giving up; a longer chain is reported broken. */
export const MAX_HOPS = 5;

/** The verdicts of a check. */
export const LINK_HEALTH_STATUSES = ['ok', 'broken', 'drops_click_id'] as const;
export type LinkHealthStatus = (typeof LINK_HEALTH_STATUSES)[number];

/** What a day's check of a link shows: its verdict, or `checking` while the check is under way. */
export const LINK_CHECK_STATUSES = [...LINK_HEALTH_STATUSES, 'checking'] as const;

/**
 * Whether `url` still carries `clickId` anywhere a landing page can read it back (a query
 * value, the path or the fragment), percent-decoded.
 * @example carriesClickId('https://shop.fr/p?sub=01J9ABC', '01J9ABC') // true
 */
export function carriesClickId(url: string, clickId: string): boolean {
  let decoded: string;
  try {
    decoded = decodeURIComponent(url);
  } catch {
    decoded = url;
  }
  return decoded.includes(clickId);
}

/** What the chain came to: the last status, the last URL, or an error (no answer, too many hops). */
export type ChainEnd = { statusCode: number | null; finalUrl: string; error: string | null };

/**
 * The verdict: broken when the chain ended without an answer or with a status that is not
 * 2xx; else `drops_click_id` when the landing URL lost the click id; else ok.
 * @example linkHealthOf({ statusCode: 200, finalUrl: 'https://shop.fr/', error: null }, 'C1') // 'drops_click_id'
 */
export function linkHealthOf(end: ChainEnd, clickId: string): LinkHealthStatus {
  if (end.error || end.statusCode === null || end.statusCode < 200 || end.statusCode >= 300) return 'broken';
  return carriesClickId(end.finalUrl, clickId) ? 'ok' : 'drops_click_id';
}

/**
 * The URL a redirect leads to, resolved against the URL that answered it; null when the
 * `Location` is missing or not a URL.
 * @example nextHopUrl('https://a.fr/x/y', '../z') // 'https://a.fr/z'
 */
export function nextHopUrl(from: string, location: string | null): string | null {
  if (!location) return null;
  try {
    return new URL(location, from).toString();
  } catch {
    return null;
  }
}
