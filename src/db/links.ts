// Link queries (the API's; the redirect reads links through src/isolate/link-cache.ts).
import { and, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Db } from './client';
import { type PageOptions, pageWhere } from './paging';
import { type Link, links, type NewLink, partners } from './schema';

export async function getLink(db: Db, id: string): Promise<Link | undefined> {
  return db
    .select()
    .from(links)
    .where(and(eq(links.id, id), isNull(links.deletedAt)))
    .get();
}

export async function linkSlugTaken(db: Db, slug: string): Promise<boolean> {
  return Boolean(await db.select({ id: links.id }).from(links).where(eq(links.slug, slug)).get());
}

/** The live links among `slugs`, in no particular order. */
export async function linksWithSlugs(db: Db, slugs: string[]): Promise<Link[]> {
  return db
    .select()
    .from(links)
    .where(and(inArray(links.slug, slugs), isNull(links.deletedAt)))
    .all();
}

/**
 * Links newest first, `limit + 1` of them; `search` keeps those whose slug or destination holds it
 * (ASCII letters in any case, as SQLite's LIKE compares them).
 */
export async function listLinks(db: Db, opts: PageOptions & { search?: string }): Promise<Link[]> {
  return db
    .select()
    .from(links)
    .where(pageWhere(links.id, links.partnerId, opts, isNull(links.deletedAt), holds(opts.search)))
    .orderBy(desc(links.id))
    .limit(opts.limit + 1)
    .all();
}

/** The filter of a search in slugs and destinations; a `%`, `_` or backslash typed matches only itself. */
function holds(search: string | undefined) {
  if (!search) return undefined;
  const pattern = `%${search.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
  return sql`(${links.slug} LIKE ${pattern} ESCAPE '\\' OR ${links.destination} LIKE ${pattern} ESCAPE '\\')`;
}

export async function insertLink(db: Db, row: NewLink): Promise<Link> {
  return (await db.insert(links).values(row).returning().get()) as Link;
}

export async function updateLink(db: Db, id: string, patch: Partial<NewLink>): Promise<Link> {
  return (await db
    .update(links)
    .set({ ...patch, updatedAt: new Date() })
    .where(eq(links.id, id))
    .returning()
    .get()) as Link;
}

export async function softDeleteLink(db: Db, id: string): Promise<void> {
  const now = new Date();
  await db.update(links).set({ deletedAt: now, updatedAt: now }).where(eq(links.id, id)).run();
}

/** The link of `slug` with what the redirect needs of its partner, in one query. */
export async function findLinkForRedirect(db: Db, slug: string) {
  return db
    .select({ link: links, partner: partners })
    .from(links)
    .innerJoin(partners, eq(partners.id, links.partnerId))
    .where(and(eq(links.slug, slug), isNull(links.deletedAt)))
    .get();
}

/** The partner's newest active link: where a referral code without its own link sends people. */
export async function newestLinkOfPartner(db: Db, partnerId: string): Promise<Link | undefined> {
  return db
    .select()
    .from(links)
    .where(and(eq(links.partnerId, partnerId), isNull(links.deletedAt), eq(links.isDisabled, false)))
    .orderBy(desc(links.id))
    .limit(1)
    .get();
}
