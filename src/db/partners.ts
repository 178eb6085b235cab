// Partner queries, with the history of commission rules kept beside each partner and its keys ended with it.
import { and, asc, desc, eq, gt, isNull, lt, notExists, sql } from 'drizzle-orm';
import { newId } from '../domain/ids';
import type { Db } from './client';
import { type PlanWrite, plansOf, planWriteStatements } from './commission-plans';
import type { CommissionPlan } from './intake';
import { revokePartnerKeys } from './keys';
import { commissionPlans, conversions, type NewPartner, type Partner, partners } from './schema';

/** The partner, unless deleted; `withDeleted` for work a deletion does not end (its statements). */
export async function getPartner(
  db: Db,
  id: string,
  opts: { withDeleted?: boolean } = {},
): Promise<Partner | undefined> {
  return db
    .select()
    .from(partners)
    .where(and(eq(partners.id, id), opts.withDeleted ? undefined : isNull(partners.deletedAt)))
    .get();
}

/** The partner (not deleted) and its commission plans, oldest first, in one round trip. */
export async function getPartnerWithPlans(
  db: Db,
  id: string,
): Promise<{ partner: Partner; plans: CommissionPlan[] } | undefined> {
  const [found, plans] = await db.batch([
    db
      .select()
      .from(partners)
      .where(and(eq(partners.id, id), isNull(partners.deletedAt))),
    plansOf(db, id),
  ]);
  const partner = found[0];
  return partner ? { partner, plans } : undefined;
}

export async function getPartnerBySlug(db: Db, slug: string): Promise<Partner | undefined> {
  return db
    .select()
    .from(partners)
    .where(and(eq(partners.slug, slug), isNull(partners.deletedAt)))
    .get();
}

export async function slugTaken(db: Db, slug: string): Promise<boolean> {
  return Boolean(await db.select({ id: partners.id }).from(partners).where(eq(partners.slug, slug)).get());
}

export async function listPartners(
  db: Db,
  opts: { limit: number; before?: string; status?: string; integration?: string; onlyId?: string },
): Promise<Partner[]> {
  return db
    .select()
    .from(partners)
    .where(
      and(
        isNull(partners.deletedAt),
        opts.before ? lt(partners.id, opts.before) : undefined,
        opts.status ? eq(partners.status, opts.status as Partner['status']) : undefined,
        opts.integration ? eq(partners.integration, opts.integration as Partner['integration']) : undefined,
        opts.onlyId ? eq(partners.id, opts.onlyId) : undefined,
      ),
    )
    .orderBy(desc(partners.id))
    .limit(opts.limit + 1)
    .all();
}

/** Partners read per query while walking them all. */
export const PARTNER_PAGE = 50;

/** Every partner not deleted, by id, after `afterId`: the walk of jobs and of rebuilds over all of them. */
export async function partnersAfter(
  db: Db,
  afterId: string | null,
  limit = PARTNER_PAGE,
  opts: { withDeleted?: boolean } = {},
): Promise<Partner[]> {
  return db
    .select()
    .from(partners)
    .where(
      and(opts.withDeleted ? undefined : isNull(partners.deletedAt), afterId ? gt(partners.id, afterId) : undefined),
    )
    .orderBy(asc(partners.id))
    .limit(limit)
    .all();
}

/** Inserts the partner and the first version of its commission rules in one batch. */
export async function insertPartner(db: Db, row: NewPartner): Promise<Partner> {
  const now = new Date();
  const [inserted] = await db.batch([
    db.insert(partners).values(row).returning(),
    db.insert(commissionPlans).values({
      id: newId('pln'),
      partnerId: row.id,
      effectiveFrom: now,
      rules: row.commissionRules,
    }),
  ]);
  return inserted[0] as Partner;
}

/**
 * Updates the partner in one batch: new commission rules come as a new plan (see `PlanWrite`),
 * so past commissions keep theirs; ending the partnership revokes its keys with the same write.
 */
export async function updatePartner(
  db: Db,
  id: string,
  patch: Partial<NewPartner>,
  plan?: PlanWrite,
): Promise<Partner> {
  const now = new Date();
  const update = db
    .update(partners)
    .set({ ...patch, updatedAt: now })
    .where(eq(partners.id, id))
    .returning();
  const planWrites = plan ? planWriteStatements(db, plan) : [];
  const revoke = patch.status === 'ended' ? [revokePartnerKeys(db, id, now)] : [];
  if (planWrites.length === 0 && revoke.length === 0) return (await update.get()) as Partner;
  const [updated] = await db.batch([update, ...planWrites, ...revoke]);
  return updated[0] as Partner;
}

/**
 * Sets the partner's reporting currency unless it has conversions, in one conditional write (a
 * conversion recorded meanwhile wins); whether it did. Its conversions' reporting figures are in
 * the currency they were recorded in, so changing it afterwards would mix currencies.
 */
export async function setCurrencyIfUnused(db: Db, id: string, currency: string): Promise<boolean> {
  const row = await db
    .update(partners)
    .set({ currency, updatedAt: new Date() })
    .where(
      and(
        eq(partners.id, id),
        notExists(db.select({ one: sql`1` }).from(conversions).where(eq(conversions.partnerId, id))),
      ),
    )
    .returning({ id: partners.id })
    .get();
  return Boolean(row);
}

/** Deletes the partner softly and revokes its keys, in one batch. */
export async function softDeletePartner(db: Db, id: string): Promise<void> {
  const now = new Date();
  await db.batch([
    db.update(partners).set({ deletedAt: now, updatedAt: now }).where(eq(partners.id, id)),
    revokePartnerKeys(db, id, now),
  ]);
}

/**
 * Stores a push secret for a partner that has none yet (one made before push secrets existed), in
 * one conditional update so that two writers cannot both win; answers the partner's push secret
 * as stored afterwards, whoever set it.
 */
export async function setPushSecretIfAbsent(db: Db, id: string, pushSecretEnc: string): Promise<string | null> {
  const row = await db
    .update(partners)
    .set({ pushSecretEnc, updatedAt: new Date() })
    .where(and(eq(partners.id, id), isNull(partners.pushSecretEnc)))
    .returning({ pushSecretEnc: partners.pushSecretEnc })
    .get();
  if (row) return row.pushSecretEnc;
  const stored = await db
    .select({ pushSecretEnc: partners.pushSecretEnc })
    .from(partners)
    .where(eq(partners.id, id))
    .get();
  return stored?.pushSecretEnc ?? null;
}

/** Every partner's id and name (deleted ones too: their rows stay), by name: what pages label rows with. */
export async function partnerNames(
  db: Db,
  onlyId?: string,
): Promise<{ id: string; name: string; deletedAt: Date | null }[]> {
  return db
    .select({ id: partners.id, name: partners.name, deletedAt: partners.deletedAt })
    .from(partners)
    .where(onlyId ? eq(partners.id, onlyId) : undefined)
    .orderBy(asc(partners.name), asc(partners.id))
    .all();
}
