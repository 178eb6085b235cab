// Partners' commission plans: read oldest first, a scheduled one cancelled, and a new one written over those it replaces.
import { and, asc, eq, gt, gte, inArray, lt, lte } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import type { Db } from './client';
import type { CommissionPlan } from './intake';
import { commissionPlans } from './schema';

export type NewCommissionPlan = typeof commissionPlans.$inferInsert;

const oldestFirst = [asc(commissionPlans.effectiveFrom), asc(commissionPlans.id)] as const;

/** The partner's plans, oldest start first (by id among equal starts). */
export function plansOf(db: Db, partnerId: string) {
  return db
    .select()
    .from(commissionPlans)
    .where(eq(commissionPlans.partnerId, partnerId))
    .orderBy(...oldestFirst);
}

/** Partner ids bound in one query: D1 refuses a statement with more than 100 bound values. */
const IDS_PER_QUERY = 90;

/** The plans of several partners, oldest first, by partner; one query per 90 partners, at once. */
export async function plansOfPartners(db: Db, partnerIds: string[]): Promise<Map<string, CommissionPlan[]>> {
  const byPartner = new Map<string, CommissionPlan[]>(partnerIds.map((id) => [id, []]));
  const chunks: string[][] = [];
  for (let i = 0; i < partnerIds.length; i += IDS_PER_QUERY) chunks.push(partnerIds.slice(i, i + IDS_PER_QUERY));
  const pages = await Promise.all(
    chunks.map((ids) =>
      db
        .select()
        .from(commissionPlans)
        .where(inArray(commissionPlans.partnerId, ids))
        .orderBy(...oldestFirst)
        .all(),
    ),
  );
  for (const row of pages.flat()) byPartner.get(row.partnerId)?.push(row);
  return byPartner;
}

/**
 * Deletes the plan unless it has taken effect by `now`, in one conditional write; whether it did.
 * The condition is in the write itself, so a plan whose start passes meanwhile is never removed.
 */
export async function deleteScheduledPlan(db: Db, partnerId: string, planId: string, now: Date): Promise<boolean> {
  const row = await db
    .delete(commissionPlans)
    .where(
      and(
        eq(commissionPlans.id, planId),
        eq(commissionPlans.partnerId, partnerId),
        gt(commissionPlans.effectiveFrom, now),
      ),
    )
    .returning({ id: commissionPlans.id })
    .get();
  return Boolean(row);
}

/**
 * A new plan, and the day it starts on when it was given a date: the plans of that same day are
 * replaced by it. Those still to come are deleted (a second change scheduled for a date replaces
 * the first); those already in force, made earlier today, keep their row (conversions they priced
 * name them) but move to the day's start, where the new plan, made later, outranks them.
 */
export type PlanWrite = {
  plan: NewCommissionPlan & { effectiveFrom: Date };
  day: { startMs: number; endMs: number } | null;
  now: Date;
};

/** The statements that write `write`, to run in the batch that updates the partner, in this order. */
export function planWriteStatements(db: Db, write: PlanWrite): BatchItem<'sqlite'>[] {
  const { plan, day, now } = write;
  const insert = db.insert(commissionPlans).values(plan);
  if (!day) return [insert];
  const ofTheDay = and(
    eq(commissionPlans.partnerId, plan.partnerId),
    gte(commissionPlans.effectiveFrom, new Date(day.startMs)),
    lt(commissionPlans.effectiveFrom, new Date(day.endMs)),
  );
  return [
    db.delete(commissionPlans).where(and(ofTheDay, gt(commissionPlans.effectiveFrom, now))),
    db
      .update(commissionPlans)
      .set({ effectiveFrom: new Date(day.startMs) })
      .where(and(ofTheDay, lte(commissionPlans.effectiveFrom, now))),
    insert,
  ];
}
