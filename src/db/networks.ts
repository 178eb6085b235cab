// Partners' affiliate networks: their settings, sealed tokens and the outcome of their last sync.
import { and, asc, eq, gt, inArray, isNull, sql } from 'drizzle-orm';
import type { Db } from './client';
import { conversions, jobState, partnerNetworks, partners } from './schema';

export type PartnerNetwork = typeof partnerNetworks.$inferSelect;
export type NewPartnerNetwork = typeof partnerNetworks.$inferInsert;

export async function getNetwork(db: Db, partnerId: string): Promise<PartnerNetwork | undefined> {
  return db.select().from(partnerNetworks).where(eq(partnerNetworks.partnerId, partnerId)).get();
}

/** The networks of these partners, by partner id. */
export async function networksOf(db: Db, partnerIds: readonly string[]): Promise<Map<string, PartnerNetwork>> {
  if (partnerIds.length === 0) return new Map();
  const rows = await db
    .select()
    .from(partnerNetworks)
    .where(inArray(partnerNetworks.partnerId, [...partnerIds]))
    .all();
  return new Map(rows.map((r) => [r.partnerId, r]));
}

/**
 * Connects a partner to its network, or changes the connection: a new network (or account) starts
 * with no sync outcome, as nothing was read from it yet.
 */
export async function saveNetwork(
  db: Db,
  row: Pick<NewPartnerNetwork, 'partnerId' | 'type' | 'settings' | 'accessTokenEnc'>,
): Promise<PartnerNetwork> {
  const now = new Date();
  const fresh = {
    ...row,
    lastSyncAt: null,
    lastSyncOk: null,
    lastSyncError: null,
    failures: 0,
    failingSince: null,
    retryAfter: null,
    updatedAt: now,
  };
  return (await db
    .insert(partnerNetworks)
    .values({ ...fresh, createdAt: now })
    .onConflictDoUpdate({ target: partnerNetworks.partnerId, set: fresh })
    .returning()
    .get()) as PartnerNetwork;
}

/** Disconnects a partner from its network, forgetting how far its sync had read. */
export async function deleteNetwork(db: Db, partnerId: string): Promise<void> {
  await db.batch([
    db.delete(partnerNetworks).where(eq(partnerNetworks.partnerId, partnerId)),
    db.delete(jobState).where(eq(jobState.name, syncCursorName(partnerId))),
  ]);
}

/** The cursor of a partner's sync in `job_state`: everything before it was read (less the overlap). */
export const syncCursorName = (partnerId: string) => `network-sync:${partnerId}`;

/** Forgets how far a partner's sync had read: the next one starts as a first one. */
export async function clearSyncCursor(db: Db, partnerId: string): Promise<void> {
  await db
    .delete(jobState)
    .where(eq(jobState.name, syncCursorName(partnerId)))
    .run();
}

/** Partners read per query while the hourly sync walks them. */
export const NETWORK_PAGE = 50;

/** Networks of partners not deleted, by partner id, after `afterPartnerId`: the hourly sync's walk. */
export async function networksAfter(db: Db, afterPartnerId: string | null, limit = NETWORK_PAGE) {
  return db
    .select({ network: partnerNetworks })
    .from(partnerNetworks)
    .innerJoin(partners, eq(partners.id, partnerNetworks.partnerId))
    .where(and(isNull(partners.deletedAt), afterPartnerId ? gt(partnerNetworks.partnerId, afterPartnerId) : undefined))
    .orderBy(asc(partnerNetworks.partnerId))
    .limit(limit)
    .all()
    .then((rows) => rows.map((r) => r.network));
}

/** How a sync ended: `error` null when it went through; `retryAfter` when the network asked to wait. */
export type SyncOutcome = { at: Date; error: string | null; retryAfter?: Date | null };

/**
 * Records a sync's outcome, in one statement: a success clears the count of failures in a row, a
 * failure adds to it (and notes when the streak began). Answers the row as it then is.
 */
export async function recordSyncOutcome(
  db: Db,
  partnerId: string,
  outcome: SyncOutcome,
): Promise<PartnerNetwork | undefined> {
  const ok = outcome.error === null;
  return db
    .update(partnerNetworks)
    .set({
      lastSyncAt: outcome.at,
      lastSyncOk: ok,
      lastSyncError: outcome.error,
      failures: ok ? 0 : sql`${partnerNetworks.failures} + 1`,
      failingSince: ok ? null : sql`coalesce(${partnerNetworks.failingSince}, ${outcome.at.getTime()})`,
      retryAfter: outcome.retryAfter ?? null,
      updatedAt: outcome.at,
    })
    .where(eq(partnerNetworks.partnerId, partnerId))
    .returning()
    .get();
}

/**
 * Notes which of the network's transactions a conversion recorded before any sync (a file
 * upload under the same transaction id) is: only while it names none, so a first claim stands.
 */
export async function adoptNetworkRef(db: Db, conversionId: string, networkRef: string): Promise<void> {
  await db
    .update(conversions)
    .set({ networkRef })
    .where(and(eq(conversions.id, conversionId), isNull(conversions.networkRef)))
    .run();
}
