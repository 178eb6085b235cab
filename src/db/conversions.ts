// Conversion queries: writes that cannot double-count under concurrency, each with its history row in the same batch.
import { and, asc, desc, eq, gte, isNull, lt, lte, type SQL, sql } from 'drizzle-orm';
import { newId } from '../domain/ids';
import type { NewAnomaly } from './anomalies';
import type { Db } from './client';
import { insertIf } from './insert-if';
import { type PostbackTrail, trailInserts } from './postback-log';
import { anomalies, type Conversion, conversionHistory, conversions, type NewConversion } from './schema';

export type ConversionHistoryRow = typeof conversionHistory.$inferSelect;

/** A history entry to write with a change; its conversion and id are filled in. */
export type HistoryEntry = Omit<typeof conversionHistory.$inferInsert, 'id' | 'conversionId' | 'createdAt'>;

const byKey = (c: Pick<Conversion, 'partnerId' | 'transactionId' | 'event'>) =>
  and(
    eq(conversions.partnerId, c.partnerId),
    eq(conversions.transactionId, c.transactionId),
    eq(conversions.event, c.event),
  );

/** The conversion a partner reported under `(transactionId, event)`, if any. */
export function findConversion(db: Db, key: Pick<Conversion, 'partnerId' | 'transactionId' | 'event'>) {
  return db.select().from(conversions).where(byKey(key));
}

export async function getConversion(db: Db, id: string): Promise<Conversion | undefined> {
  return db.select().from(conversions).where(eq(conversions.id, id)).get();
}

function historyInsert(db: Db, conversionId: string, entry: HistoryEntry, onlyIf: SQL, id = newId('his')) {
  // Columns in the order of the table's definition (drizzle lists them so): id, conversion, from,
  // to, amount, commission before, commission, refunded, reason, source, actor, created.
  return db.insert(conversionHistory).select(sql`
    SELECT ${id}, ${conversionId}, ${entry.fromStatus ?? null}, ${entry.toStatus}, ${entry.amountMinor ?? null},
      ${entry.commissionBeforeMinor ?? null}, ${entry.commissionMinor ?? null}, ${entry.refundedAmountMinor ?? null},
      ${entry.reason ?? null}, ${entry.source}, ${entry.actor ?? null},
      cast(unixepoch('subsec') * 1000 as integer)
    WHERE ${onlyIf}`);
}

/**
 * Inserts a conversion unless `(partner, transactionId, event)` is already taken, with its first
 * history row and, when given, the postback's trail (log row, kept answer) and an anomaly to flag
 * it with, all in one batch: one round trip, one transaction. The unique index decides, so
 * concurrent identical postbacks store one row; the history, the trail and the anomaly are
 * written only with the conversion. Answers the inserted row, and the conversion stored under
 * that key either way (the one that got there first).
 */
export async function insertConversionOnce(
  db: Db,
  row: NewConversion & { id: string },
  history: HistoryEntry,
  trail?: PostbackTrail,
  anomaly?: NewAnomaly,
): Promise<{ inserted: Conversion | undefined; stored: Conversion | undefined }> {
  // True only when the insert above happened: the row with this fresh id exists only then.
  const inserted = sql`EXISTS (SELECT 1 FROM ${conversions} WHERE ${conversions.id} = ${row.id})`;
  const results = await db.batch([
    db.insert(conversions).values(row).onConflictDoNothing(),
    historyInsert(db, row.id, history, inserted),
    ...(trail ? trailInserts(db, trail, inserted) : []),
    ...(anomaly ? [insertIf(db, anomalies, anomaly, inserted)] : []),
    db.select().from(conversions).where(byKey(row)),
  ]);
  const stored = (results[results.length - 1] as Conversion[])[0];
  return { inserted: stored?.id === row.id ? stored : undefined, stored };
}

/**
 * Inserts conversions, each with its first history row, in one batch (one transaction); a
 * conversion whose `(partner, transactionId, event)` is taken already is left out, its history too.
 */
export async function insertConversions(
  db: Db,
  items: { row: NewConversion & { id: string }; history: HistoryEntry }[],
): Promise<void> {
  const [first, ...rest] = items.flatMap(({ row, history }) => [
    db.insert(conversions).values(row).onConflictDoNothing(),
    historyInsert(db, row.id, history, sql`EXISTS (SELECT 1 FROM ${conversions} WHERE ${conversions.id} = ${row.id})`),
  ]);
  if (first) await db.batch([first, ...rest]);
}

/**
 * Applies `patch` only while the conversion still has the `expected` status (and attribution
 * method and refunded total, when given), with its history row and, when given, the postback's trail, in one
 * transaction. Answers the updated row, or undefined when it changed meanwhile (the caller reads
 * it again and decides anew); the trail is written only with the change.
 */
export async function updateConversionIf(
  db: Db,
  id: string,
  expected: {
    status: Conversion['status'];
    attributionMethod?: Conversion['attributionMethod'];
    refundedAmountMinor?: number;
    /** The rate read: null while the conversion waits for one. */
    exchangeRate?: string | null;
  },
  patch: Partial<NewConversion>,
  history: HistoryEntry,
  trail?: PostbackTrail,
): Promise<Conversion | undefined> {
  const historyId = newId('his');
  const [updated] = await db.batch([
    db
      .update(conversions)
      .set({ ...patch, updatedAt: new Date() })
      .where(
        and(
          eq(conversions.id, id),
          eq(conversions.status, expected.status),
          expected.attributionMethod ? eq(conversions.attributionMethod, expected.attributionMethod) : undefined,
          expected.refundedAmountMinor === undefined
            ? undefined
            : eq(conversions.refundedAmountMinor, expected.refundedAmountMinor),
          expected.exchangeRate === undefined
            ? undefined
            : expected.exchangeRate === null
              ? isNull(conversions.exchangeRate)
              : eq(conversions.exchangeRate, expected.exchangeRate),
        ),
      )
      .returning(),
    // changes() is the row count of the UPDATE just before, in the same transaction.
    historyInsert(db, id, history, sql`changes() = 1`, historyId),
    ...(trail
      ? trailInserts(
          db,
          trail,
          sql`EXISTS (SELECT 1 FROM ${conversionHistory} WHERE ${conversionHistory.id} = ${historyId})`,
        )
      : []),
  ]);
  return updated[0];
}

export type ConversionFilter = {
  limit: number;
  before?: string;
  partnerId?: string;
  status?: Conversion['status'];
  method?: Conversion['attributionMethod'];
  from?: Date;
  to?: Date;
};

/** Conversions newest first (ids sort by creation), filtered; `limit + 1` rows for pagination. */
export async function listConversions(db: Db, f: ConversionFilter): Promise<Conversion[]> {
  return db
    .select()
    .from(conversions)
    .where(
      and(
        f.before ? lt(conversions.id, f.before) : undefined,
        f.partnerId ? eq(conversions.partnerId, f.partnerId) : undefined,
        f.status ? eq(conversions.status, f.status) : undefined,
        f.method ? eq(conversions.attributionMethod, f.method) : undefined,
        f.from ? gte(conversions.occurredAt, f.from) : undefined,
        f.to ? lte(conversions.occurredAt, f.to) : undefined,
      ),
    )
    .orderBy(desc(conversions.id))
    .limit(f.limit + 1)
    .all();
}

/** Every change of a conversion, oldest first. */
export async function historyOf(db: Db, conversionId: string): Promise<ConversionHistoryRow[]> {
  return db
    .select()
    .from(conversionHistory)
    .where(eq(conversionHistory.conversionId, conversionId))
    .orderBy(asc(conversionHistory.createdAt), asc(conversionHistory.id))
    .all();
}

/** A conversion's place in the order of changes, with what tells its aggregated day. */
export type ConversionChange = { id: string; partnerId: string; occurredAt: number; updatedAt: number };

/**
 * Conversions changed after `after` (by `updated_at`, then id) and no later than `untilMs`, in
 * that order, at most `limit`: the reconciliation's walk over what changed. The row comparison
 * walks the `(updated_at, id)` index.
 */
export async function conversionsChangedAfter(
  d1: D1Database,
  after: { updatedAt: number; id: string },
  untilMs: number,
  limit: number,
): Promise<ConversionChange[]> {
  const { results } = await d1
    .prepare(
      `SELECT id, partner_id AS partnerId, occurred_at AS occurredAt, updated_at AS updatedAt FROM conversions
       WHERE (updated_at, id) > (?1, ?2) AND updated_at <= ?3 ORDER BY updated_at, id LIMIT ?4`,
    )
    .bind(after.updatedAt, after.id, untilMs, limit)
    .all<ConversionChange>();
  return results;
}
