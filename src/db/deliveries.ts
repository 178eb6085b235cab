// Pushes to partners (`deliveries`) and each attempt made (`delivery_attempts`).
import { and, asc, desc, eq, gt, gte, lte, min, sql } from 'drizzle-orm';
import { TOTAL_LINK_ID } from '../domain/aggregation';
import type { Db } from './client';
import { pageWhere } from './paging';
import { type Delivery, dailyAggregates, deliveries, deliveryAttempts } from './schema';

export type DeliveryAttempt = typeof deliveryAttempts.$inferSelect;

/**
 * The `webhook-id` of a partner's push for a day. Retries of a push keep it: they are the same
 * message. A day sent again on request (`resentAtMs`: after a rebuild, or by an admin) is a new
 * message, since its figures may have changed, and a receiver that drops the ids it has seen would
 * otherwise never read the corrected day.
 */
export const dailyWebhookId = (partnerId: string, date: string, resentAtMs?: number) =>
  resentAtMs === undefined
    ? `msg_daily_${date}_${partnerId}`
    : `msg_daily_${date}_${partnerId}_${resentAtMs.toString(36)}`;

export async function getDelivery(db: Db, id: string): Promise<Delivery | undefined> {
  return db.select().from(deliveries).where(eq(deliveries.id, id)).get();
}

export async function findDelivery(db: Db, partnerId: string, date: string): Promise<Delivery | undefined> {
  return db
    .select()
    .from(deliveries)
    .where(and(eq(deliveries.partnerId, partnerId), eq(deliveries.date, date)))
    .get();
}

/** Creates the day's delivery unless one exists (one per partner and day); answers the row either way. */
export async function ensureDelivery(
  db: Db,
  row: { id: string; partnerId: string; date: string; url: string; nextAttemptAt: Date },
  failed?: string,
): Promise<{ delivery: Delivery; created: boolean }> {
  const inserted = await db
    .insert(deliveries)
    .values({
      ...row,
      webhookId: dailyWebhookId(row.partnerId, row.date),
      status: failed ? 'failed' : 'pending',
      lastError: failed ?? null,
      nextAttemptAt: failed ? null : row.nextAttemptAt,
    })
    .onConflictDoNothing()
    .returning()
    .get();
  if (inserted) return { delivery: inserted, created: true };
  return { delivery: (await findDelivery(db, row.partnerId, row.date)) as Delivery, created: false };
}

/**
 * Days of a partner, from `from` to `to`, whose push was delivered before their figures were
 * last rebuilt (late conversions, refunds, late attribution), oldest first.
 */
export async function correctedDays(db: Db, partnerId: string, from: string, to: string): Promise<string[]> {
  const rows = await db
    .select({ date: deliveries.date })
    .from(deliveries)
    .innerJoin(
      dailyAggregates,
      and(
        eq(dailyAggregates.date, deliveries.date),
        eq(dailyAggregates.partnerId, deliveries.partnerId),
        eq(dailyAggregates.linkId, TOTAL_LINK_ID),
      ),
    )
    .where(
      and(
        eq(deliveries.partnerId, partnerId),
        eq(deliveries.status, 'delivered'),
        gte(deliveries.date, from),
        lte(deliveries.date, to),
        gt(dailyAggregates.computedAt, deliveries.deliveredAt),
      ),
    )
    .orderBy(asc(deliveries.date))
    .all();
  return rows.map((r) => r.date);
}

/** Puts a delivery back in the queue as a new message for an attempt at `at`, with a fresh retry schedule. */
export async function requeueDelivery(
  db: Db,
  delivery: Pick<Delivery, 'id' | 'partnerId' | 'date'>,
  url: string,
  at: Date,
): Promise<Delivery> {
  return (await db
    .update(deliveries)
    .set({
      status: 'pending',
      attempts: 0,
      nextAttemptAt: at,
      lastError: null,
      url,
      webhookId: dailyWebhookId(delivery.partnerId, delivery.date, at.getTime()),
      updatedAt: new Date(),
    })
    .where(eq(deliveries.id, delivery.id))
    .returning()
    .get()) as Delivery;
}

/** Pending deliveries of a partner that are due at `now`, oldest day first. */
export async function dueDeliveries(db: Db, partnerId: string, now: Date): Promise<Delivery[]> {
  return db
    .select()
    .from(deliveries)
    .where(
      and(eq(deliveries.partnerId, partnerId), eq(deliveries.status, 'pending'), lte(deliveries.nextAttemptAt, now)),
    )
    .orderBy(asc(deliveries.date))
    .limit(20)
    .all();
}

/** When the partner's next pending delivery is due, or null when none is pending. */
export async function nextDueAt(db: Db, partnerId: string): Promise<Date | null> {
  const row = await db
    .select({ at: min(deliveries.nextAttemptAt) })
    .from(deliveries)
    .where(and(eq(deliveries.partnerId, partnerId), eq(deliveries.status, 'pending')))
    .get();
  return row?.at ? new Date(row.at) : null;
}

/** The outcome of one attempt, recorded with the delivery's new state. */
export type AttemptRecord = {
  attempt: number;
  attemptId: string;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
  url: string;
  status: Delivery['status'];
  nextAttemptAt: Date | null;
  at: Date;
};

/**
 * Records an attempt and moves the delivery on, in one transaction. The update only applies
 * when nobody recorded this attempt number meanwhile, so an alarm run twice cannot count twice.
 */
export async function recordAttempt(db: Db, delivery: Delivery, r: AttemptRecord): Promise<void> {
  await db.batch([
    db
      .update(deliveries)
      .set({
        status: r.status,
        attempts: r.attempt,
        lastStatusCode: r.statusCode,
        lastError: r.error,
        nextAttemptAt: r.nextAttemptAt,
        deliveredAt: r.status === 'delivered' ? r.at : null,
        url: r.url,
        updatedAt: r.at,
      })
      .where(and(eq(deliveries.id, delivery.id), eq(deliveries.attempts, r.attempt - 1))),
    db.insert(deliveryAttempts).values({
      id: r.attemptId,
      deliveryId: delivery.id,
      attempt: r.attempt,
      statusCode: r.statusCode,
      error: r.error,
      durationMs: r.durationMs,
      createdAt: r.at,
    }),
  ]);
}

/** Marks a delivery failed without an attempt (no usable URL any more). */
export async function failDelivery(db: Db, id: string, error: string): Promise<void> {
  await db
    .update(deliveries)
    .set({ status: 'failed', lastError: error, nextAttemptAt: null, updatedAt: new Date() })
    .where(eq(deliveries.id, id))
    .run();
}

/** Whether the last attempt made to `url` for this partner was answered 410 Gone. */
export async function urlIsGone(db: Db, partnerId: string, url: string): Promise<boolean> {
  const last = await db
    .select({ code: deliveries.lastStatusCode })
    .from(deliveries)
    .where(and(eq(deliveries.partnerId, partnerId), eq(deliveries.url, url), sql`${deliveries.attempts} > 0`))
    .orderBy(desc(deliveries.updatedAt))
    .limit(1)
    .get();
  return last?.code === 410;
}

export async function listDeliveries(
  db: Db,
  opts: { limit: number; before?: string; partnerId?: string; status?: Delivery['status'] },
): Promise<Delivery[]> {
  return db
    .select()
    .from(deliveries)
    .where(
      pageWhere(
        deliveries.id,
        deliveries.partnerId,
        opts,
        opts.status ? eq(deliveries.status, opts.status) : undefined,
      ),
    )
    .orderBy(desc(deliveries.id))
    .limit(opts.limit + 1)
    .all();
}

export async function attemptsOf(db: Db, deliveryId: string): Promise<DeliveryAttempt[]> {
  return db
    .select()
    .from(deliveryAttempts)
    .where(eq(deliveryAttempts.deliveryId, deliveryId))
    .orderBy(asc(deliveryAttempts.createdAt), asc(deliveryAttempts.id))
    .all();
}
