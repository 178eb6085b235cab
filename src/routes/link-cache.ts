// In-isolate cache of links for the redirect: a warm slug is answered without touching D1.
//
// Why an isolate-local Map: it costs nothing to read (no I/O at all), and D1 stays the
// single source of truth. The price is staleness, bounded by LINK_CACHE_TTL_MS: an API
// change is served at once by the isolate that made it (it invalidates its own entry)
// and by every other isolate within the TTL. Unknown slugs are cached too (briefly) so a
// scan of random slugs cannot turn into a stream of D1 queries.
import type { Db } from '../db/client';
import { findLinkForRedirect } from '../db/links';
import type { Link, Partner } from '../db/schema';

/** Longest time a change made through the API takes to reach every isolate. */
export const LINK_CACHE_TTL_MS = 10_000;
const NEGATIVE_TTL_MS = 2_000;
const MAX_ENTRIES = 20_000;

/** What the redirect needs of a link and its partner, flattened once when loaded. */
export type CachedLink = {
  link: Link;
  partner: Pick<
    Partner,
    | 'id'
    | 'slug'
    | 'status'
    | 'allowedDomains'
    | 'cookieDays'
    | 'clickIdParam'
    | 'affiliateParams'
    | 'trackingTemplate'
    | 'websiteUrl'
    | 'deletedAt'
  >;
  /** Expiry as a number, so the hot path compares numbers. */
  expiresAtMs: number | null;
};

type Entry = { value: CachedLink | null; freshUntil: number };

const entries = new Map<string, Entry>();
const loading = new Map<string, Promise<CachedLink | null>>();
let d1Reads = 0;

function load(db: Db, slug: string, nowMs: number): Promise<CachedLink | null> {
  let pending = loading.get(slug);
  if (pending) return pending;
  d1Reads++;
  pending = findLinkForRedirect(db, slug)
    .then((row) => {
      const value: CachedLink | null = row
        ? { link: row.link, partner: row.partner, expiresAtMs: row.link.expiresAt?.getTime() ?? null }
        : null;
      if (entries.size >= MAX_ENTRIES) entries.delete(entries.keys().next().value as string);
      entries.set(slug, { value, freshUntil: nowMs + (value ? LINK_CACHE_TTL_MS : NEGATIVE_TTL_MS) });
      return value;
    })
    .finally(() => loading.delete(slug));
  loading.set(slug, pending);
  return pending;
}

/**
 * The link of `slug`, from the isolate cache when fresh, else from D1 (one query, shared
 * by concurrent requests for the same slug).
 * @example const hit = await resolveLink(db, 'autodoc-freins', Date.now());
 */
export function resolveLink(db: Db, slug: string, nowMs: number): CachedLink | null | Promise<CachedLink | null> {
  const entry = entries.get(slug);
  if (entry && entry.freshUntil > nowMs) return entry.value;
  return load(db, slug, nowMs);
}

/** Forgets `slug` in this isolate, so that the next redirect reads D1 again. */
export function invalidateLink(slug: string): void {
  entries.delete(slug);
}

/** How many times the cache went to D1 since the isolate started (read by tests and the bench). */
export function linkCacheStats() {
  return { d1Reads, size: entries.size };
}

/** Empties the cache (tests). */
export function clearLinkCache(): void {
  entries.clear();
}
