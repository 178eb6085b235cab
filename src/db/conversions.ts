// Conversion queries: writes that cannot double-count under concurrency, each with its history row in the same batch.
import { and, asc, desc, eq, gte, lt, lte, type SQL, sql } from 'drizzle-orm';
import { newId } from '../domain/ids';
import type { Db } from './client';
import type { StoredAnswer } from './postback-log';
import {
  type CommissionRuleRow,
  type Conversion,
  commissionPlans,
  conversionHistory,
  conversions,
  type NewConversion,
  webhookReceipts,
} from './schema';

export type ConversionHistoryRow = typeof conversionHistory.$inferSelect;

/** A history entry to write with a change; its conversion and id are filled in. */
export type HistoryEntry = Omit<typeof conversionHistory.$inferInsert, 'id' | 'conversionId' | 'createdAt'>;

/** The conversion a partner reported under `(transactionId, event)`, if any. */
export async function findConversion(
  db: Db,
  partnerId: string,
  transactionId: string,
  event: Conversion['event'],
): Promise<Conversion | undefined> {
  return db
    .select()
    .from(conversions)
    .where(
      and(
        eq(conversions.partnerId, partnerId),
        eq(conversions.transactionId, transactionId),
        eq(conversions.event, event),
      ),
    )
    .get();
}

export async function getConversion(db: Db, id: string): Promise<Conversion | undefined> {
  return db.select().from(conversions).where(eq(conversions.id, id)).get();
}

function historyInsert(db: Db, conversionId: string, entry: HistoryEntry, onlyIf: SQL) {
  // Columns in the table's order: id, conversion, from, to, amount, commission, reason, source, created.
  return db.insert(conversionHistory).select(sql`
    SELECT ${newId('his')}, ${conversionId}, ${entry.fromStatus ?? null}, ${entry.toStatus}, ${entry.amountMinor ?? null},
      ${entry.commissionMinor ?? null}, ${entry.reason ?? null}, ${entry.source},
      cast(unixepoch('subsec') * 1000 as integer)
    WHERE ${onlyIf}`);
}

/**
 * Inserts a conversion unless `(partner, transactionId, event)` is already taken, with its first
 * history row, in one transaction. Answers the new row, or undefined when another request got
 * there first (the unique index decides, so concurrent identical postbacks store one row).
 */
export async function insertConversionOnce(
  db: Db,
  row: NewConversion & { id: string },
  history: HistoryEntry,
): Promise<Conversion | undefined> {
  const [inserted] = await db.batch([
    db.insert(conversions).values(row).onConflictDoNothing().returning(),
    // Written only when the insert above happened: the row with this fresh id exists only then.
    historyInsert(db, row.id, history, sql`EXISTS (SELECT 1 FROM ${conversions} WHERE id = ${row.id})`),
  ]);
  return inserted[0];
}

/**
 * Applies `patch` only while the conversion still has the `expected` status (and attribution
 * method, when given), with its history row, in one transaction. Answers the updated row, or
 * undefined when it changed meanwhile (the caller reads it again and decides anew).
 */
export async function updateConversionIf(
  db: Db,
  id: string,
  expected: { status: Conversion['status']; attributionMethod?: Conversion['attributionMethod'] },
  patch: Partial<NewConversion>,
  history: HistoryEntry,
): Promise<Conversion | undefined> {
  const [updated] = await db.batch([
    db
      .update(conversions)
      .set({ ...patch, updatedAt: new Date() })
      .where(
        and(
          eq(conversions.id, id),
          eq(conversions.status, expected.status),
          expected.attributionMethod ? eq(conversions.attributionMethod, expected.attributionMethod) : undefined,
        ),
      )
      .returning(),
    // changes() is the row count of the UPDATE just before, in the same transaction.
    historyInsert(db, id, history, sql`changes() = 1`),
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

/** A commission plan as intake uses it. */
export type Plan = { planId: string; rules: CommissionRuleRow[] };

/** What intake reads before deciding: an earlier answer to the delivery, the stored conversion, the plan in force. */
export type IntakeSnapshot = { receipt: StoredAnswer | undefined; existing: Conversion | undefined; plan: Plan | null };

/**
 * Reads in one round trip the answer already given to `webhookId`, the conversion stored under
 * `(transactionId, event)` and the commission plan in force at `at` (the partner's first plan
 * when `at` predates them all, as `rulesInForce` answers).
 */
export async function intakeSnapshot(
  db: Db,
  q: {
    partnerId: string;
    webhookId?: string | null;
    key?: { transactionId: string; event: Conversion['event']; at: Date };
  },
): Promise<IntakeSnapshot> {
  const { key } = q;
  const receipt = db
    .select({ answer: webhookReceipts.answer })
    .from(webhookReceipts)
    .where(
      q.webhookId
        ? and(eq(webhookReceipts.partnerId, q.partnerId), eq(webhookReceipts.webhookId, q.webhookId))
        : sql`0`,
    );
  if (!key) {
    const rows = q.webhookId ? await receipt.all() : [];
    return { receipt: rows[0]?.answer as StoredAnswer | undefined, existing: undefined, plan: null };
  }
  const [receipts, existing, planAt, firstPlan] = await db.batch([
    receipt,
    db
      .select()
      .from(conversions)
      .where(
        and(
          eq(conversions.partnerId, q.partnerId),
          eq(conversions.transactionId, key.transactionId),
          eq(conversions.event, key.event),
        ),
      ),
    db
      .select()
      .from(commissionPlans)
      .where(and(eq(commissionPlans.partnerId, q.partnerId), lte(commissionPlans.effectiveFrom, key.at)))
      .orderBy(desc(commissionPlans.effectiveFrom), desc(commissionPlans.id))
      .limit(1),
    db
      .select()
      .from(commissionPlans)
      .where(eq(commissionPlans.partnerId, q.partnerId))
      .orderBy(asc(commissionPlans.effectiveFrom))
      .limit(1),
  ]);
  const plan = planAt[0] ?? firstPlan[0];
  return {
    receipt: receipts[0]?.answer as StoredAnswer | undefined,
    existing: existing[0],
    plan: plan ? { planId: plan.id, rules: plan.rules } : null,
  };
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
