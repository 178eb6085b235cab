// In-isolate cache of links and referral codes for the redirect: a warm slug is answered without touching D1.
//
// Why an isolate-local Map: it costs nothing to read (no I/O at all), and D1 stays the
// single source of truth. The price is staleness, bounded by LINK_CACHE_TTL_MS: an API
// change is served at once by the isolate that made it (it invalidates its own entry)
// and by every other isolate within the TTL, because an entry older than the TTL is never
// served: it is reloaded first. To keep hot links from paying that reload on the response
// path, a request that finds an entry in the last REFRESH_AHEAD_MS of its life reloads it in
// the background (the entry is still within its TTL, so the bound holds).
// Unknown slugs are cached too (briefly) so a scan of random slugs cannot become a stream
// of D1 queries.
import type { Db } from '../db/client';
import { findReferralCode } from '../db/codes';
import { findLinkForRedirect, getLink, newestLinkOfPartner } from '../db/links';
import { getPartner } from '../db/partners';
import type { Link, Partner } from '../db/schema';
import { buildDestination, DEFAULT_UTM, settingsInput } from '../domain/destination';
import { newUlid } from '../domain/ids';
import { type LinkRules, needsDevice } from '../domain/targeting';
import { BoundedMap } from '../lib/bounded-map';
import { LATE, waitShared } from '../lib/cross-request';

/** Longest time a change made through the API takes to reach every isolate. */
export const LINK_CACHE_TTL_MS = 10_000;
const REFRESH_AHEAD_MS = 2_000;
const NEGATIVE_TTL_MS = 2_000;
/** Longest wait for another request's load of the same link before reading D1 oneself. */
export const JOIN_WAIT_MS = 1_000;
// Memory bound: an entry is a link row, its partner's redirect settings and a few
// precomputed strings, about 1-3 KB (rules with many targets are the large ones). 10,000
// entries stay well under 50 MB of the isolate's 128 MB; past that the oldest entry goes
// first. A link that falls out is simply read from D1 again.
const MAX_ENTRIES = 10_000;
const DAY_S = 86_400;
const DEFAULT_COOKIE_DAYS = 30;

/** What the redirect needs of a partner, flattened once when loaded. */
export type RedirectPartner = {
  id: string;
  slug: string;
  /** False once the partnership is over (`ended`) or the partner deleted: its links act as disabled. */
  isLive: boolean;
  allowedDomains: string[];
  clickIdParam: string;
  affiliateParams: Record<string, string>;
  trackingTemplate: string | null;
  websiteUrl: string | null;
  /** Attributes of the visitor cookie after its value, `Max-Age` from the partner's cookie days. */
  cookieAttributes: string;
  /** Whether the partner's links track a visitor only on `consent=1`. */
  requiresConsent: boolean;
};

/** What the redirect needs of a link and its partner, flattened once when loaded. */
export type CachedLink = {
  link: Link;
  partner: RedirectPartner;
  /** Expiry as a number, so the hot path compares numbers. */
  expiresAtMs: number | null;
  /** Whether the link or its partner requires `consent=1` to recognise the visitor: read from the cached rows, no query per click. */
  requiresConsent: boolean;
  /** The link's targeting and A/B rules, null when it has none (the common case). */
  rules: LinkRules | null;
  needsDevice: boolean;
  needsOs: boolean;
  needsLanguage: boolean;
  /** UTM values in force (what `buildDestination` puts on the URL), for the click record. */
  utm: { source: string; medium: string; campaign: string };
  /** Whether the visitor's sub-ids or country change the URL (the partner template uses them). */
  templateUsesRequest: boolean;
  /** Destination URLs split around the click id, per base destination; see `destinationParts`. */
  parts: Map<string, string[] | null>;
};

type Entry<T> = { value: T | null; freshUntil: number; refreshing: boolean };

const links = new BoundedMap<string, Entry<CachedLink>>(MAX_ENTRIES);
const loadingLinks = new Map<string, Promise<CachedLink | null>>();
let d1Reads = 0;
// Bumped by every invalidation: a load that started before one may hold the old row, so it
// answers its own request but is not kept.
let epoch = 0;

/** The partner's settings as the redirect uses them. */
export function redirectPartnerOf(partner: Partner): RedirectPartner {
  const days = partner.cookieDays > 0 ? partner.cookieDays : DEFAULT_COOKIE_DAYS;
  return {
    id: partner.id,
    slug: partner.slug,
    isLive: partner.deletedAt === null && partner.status !== 'ended',
    allowedDomains: partner.allowedDomains ?? [],
    clickIdParam: partner.clickIdParam || 'click_id',
    affiliateParams: partner.affiliateParams ?? {},
    trackingTemplate: partner.trackingTemplate?.trim() || null,
    websiteUrl: partner.websiteUrl,
    cookieAttributes: `; Max-Age=${days * DAY_S}; Path=/; HttpOnly; Secure; SameSite=Lax`,
    requiresConsent: partner.requiresConsent,
  };
}

function cachedLinkOf(link: Link, partner: Partner): CachedLink {
  const rules = link.rules as LinkRules | null;
  const hasRules = Boolean(rules && ((rules.targets?.length ?? 0) > 0 || (rules.variants?.length ?? 0) > 0));
  const targets = (hasRules && rules?.targets) || [];
  const p = redirectPartnerOf(partner);
  const pick = (field: 'source' | 'medium' | 'campaign', fallback: string) =>
    link.utm?.[field] || link.params?.[`utm_${field}`] || fallback;
  return {
    link,
    partner: p,
    expiresAtMs: link.expiresAt?.getTime() ?? null,
    requiresConsent: link.requiresConsent || p.requiresConsent,
    rules: hasRules ? rules : null,
    needsDevice: hasRules && rules !== null && needsDevice(rules),
    needsOs: targets.some((t) => (t.os?.length ?? 0) > 0),
    needsLanguage: targets.some((t) => (t.languages?.length ?? 0) > 0),
    utm: {
      source: pick('source', DEFAULT_UTM.source),
      medium: pick('medium', DEFAULT_UTM.medium),
      campaign: pick('campaign', link.slug),
    },
    templateUsesRequest: p.trackingTemplate !== null && /\{(?:sub[1-5]|country)\}/i.test(p.trackingTemplate),
    parts: new Map(),
  };
}

function put<T>(map: Map<string, Entry<T>>, key: string, value: T | null, nowMs: number): void {
  map.set(key, { value, freshUntil: nowMs + (value ? LINK_CACHE_TTL_MS : NEGATIVE_TTL_MS), refreshing: false });
}

/**
 * The link of `slug` from D1. Concurrent requests for a slug share one query: a cold or expired
 * hot link would otherwise send every request in flight to D1 at once.
 */
function loadLink(db: Db, slug: string): Promise<CachedLink | null> {
  const pending = loadingLinks.get(slug);
  return pending ? joinLoad(pending, () => startLoad(db, slug)) : startLoad(db, slug);
}

function startLoad(db: Db, slug: string): Promise<CachedLink | null> {
  d1Reads++;
  const startEpoch = epoch;
  const pending: Promise<CachedLink | null> = findLinkForRedirect(db, slug)
    .then((row) => {
      const value = row ? cachedLinkOf(row.link, row.partner) : null;
      if (startEpoch === epoch) put(links, slug, value, Date.now());
      return value;
    })
    .finally(() => {
      if (loadingLinks.get(slug) === pending) loadingLinks.delete(slug);
    });
  loadingLinks.set(slug, pending);
  return pending;
}

/**
 * Waits for another request's load of the same link, with a timer of this request's own beside
 * it (see lib/cross-request.ts): under load, with D1 in another process, requests that joined a
 * load were otherwise cancelled as hung every time a hot link expired. Should the load outlast
 * the timer, this request reads D1 itself.
 */
function joinLoad(
  pending: Promise<CachedLink | null>,
  ownLoad: () => Promise<CachedLink | null>,
): Promise<CachedLink | null> {
  return waitShared(pending, JOIN_WAIT_MS).then((value) => (value === LATE ? ownLoad() : value));
}

/**
 * The link of `slug`, from the isolate cache when fresh, else from D1 (one query, shared
 * by concurrent requests for the same slug). A fresh entry near the end of its life is
 * reloaded in the background, kept alive by `waitUntil`.
 * @example const hit = resolveLink(db, 'autodoc-freins', Date.now(), ctx);
 */
export function resolveLink(
  db: Db,
  slug: string,
  nowMs: number,
  ctx?: { waitUntil(p: Promise<unknown>): void },
): CachedLink | null | Promise<CachedLink | null> {
  const entry = links.get(slug);
  if (entry && entry.freshUntil > nowMs) {
    if (ctx && entry.value !== null && !entry.refreshing && entry.freshUntil - nowMs < REFRESH_AHEAD_MS) {
      entry.refreshing = true;
      ctx.waitUntil(
        loadLink(db, slug).catch(() => {
          entry.refreshing = false;
        }),
      );
    }
    return entry.value;
  }
  return loadLink(db, slug);
}

/** Forgets `slug` in this isolate, so that the next redirect reads D1 again. */
export function invalidateLink(slug: string): void {
  epoch++;
  links.delete(slug);
  // A load already under way may have read the row before the change: it must not be reused.
  loadingLinks.delete(slug);
  referrals.clear();
}

/**
 * Forgets in this isolate every link of a partner whose settings changed (status, template,
 * parameters, domains): the next redirect of each reads D1 again.
 */
export function invalidatePartnerLinks(partnerId: string): void {
  epoch++;
  for (const [slug, entry] of links) if (entry.value?.partner.id === partnerId) links.delete(slug);
  loadingLinks.clear();
  referrals.clear();
}

/** How many times the cache went to D1 since the isolate started (read by tests and the bench). */
export function linkCacheStats() {
  return { d1Reads, size: links.size, referrals: referrals.size };
}

/** Empties the cache (tests). */
export function clearLinkCache(): void {
  epoch++;
  links.clear();
  loadingLinks.clear();
  referrals.clear();
}

// Drawn on first use: random values may not be generated while a Worker's global scope runs.
let sentinels: [string, string] | undefined;

/**
 * The URL `buildDestination` makes for this link and `base` with no visitor parameters,
 * split around the click id, so that a click costs one string join instead of URL parsing
 * and serialising. Null when the click id does not come out verbatim (the template puts it
 * somewhere URL parsing rewrites, such as a host name): then every click builds in full.
 * Two different stand-in ids must give the same pieces, which proves that the id is only
 * copied, never transformed.
 */
export function destinationParts(hit: CachedLink, base: string): string[] | null {
  let parts = hit.parts.get(base);
  if (parts !== undefined) return parts;
  const build = (clickId: string) =>
    buildDestination({ ...settingsInput(hit.link, hit.partner), destination: base, clickId });
  try {
    sentinels ??= [newUlid(0), newUlid(0)];
    const [a, b] = sentinels;
    const split = build(a).split(a);
    parts = split.length >= 2 && split.join(b) === build(b) ? split : null;
  } catch {
    parts = null;
  }
  // Bounded by the link's own destinations: its own, its targets' and its variants'.
  hit.parts.set(base, parts);
  return parts;
}

/** Where a referral code sends people: a link of its partner, or the partner's website. */
export type ReferralTarget = {
  code: string;
  partnerId: string;
  /** The slug of the link used, resolved through the link cache at each click. */
  linkSlug: string | null;
  /** The partner's website as a link of its own (no link id), when the partner has no active link. */
  direct: CachedLink | null;
};

/** A link-shaped view of a partner's website, so that it redirects like any link. */
function websiteLinkOf(partner: Partner, websiteUrl: string): CachedLink {
  const link: Link = {
    id: '',
    slug: 'referral',
    partnerId: partner.id,
    destination: websiteUrl,
    title: null,
    utm: {},
    params: {},
    fallbackUrl: null,
    expiresAt: null,
    rules: {},
    placement: null,
    forwardQuery: true,
    isDisabled: false,
    // The partner's own setting still applies, through `cachedLinkOf`.
    requiresConsent: false,
    createdAt: partner.createdAt,
    updatedAt: partner.updatedAt,
    deletedAt: null,
  };
  return cachedLinkOf(link, partner);
}

const referrals = new BoundedMap<string, Entry<ReferralTarget>>(MAX_ENTRIES);

async function loadReferral(db: Db, code: string): Promise<ReferralTarget | null> {
  d1Reads++;
  const row = await findReferralCode(db, code);
  if (!row) return null;
  let link = row.linkId ? await getLink(db, row.linkId) : undefined;
  if (!link || link.isDisabled) link = await newestLinkOfPartner(db, row.partnerId);
  if (link) return { code: row.code, partnerId: row.partnerId, linkSlug: link.slug, direct: null };
  // Deleted partners are not found: the code then answers like a disabled link (410).
  const partner = await getPartner(db, row.partnerId);
  const website = partner?.websiteUrl;
  return {
    code: row.code,
    partnerId: row.partnerId,
    linkSlug: null,
    direct: partner && website ? websiteLinkOf(partner, website) : null,
  };
}

/**
 * The target of a referral code (already upper-cased), cached like links. A link change
 * through the API clears these entries, since any of them may lead to that link.
 */
export function resolveReferral(
  db: Db,
  code: string,
  nowMs: number,
): ReferralTarget | null | Promise<ReferralTarget | null> {
  const entry = referrals.get(code);
  if (entry && entry.freshUntil > nowMs) return entry.value;
  const startEpoch = epoch;
  return loadReferral(db, code).then((value) => {
    if (startEpoch === epoch) put(referrals, code, value, Date.now());
    return value;
  });
}
