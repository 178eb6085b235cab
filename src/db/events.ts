// Funnel event queries (add to cart, lead, checkout, sale recorded through /e).
import { and, asc, desc, eq, gt, isNull, lt, or } from 'drizzle-orm';
import type { Db } from './client';
import { events, partners } from './schema';

export type FunnelEvent = typeof events.$inferSelect;
export type NewFunnelEvent = typeof events.$inferInsert;

export async function insertEvent(db: Db, row: NewFunnelEvent): Promise<void> {
  await db.insert(events).values(row).run();
}

/** Events newest first, filtered; `limit + 1` rows for pagination. */
export async function listEvents(
  db: Db,
  f: { limit: number; before?: string; clickId?: string; partnerId?: string; type?: FunnelEvent['type'] },
): Promise<FunnelEvent[]> {
  return db
    .select()
    .from(events)
    .where(
      and(
        f.before ? lt(events.id, f.before) : undefined,
        f.clickId ? eq(events.clickId, f.clickId) : undefined,
        f.partnerId ? eq(events.partnerId, f.partnerId) : undefined,
        f.type ? eq(events.type, f.type) : undefined,
      ),
    )
    .orderBy(desc(events.id))
    .limit(f.limit + 1)
    .all();
}

/**
 * A click's events in the order they happened (its funnel); `limit + 1` rows for pagination.
 * With `partnerId`, only events of that partner or of none (sent before the click was known).
 */
export async function eventsOfClick(
  db: Db,
  clickId: string,
  f: { limit: number; after?: string; partnerId?: string },
): Promise<FunnelEvent[]> {
  return db
    .select()
    .from(events)
    .where(
      and(
        eq(events.clickId, clickId),
        f.partnerId ? or(isNull(events.partnerId), eq(events.partnerId, f.partnerId)) : undefined,
        f.after ? gt(events.id, f.after) : undefined,
      ),
    )
    .orderBy(asc(events.id))
    .limit(f.limit + 1)
    .all();
}

/** Every live partner's allowed domains, for checking the origin of events sent from browsers. */
export async function partnerDomains(db: Db) {
  return db
    .select({ id: partners.id, slug: partners.slug, allowedDomains: partners.allowedDomains })
    .from(partners)
    .where(isNull(partners.deletedAt))
    .all();
}
