// /api/v1/coupons and /api/v1/referral-codes: attribution by promo code and by referring user.
import { createRoute } from '@hono/zod-openapi';
import type { Db } from '../../db/client';
import { dbOf } from '../../db/client';
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
} from '../../db/codes';
import { getLink } from '../../db/links';
import { getPartner } from '../../db/partners';
import type { Coupon, ReferralCode } from '../../db/schema';
import { newId, newReferralCode } from '../../domain/ids';
import { assertVisible, requireAdmin } from '../../http/auth';
import { AppError, invalidRequest, notFound } from '../../http/errors';
import { originOf } from '../../http/origin';
import { page, scopedPage } from '../../http/pagination';
import { bearer, conflictResponse, errorResponses, jsonBody, jsonOk, router } from '../../http/validation';
import { idParam, iso, listOf, paginationQuery } from '../../schemas/common';
import {
  couponCreateSchema,
  couponSchema,
  partnerFilterQuery,
  referralCodeCreateSchema,
  referralCodeSchema,
} from '../../schemas/link';

export const codesApi = router();

const presentCoupon = (c: Coupon) => ({
  id: c.id,
  partnerId: c.partnerId,
  code: c.code,
  linkId: c.linkId,
  createdAt: iso(c.createdAt) as string,
});

const presentReferral = (r: ReferralCode, origin: string) => ({
  id: r.id,
  partnerId: r.partnerId,
  code: r.code,
  userRef: r.userRef,
  linkId: r.linkId,
  url: `${origin}/r/${r.code}`,
  createdAt: iso(r.createdAt) as string,
});

async function checkOwner(db: Db, partnerId: string, linkId: string | null | undefined) {
  if (!(await getPartner(db, partnerId)))
    throw invalidRequest('No partner with this partnerId.', [{ path: ['partnerId'] }]);
  if (linkId) {
    const link = await getLink(db, linkId);
    if (!link || link.partnerId !== partnerId) {
      throw invalidRequest('No link of this partner with this linkId.', [{ path: ['linkId'] }]);
    }
  }
}

codesApi.openapi(
  createRoute({
    method: 'post',
    path: '/coupons',
    tags: ['Coupons'],
    summary: 'Register a promo code',
    description: 'Conversions reporting this code (case-insensitive) are attributed to the partner (and link).',
    security: bearer,
    request: { body: jsonBody(couponCreateSchema) },
    responses: { 201: jsonOk(couponSchema, 'Created.'), ...errorResponses, ...conflictResponse },
  }),
  async (c) => {
    requireAdmin(c);
    const body = c.req.valid('json');
    const db = dbOf(c.env);
    await checkOwner(db, body.partnerId, body.linkId);
    const row = await insertCoupon(db, {
      id: newId('cpn'),
      partnerId: body.partnerId,
      code: body.code.toUpperCase(),
      linkId: body.linkId ?? null,
    });
    if (!row) throw new AppError(409, 'code_taken', `The code "${body.code}" already exists for this partner.`);
    return c.json(presentCoupon(row), 201);
  },
);

codesApi.openapi(
  createRoute({
    method: 'get',
    path: '/coupons',
    tags: ['Coupons'],
    summary: 'List promo codes',
    security: bearer,
    request: { query: paginationQuery.merge(partnerFilterQuery) },
    responses: { 200: jsonOk(listOf(couponSchema, 'CouponList'), 'Newest first.'), ...errorResponses },
  }),
  async (c) => {
    const q = c.req.valid('query');
    const rows = await listCoupons(dbOf(c.env), scopedPage(c, q));
    return c.json(page(rows, q.limit, presentCoupon), 200);
  },
);

codesApi.openapi(
  createRoute({
    method: 'delete',
    path: '/coupons/{id}',
    tags: ['Coupons'],
    summary: 'Delete a promo code',
    security: bearer,
    request: { params: idParam },
    responses: { 204: { description: 'Deleted.' }, ...errorResponses },
  }),
  async (c) => {
    requireAdmin(c);
    const db = dbOf(c.env);
    const row = await getCoupon(db, c.req.valid('param').id);
    if (!row) throw notFound('coupon');
    await deleteCoupon(db, row.id);
    return c.body(null, 204);
  },
);

codesApi.openapi(
  createRoute({
    method: 'post',
    path: '/referral-codes',
    tags: ['Referral codes'],
    summary: 'Get the referral code of a user for a partner',
    description:
      'One code per user and partner: asking again answers the existing code (200). `GET /r/:code` redirects like a link of the partner and attributes to it.',
    security: bearer,
    request: { body: jsonBody(referralCodeCreateSchema) },
    responses: {
      201: jsonOk(referralCodeSchema, 'Created.'),
      200: jsonOk(referralCodeSchema, 'The user already had a code for this partner.'),
      ...errorResponses,
    },
  }),
  async (c) => {
    requireAdmin(c);
    const body = c.req.valid('json');
    const db = dbOf(c.env);
    await checkOwner(db, body.partnerId, body.linkId);
    const origin = originOf(c);
    const existing = await findReferralCodeOfUser(db, body.partnerId, body.userRef);
    if (existing) return c.json(presentReferral(existing, origin), 200);
    for (let attempt = 0; attempt < 5; attempt++) {
      const row = await insertReferralCode(db, {
        id: newId('ref'),
        partnerId: body.partnerId,
        userRef: body.userRef,
        code: newReferralCode(),
        linkId: body.linkId ?? null,
      });
      if (row) return c.json(presentReferral(row, origin), 201);
      // Lost a race with the same user, or drew a code that exists: look again.
      const raced = await findReferralCodeOfUser(db, body.partnerId, body.userRef);
      if (raced) return c.json(presentReferral(raced, origin), 200);
    }
    throw new AppError(503, 'unavailable', 'Could not draw a free referral code; try again.');
  },
);

codesApi.openapi(
  createRoute({
    method: 'get',
    path: '/referral-codes',
    tags: ['Referral codes'],
    summary: 'List referral codes',
    security: bearer,
    request: { query: paginationQuery.merge(partnerFilterQuery) },
    responses: { 200: jsonOk(listOf(referralCodeSchema, 'ReferralCodeList'), 'Newest first.'), ...errorResponses },
  }),
  async (c) => {
    const q = c.req.valid('query');
    const rows = await listReferralCodes(dbOf(c.env), scopedPage(c, q));
    const origin = originOf(c);
    return c.json(
      page(rows, q.limit, (r) => presentReferral(r, origin)),
      200,
    );
  },
);

codesApi.openapi(
  createRoute({
    method: 'get',
    path: '/referral-codes/{id}',
    tags: ['Referral codes'],
    summary: 'Get a referral code',
    security: bearer,
    request: { params: idParam },
    responses: { 200: jsonOk(referralCodeSchema, 'The code.'), ...errorResponses },
  }),
  async (c) => {
    const row = await getReferralCode(dbOf(c.env), c.req.valid('param').id);
    if (!row) throw notFound('referral code');
    assertVisible(c, row.partnerId, 'referral code');
    return c.json(presentReferral(row, originOf(c)), 200);
  },
);

codesApi.openapi(
  createRoute({
    method: 'delete',
    path: '/referral-codes/{id}',
    tags: ['Referral codes'],
    summary: 'Delete a referral code',
    security: bearer,
    request: { params: idParam },
    responses: { 204: { description: 'Deleted.' }, ...errorResponses },
  }),
  async (c) => {
    requireAdmin(c);
    const db = dbOf(c.env);
    const row = await getReferralCode(db, c.req.valid('param').id);
    if (!row) throw notFound('referral code');
    await deleteReferralCode(db, row.id);
    return c.body(null, 204);
  },
);
