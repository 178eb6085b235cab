// Link-health checks (`link_checks`): at most one per link and day (of the programme's zone), claimed before the request is made.
import { and, desc, eq, lt, or, sql } from 'drizzle-orm';
import type { Db } from './client';
import { type Link, linkChecks, links, type Partner, partners } from './schema';

export type LinkCheck = typeof linkChecks.$inferSelect;

/** Active links (of active partners) not yet checked on `date`, by id. */
export async function linksToCheck(db: Db, date: string, now: Date, limit: number) {
  return db
    .select({ link: links, partner: partners })
    .from(links)
    .innerJoin(partners, eq(partners.id, links.partnerId))
    .where(
      and(
        sql`${links.deletedAt} IS NULL`,
        eq(links.isDisabled, false),
        sql`(${links.expiresAt} IS NULL OR ${links.expiresAt} > ${now.getTime()})`,
        sql`${partners.deletedAt} IS NULL`,
        eq(partners.status, 'active'),
        sql`NOT EXISTS (SELECT 1 FROM link_checks c WHERE c.link_id = ${links.id} AND c.date = ${date})`,
      ),
    )
    .orderBy(links.id)
    .limit(limit)
    .all() as Promise<{ link: Link; partner: Partner }[]>;
}

/**
 * Claims the day's check of a link; false when it was already claimed. The claim is written
 * before any request so that a link is never requested twice in a day, even by overlapping runs.
 */
export async function claimCheck(db: Db, link: Link, date: string): Promise<boolean> {
  const row = await db
    .insert(linkChecks)
    .values({ linkId: link.id, date, partnerId: link.partnerId, status: 'checking' })
    .onConflictDoNothing()
    .returning({ linkId: linkChecks.linkId })
    .get();
  return Boolean(row);
}

export async function saveCheck(
  db: Db,
  linkId: string,
  date: string,
  result: Pick<LinkCheck, 'status' | 'statusCode' | 'finalUrl' | 'hops' | 'error'>,
): Promise<void> {
  await db
    .update(linkChecks)
    .set(result)
    .where(and(eq(linkChecks.linkId, linkId), eq(linkChecks.date, date)))
    .run();
}

/** Checks newest first (by date, then link id); `before` is the `[date, linkId]` of the last one seen. */
export async function listChecks(
  db: Db,
  opts: {
    limit: number;
    before?: [string, string];
    partnerId?: string;
    linkId?: string;
    status?: string;
    date?: string;
  },
): Promise<LinkCheck[]> {
  const before = opts.before;
  return db
    .select()
    .from(linkChecks)
    .where(
      and(
        before
          ? or(lt(linkChecks.date, before[0]), and(eq(linkChecks.date, before[0]), lt(linkChecks.linkId, before[1])))
          : undefined,
        opts.partnerId ? eq(linkChecks.partnerId, opts.partnerId) : undefined,
        opts.linkId ? eq(linkChecks.linkId, opts.linkId) : undefined,
        opts.status ? eq(linkChecks.status, opts.status) : undefined,
        opts.date ? eq(linkChecks.date, opts.date) : undefined,
      ),
    )
    .orderBy(desc(linkChecks.date), desc(linkChecks.linkId))
    .limit(opts.limit + 1)
    .all();
}
