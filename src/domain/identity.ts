// How a visitor is recognised without keeping who they are: keyed hashes only, never raw values.
import { keyedHash } from './hashing';

/**
 * Keyed hash of the app's user id (`uid` on a link, `customerId` on a postback): the same
 * person on two devices hashes the same, and the id itself is never stored.
 * @example await userHash(env.HASH_KEY, 'user-42')
 */
export function userHash(hashKey: string, userId: string): Promise<string> {
  return keyedHash(hashKey, 'user', userId.trim());
}

/** The UTC day (`YYYY-MM-DD`) whose salt a fingerprint taken at `atMs` uses. */
export const fingerprintDay = (atMs: number) => new Date(atMs).toISOString().slice(0, 10);

/** Prefix of a partner's pseudonym of a visitor id, so that it is never taken for the cookie value itself. */
export const VISITOR_PSEUDONYM_PREFIX = 'vp_';

/**
 * What a partner is shown instead of a visitor id: a keyed hash of the id under a purpose of the
 * partner's own, so that the same visitor reads the same for that partner every time, but two
 * partners get unrelated values and cannot join their data on it. Without `HASH_KEY` nobody,
 * partner included, can go back from it to the cookie.
 * @example await visitorPseudonym(env.HASH_KEY, 'ptn_01J...', '01JDQ7Z8V3K2M4N5P6Q7R8S9T0') // 'vp_x1Yz...'
 */
export async function visitorPseudonym(hashKey: string, partnerId: string, visitorId: string): Promise<string> {
  return VISITOR_PSEUDONYM_PREFIX + (await keyedHash(hashKey, `visitor:${partnerId}`, visitorId));
}

/**
 * Last-resort fingerprint of a browser: keyed hash of IP and user agent, salted with the UTC
 * day so that fingerprints of different days cannot be linked. The language is left out on
 * purpose: partners' servers report the buyer's IP and user agent, never their
 * Accept-Language, and a fingerprint must be computable on both sides to be matched.
 * @example await fingerprintOf(env.HASH_KEY, '203.0.113.9', 'Mozilla/5.0 ...', '2026-11-25')
 */
export function fingerprintOf(hashKey: string, ip: string, userAgent: string, day: string): Promise<string> {
  return keyedHash(hashKey, `fingerprint:${day}`, `${ip.trim().toLowerCase()}\n${userAgent.trim()}`);
}

/**
 * Whether the browser asks not to be tracked (`Sec-GPC: 1` or `DNT: 1`): like `consent=0` on the
 * link, no cookie is set or read, no fingerprint is taken and `uid` is ignored.
 */
export function optedOut(headers: Headers): boolean {
  return headers.get('sec-gpc') === '1' || headers.get('dnt') === '1';
}

/**
 * Whether a click may recognise its visitor (cookie, fingerprint, `uid`): never once refused
 * (`consent=0`, `Sec-GPC: 1`, `DNT: 1`, which win over anything else), and only on `consent=1`
 * where the link or its partner requires consent; otherwise yes.
 * @example isTrackingAllowed({ isConsentRefused: false, isConsentGiven: false }, true, new Headers()) // false
 */
export function isTrackingAllowed(
  consent: { isConsentRefused: boolean; isConsentGiven: boolean },
  requiresConsent: boolean,
  headers: Headers,
): boolean {
  if (consent.isConsentRefused || optedOut(headers)) return false;
  return !requiresConsent || consent.isConsentGiven;
}

/** Name of the first-party visitor cookie. */
export const VISITOR_COOKIE = 'rl_vid';

// Visitor ids are ULIDs minted by the redirect: anything else in the cookie is not ours.
const VISITOR_ID = new RegExp(`(?:^|;)\\s*${VISITOR_COOKIE}=([0-9A-HJKMNP-TV-Z]{26})\\s*(?:;|$)`);

/**
 * The visitor id of a `Cookie` header, when it holds one of ours.
 * @example visitorIdOf('theme=dark; rl_vid=01JDQ7Z8V3K2M4N5P6Q7R8S9T0') // '01JDQ7Z8V3K2M4N5P6Q7R8S9T0'
 */
export function visitorIdOf(cookieHeader: string | null | undefined): string | null {
  return cookieHeader ? (VISITOR_ID.exec(cookieHeader)?.[1] ?? null) : null;
}
