// Promo codes and referral codes' use cases: register, draw one per user, delete, read within reach.
import type { z } from '@hono/zod-openapi';
import type { Db } from '../db/client';
import {
  deleteCoupon,
  deleteReferralCode,
  findReferralCodeOfUser,
  getCoupon,
  getReferralCode,
  insertCoupon,
  insertReferralCode,
  listCoupons,
  listReferralCodes,
} from '../db/codes';
import { getLink } from '../db/links';
import type { PageOptions } from '../db/paging';
import { getPartner } from '../db/partners';
import type { Coupon, ReferralCode } from '../db/schema';
import { newId, newReferralCode } from '../domain/ids';
import { type CallerScope, canSee, partnerFilterOf } from '../domain/visibility';
import { AppError, invalidRequest, notFound } from '../http/errors';
import type { couponCreateSchema, referralCodeCreateSchema } from '../schemas/link';

/** Draws of a free referral code before giving up: a clash is already unlikely once. */
const REFERRAL_CODE_DRAWS = 5;

/** Registers a promo code (upper-cased) of a partner, optionally of one of its links; 409 when it exists. */
export async function registerCoupon(db: Db, body: z.infer<typeof couponCreateSchema>): Promise<Coupon> {
  await checkOwner(db, body.partnerId, body.linkId);
  const row = await insertCoupon(db, {
    id: newId('cpn'),
    partnerId: body.partnerId,
    code: body.code.toUpperCase(),
    linkId: body.linkId ?? null,
  });
  if (!row) throw new AppError(409, 'code_taken', `The code "${body.code}" already exists for this partner.`);
  return row;
}

/** Promo codes newest first, `limit + 1` of them; a partner key lists only its own partner's. */
export function listVisibleCoupons(db: Db, scope: CallerScope, q: PageOptions): Promise<Coupon[]> {
  const filter = partnerFilterOf(scope, q.partnerId);
  if (!filter) throw notFound('partner');
  return listCoupons(db, { ...q, ...filter });
}

/** Deletes a promo code; 404 when there is none with this id. */
export async function removeCoupon(db: Db, id: string): Promise<void> {
  const row = await getCoupon(db, id);
  if (!row) throw notFound('coupon');
  await deleteCoupon(db, row.id);
}

/**
 * The referral code of a user for a partner: the existing one (`created` false), else a new one.
 * One code per user and partner, even when two requests race for it.
 */
export async function referralCodeOf(
  db: Db,
  body: z.infer<typeof referralCodeCreateSchema>,
): Promise<{ code: ReferralCode; created: boolean }> {
  await checkOwner(db, body.partnerId, body.linkId);
  const existing = await findReferralCodeOfUser(db, body.partnerId, body.userRef);
  if (existing) return { code: existing, created: false };
  for (let attempt = 0; attempt < REFERRAL_CODE_DRAWS; attempt++) {
    const row = await insertReferralCode(db, {
      id: newId('ref'),
      partnerId: body.partnerId,
      userRef: body.userRef,
      code: newReferralCode(),
      linkId: body.linkId ?? null,
    });
    if (row) return { code: row, created: true };
    // Lost a race with the same user, or drew a code that exists: look again.
    const raced = await findReferralCodeOfUser(db, body.partnerId, body.userRef);
    if (raced) return { code: raced, created: false };
  }
  throw new AppError(503, 'unavailable', 'Could not draw a free referral code; try again.');
}

/** Referral codes newest first, `limit + 1` of them; a partner key lists only its own partner's. */
export function listVisibleReferralCodes(db: Db, scope: CallerScope, q: PageOptions): Promise<ReferralCode[]> {
  const filter = partnerFilterOf(scope, q.partnerId);
  if (!filter) throw notFound('partner');
  return listReferralCodes(db, { ...q, ...filter });
}

/** The referral code, or 404 when it does not exist or is not the caller's partner's. */
export async function visibleReferralCode(db: Db, scope: CallerScope, id: string): Promise<ReferralCode> {
  const row = await getReferralCode(db, id);
  if (!row || !canSee(scope, row.partnerId)) throw notFound('referral code');
  return row;
}

/** Deletes a referral code; 404 when there is none with this id. */
export async function removeReferralCode(db: Db, id: string): Promise<void> {
  const row = await getReferralCode(db, id);
  if (!row) throw notFound('referral code');
  await deleteReferralCode(db, row.id);
}

/** A code belongs to an existing partner and, when it names a link, to one of that partner's links. */
async function checkOwner(db: Db, partnerId: string, linkId: string | null | undefined) {
  if (!(await getPartner(db, partnerId))) {
    throw invalidRequest('No partner with this partnerId.', [{ path: ['partnerId'] }]);
  }
  if (linkId) {
    const link = await getLink(db, linkId);
    if (!link || link.partnerId !== partnerId) {
      throw invalidRequest('No link of this partner with this linkId.', [{ path: ['linkId'] }]);
    }
  }
}
