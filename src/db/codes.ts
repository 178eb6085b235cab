// Coupon and referral-code queries.
import { and, desc, eq } from 'drizzle-orm';
import type { Db } from './client';
import { type PageOptions, pageWhere } from './paging';
import { type Coupon, coupons, type ReferralCode, referralCodes } from './schema';

export async function insertCoupon(db: Db, row: typeof coupons.$inferInsert): Promise<Coupon | undefined> {
  return db.insert(coupons).values(row).onConflictDoNothing().returning().get();
}

export async function getCoupon(db: Db, id: string): Promise<Coupon | undefined> {
  return db.select().from(coupons).where(eq(coupons.id, id)).get();
}

export async function listCoupons(db: Db, opts: PageOptions) {
  return db
    .select()
    .from(coupons)
    .where(pageWhere(coupons.id, coupons.partnerId, opts))
    .orderBy(desc(coupons.id))
    .limit(opts.limit + 1)
    .all();
}

export async function deleteCoupon(db: Db, id: string): Promise<void> {
  await db.delete(coupons).where(eq(coupons.id, id)).run();
}

export async function insertReferralCode(
  db: Db,
  row: typeof referralCodes.$inferInsert,
): Promise<ReferralCode | undefined> {
  return db.insert(referralCodes).values(row).onConflictDoNothing().returning().get();
}

export async function findReferralCodeOfUser(db: Db, partnerId: string, userRef: string) {
  return db
    .select()
    .from(referralCodes)
    .where(and(eq(referralCodes.partnerId, partnerId), eq(referralCodes.userRef, userRef)))
    .get();
}

export async function findReferralCode(db: Db, code: string): Promise<ReferralCode | undefined> {
  return db.select().from(referralCodes).where(eq(referralCodes.code, code.toUpperCase())).get();
}

export async function getReferralCode(db: Db, id: string): Promise<ReferralCode | undefined> {
  return db.select().from(referralCodes).where(eq(referralCodes.id, id)).get();
}

export async function listReferralCodes(db: Db, opts: PageOptions) {
  return db
    .select()
    .from(referralCodes)
    .where(pageWhere(referralCodes.id, referralCodes.partnerId, opts))
    .orderBy(desc(referralCodes.id))
    .limit(opts.limit + 1)
    .all();
}

export async function deleteReferralCode(db: Db, id: string): Promise<void> {
  await db.delete(referralCodes).where(eq(referralCodes.id, id)).run();
}
