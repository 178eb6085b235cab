// /api/v1/coupons and /api/v1/referral-codes: attribution by promo code and by referring user.
import { createRoute } from '@hono/zod-openapi';
import { dbOf } from '../../db/client';
import type { Coupon, ReferralCode } from '../../db/schema';
import { requireAdmin, scopeOf } from '../../http/auth';
import { originOf } from '../../http/origin';
import { page, pageRequest } from '../../http/pagination';
import { bearer, conflictResponse, errorResponses, jsonBody, jsonOk, router } from '../../http/validation';
import { viewFor } from '../../http/views';
import { byKey, idParam, iso, listOf, paginationQuery } from '../../schemas/common';
import {
  couponCreateSchema,
  couponSchema,
  partnerFilterQuery,
  referralCodeCreateSchema,
  referralCodePublicSchema,
  referralCodeSchema,
} from '../../schemas/link';
import {
  listVisibleCoupons,
  listVisibleReferralCodes,
  referralCodeOf,
  registerCoupon,
  removeCoupon,
  removeReferralCode,
  visibleReferralCode,
} from '../../services/codes';

export const codesApi = router();

const presentCoupon = (c: Coupon) => ({
  id: c.id,
  partnerId: c.partnerId,
  code: c.code,
  linkId: c.linkId,
  createdAt: iso(c.createdAt) as string,
});

export const presentReferral = (r: ReferralCode, origin: string) => ({
  id: r.id,
  partnerId: r.partnerId,
  code: r.code,
  userRef: r.userRef,
  linkId: r.linkId,
  url: `${origin}/r/${r.code}`,
  createdAt: iso(r.createdAt) as string,
});

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
    const row = await registerCoupon(dbOf(c.env), c.req.valid('json'));
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
    const rows = await listVisibleCoupons(dbOf(c.env), scopeOf(c), pageRequest(q));
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
    await removeCoupon(dbOf(c.env), c.req.valid('param').id);
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
    const { code, created } = await referralCodeOf(dbOf(c.env), c.req.valid('json'));
    const view = presentReferral(code, originOf(c));
    return created ? c.json(view, 201) : c.json(view, 200);
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
    responses: {
      200: jsonOk(listOf(byKey(referralCodeSchema, referralCodePublicSchema), 'ReferralCodeList'), 'Newest first.'),
      ...errorResponses,
    },
  }),
  async (c) => {
    const q = c.req.valid('query');
    const rows = await listVisibleReferralCodes(dbOf(c.env), scopeOf(c), pageRequest(q));
    const origin = originOf(c);
    return c.json(
      page(
        rows,
        q.limit,
        viewFor(c, referralCodePublicSchema, (r: ReferralCode) => presentReferral(r, origin)),
      ),
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
    responses: { 200: jsonOk(byKey(referralCodeSchema, referralCodePublicSchema), 'The code.'), ...errorResponses },
  }),
  async (c) => {
    const row = await visibleReferralCode(dbOf(c.env), scopeOf(c), c.req.valid('param').id);
    const origin = originOf(c);
    return c.json(viewFor(c, referralCodePublicSchema, (r: ReferralCode) => presentReferral(r, origin))(row), 200);
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
    await removeReferralCode(dbOf(c.env), c.req.valid('param').id);
    return c.body(null, 204);
  },
);
